package io.rollguard.common.detect;

import java.util.ArrayList;
import java.util.List;

/**
 * The fixed calibration of fallback errors (robust z-scores, see {@link RobustZ}), so they land on
 * the same 0-10 scale as model scores.
 *
 * <p>Per metric the window error is the mean of {@code direction(z)^2} over the newest {@code
 * scoredRows} rows (as in {@link Calibration}). With z in robust-sigma units: typical = 1 (the mean
 * square of a standard normal, so ordinary noise scores about 0) and threshold = 9 (a deviation of
 * 3 robust sigmas sustained over the scored rows scores 5, the alert level). The unified score uses
 * the same typical/threshold on the weighted mean. Both fallbacks share it: z against the window's
 * own earlier rows, and z against the last bundle's training statistics (the bundle's normalised
 * values are exactly such z-scores).
 */
public final class FallbackCalibration {

  /** Mean squared z of in-control noise. */
  public static final double TYPICAL = 1.0;

  /** Mean squared z of a sustained 3-sigma deviation: the alert threshold (score 5). */
  public static final double THRESHOLD = 9.0;

  /** Unified score at or above which a fallback window alarms: the threshold. */
  public static final double ALERT_LEVEL = 5.0;

  /** Clip bound of fallback z-scores, as the detection core clips normalised values. */
  public static final double CLIP_BOUND = 10.0;

  private FallbackCalibration() {}

  /**
   * How many of a window's newest rows are scored by the fallback: a quarter of the window (at
   * least one), so a fresh shift is judged against the three quarters before it.
   */
  public static int scoredRows(int windowLength) {
    return Math.max(1, windowLength / 4);
  }

  public static Calibration create(List<MetricDef> metrics, int windowLength) {
    List<MetricCalibration> perMetric = new ArrayList<>(metrics.size());
    for (MetricDef metric : metrics) {
      perMetric.add(
          MetricCalibration.withoutShiftTest(
              metric.direction(), metric.weight(), 1.0, TYPICAL, THRESHOLD));
    }
    return new Calibration(
        new CalibrationData(
            windowLength, scoredRows(windowLength), perMetric, TYPICAL, THRESHOLD, ALERT_LEVEL, 0));
  }
}
