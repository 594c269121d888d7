package io.rollguard.common.detect;

import java.util.List;
import java.util.Objects;

/**
 * Everything a bundle stores about how residuals become scores, exactly what {@link BundleCodec}
 * writes. {@link CalibrationFit} produces it from the held-back tail; {@link Calibration} scores
 * with it. Every field is validated here, naming the field (and the metric's index).
 *
 * @param windowLength rows per window
 * @param scoredRows how many of the window's newest rows enter the window error, in [1, W]
 * @param metrics one entry per metric, in column order
 * @param unifiedTypical the unified raw error that scores 0
 * @param unifiedThreshold the unified raw error that scores 5
 * @param alertLevel unified score at or above which a window alarms, in (0, 10]
 * @param shiftRows rows of the fast level-shift test, in [0, W]; 0 = off
 */
public record CalibrationData(
    int windowLength,
    int scoredRows,
    List<MetricCalibration> metrics,
    double unifiedTypical,
    double unifiedThreshold,
    double alertLevel,
    int shiftRows) {

  public CalibrationData {
    metrics = List.copyOf(Objects.requireNonNull(metrics, "metrics"));
    if (scoredRows < 1 || scoredRows > windowLength) {
      throw new IllegalArgumentException(
          "scoredRows must be in [1, " + windowLength + "], got " + scoredRows);
    }
    if (shiftRows < 0 || shiftRows > windowLength) {
      throw new IllegalArgumentException(
          "shiftRows must be in [0, " + windowLength + "], got " + shiftRows);
    }
    for (int j = 0; j < metrics.size(); j++) {
      MetricCalibration c = metrics.get(j);
      String metric = "metric " + j;
      Objects.requireNonNull(c.direction(), metric + ": direction");
      requirePositive(c.errorScale(), metric + ": errorScale");
      requirePositive(c.weight(), metric + ": weight");
      checkTypicalBelowThreshold(metric, c.typical(), c.threshold());
      if (!Double.isFinite(c.shiftCenter())) {
        throw new IllegalArgumentException(metric + ": shiftCenter must be finite");
      }
      requirePositive(c.shiftScale(), metric + ": shiftScale");
      requirePositive(c.shiftThreshold(), metric + ": shiftThreshold");
    }
    checkTypicalBelowThreshold("unified", unifiedTypical, unifiedThreshold);
    if (!(alertLevel > 0 && alertLevel <= 10)) {
      throw new IllegalArgumentException("alertLevel must be in (0, 10], got " + alertLevel);
    }
  }

  public int metricCount() {
    return metrics.size();
  }

  private static void requirePositive(double v, String what) {
    if (!(v > 0) || !Double.isFinite(v)) {
      throw new IllegalArgumentException(what + " must be finite and > 0, got " + v);
    }
  }

  private static void checkTypicalBelowThreshold(String what, double typical, double threshold) {
    if (!Double.isFinite(typical)
        || typical < 0
        || !Double.isFinite(threshold)
        || !(threshold > typical)) {
      throw new IllegalArgumentException(
          what
              + ": need 0 <= typical < threshold (finite), got typical="
              + typical
              + " threshold="
              + threshold);
    }
  }
}
