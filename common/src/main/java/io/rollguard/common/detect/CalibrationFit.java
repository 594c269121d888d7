package io.rollguard.common.detect;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fits a {@link CalibrationData} on residual windows of the held-back tail (docs/scoring.md): error
 * scales, per-metric and unified thresholds, and the fast level-shift test's statistics.
 */
final class CalibrationFit {

  private CalibrationFit() {}

  /**
   * Share of the largest calibration errors left out of a metric's error scale. A mean (not a
   * median) on purpose: a metric whose normal behaviour is spiky gets a larger scale and so less
   * weight in the unified score, which ranked SMD anomalies clearly better (best-F1 0.515 vs 0.475
   * with 10% trimmed). The price: anomalies in more than about 1% of the tail windows inflate that
   * metric's scale and make it less sensitive (measured in TrainingRobustnessTest and
   * docs/scoring.md).
   */
  static final double SCALE_TRIM = 0.01;

  static final double BULK_TRIM = 0.1;
  static final double SCALE_CAP = 6.0;

  /** Mean of an ascending array after dropping its largest {@code share}. */
  private static double trimmedMean(double[] sorted, double share) {
    int keep = sorted.length - (int) Math.floor(sorted.length * share);
    double s = 0;
    for (int i = 0; i < keep; i++) {
      s += sorted[i];
    }
    return keep <= 0 ? 0.0 : s / keep;
  }

  /**
   * Fits the calibration on residual windows of the held-back tail (never the model's training
   * windows, so thresholds see out-of-sample errors).
   *
   * <p>errorScale_j = mean of e_j over the calibration windows after dropping its top 1% (with
   * {@code robustTail}: at most 6 times the 10%-trimmed mean), floored at 10% of the median scale
   * across metrics (a metric the model reconstructs perfectly, e.g. a constant one, must not turn
   * any later deviation into an infinite score). Thresholds: {@link #typicalAndThreshold}.
   */
  static CalibrationData fit(
      AnomalyModel model,
      WindowSet calibration,
      List<MetricDef> metrics,
      int scoredRows,
      double sigmas,
      double margin,
      double alertLevel,
      int shiftRows,
      double shiftSigmas,
      boolean robustTail) {
    int m = metrics.size();
    int w = model.windowLength();
    int n = calibration.size();
    Direction[] dirs = new Direction[m];
    double[] weights = new double[m];
    for (int j = 0; j < m; j++) {
      dirs[j] = metrics.get(j).direction();
      weights[j] = metrics.get(j).weight();
    }
    int d = w * m;
    double[] buf = new double[d];
    double[] res = new double[d];
    double[][] rawErr = new double[m][n]; // e_j before scaling, NaN when no data
    List<MetricCalibration> unit = new ArrayList<>(m);
    for (int j = 0; j < m; j++) {
      unit.add(MetricCalibration.withoutShiftTest(dirs[j], weights[j], 1.0, 0.0, 1.0));
    }
    Calibration unscaled =
        new Calibration(new CalibrationData(w, scoredRows, unit, 0, 1, alertLevel, 0));
    double[] tmp = new double[m];
    double[][] recent = new double[m][n];
    for (int i = 0; i < n; i++) {
      calibration.flatten(i, buf);
      model.residualsFlat(buf, res);
      unscaled.normalisedErrors(res, tmp);
      for (int j = 0; j < m; j++) {
        rawErr[j][i] = tmp[j];
        recent[j][i] = shiftRows > 0 ? Calibration.recentMean(res, j, m, w, shiftRows) : 0.0;
      }
    }
    double[] scale = new double[m];
    for (int j = 0; j < m; j++) {
      double[] v = Stats.finiteCopy(rawErr[j]);
      Arrays.sort(v);
      double tailAware = trimmedMean(v, SCALE_TRIM);
      // Robust tail: a burst of anomalies in the tail may raise a scale at most SCALE_CAP times
      // above the metric's bulk (10%-trimmed) level.
      scale[j] =
          robustTail ? Math.min(tailAware, SCALE_CAP * trimmedMean(v, BULK_TRIM)) : tailAware;
    }
    double medianScale = Stats.median(scale);
    double floor = Math.max(1e-9, 0.1 * (Double.isFinite(medianScale) ? medianScale : 0));
    for (int j = 0; j < m; j++) {
      if (!(scale[j] >= floor)) {
        scale[j] = floor;
      }
    }
    double[] typical = new double[m];
    double[] threshold = new double[m];
    double[] unified = new double[n];
    double[] wsum = new double[n];
    for (int j = 0; j < m; j++) {
      double[] nj = new double[n];
      for (int i = 0; i < n; i++) {
        nj[i] = rawErr[j][i] / scale[j];
        if (!Double.isNaN(nj[i])) {
          unified[i] += weights[j] * nj[i];
          wsum[i] += weights[j];
        }
      }
      double[] tt = metricTypicalAndThreshold(nj);
      typical[j] = tt[0];
      threshold[j] = tt[1];
    }
    for (int i = 0; i < n; i++) {
      unified[i] = wsum[i] == 0 ? Double.NaN : unified[i] / wsum[i];
    }
    double[] ut = typicalAndThreshold(unified, sigmas, margin);
    double[] shiftCenter = new double[m];
    double[] shiftScale = new double[m];
    double[] shiftThreshold = new double[m];
    for (int j = 0; j < m; j++) {
      double[] v = Stats.finiteCopy(recent[j]);
      Arrays.sort(v);
      double c = v.length == 0 ? 0.0 : Stats.quantileSorted(v, 0.5);
      double[] dev = new double[v.length];
      for (int i = 0; i < v.length; i++) {
        dev[i] = Math.abs(v[i] - c);
      }
      Arrays.sort(dev);
      double sd = 1.4826 * (dev.length == 0 ? 0.0 : Stats.quantileSorted(dev, 0.5));
      // Floor: the spread a mean of shiftRows residuals of typical size would have, so a metric the
      // model reconstructs perfectly on the tail (e.g. constant) cannot turn any move into
      // infinity.
      double shiftFloor = 0.5 * Math.sqrt(scale[j] / Math.max(1, shiftRows));
      shiftCenter[j] = c;
      shiftScale[j] = Math.max(sd, Math.max(shiftFloor, 1e-9));
      // Threshold: shiftSigmas, or the largest standardised shift the tail itself shows if that is
      // larger. Heavy-tailed metrics (bursty server counters) then need a proportionally larger
      // shift, while a Gaussian-like metric keeps the nominal sigmas.
      double worst = 0;
      for (double r : recent[j]) {
        if (!Double.isNaN(r)) {
          double z = (r - c) / shiftScale[j];
          double zd =
              switch (dirs[j]) {
                case UP -> z;
                case DOWN -> -z;
                case BOTH -> Math.abs(z);
              };
          worst = Math.max(worst, zd);
        }
      }
      shiftThreshold[j] = Math.max(shiftSigmas, worst);
    }
    List<MetricCalibration> fitted = new ArrayList<>(m);
    for (int j = 0; j < m; j++) {
      fitted.add(
          new MetricCalibration(
              dirs[j],
              weights[j],
              scale[j],
              typical[j],
              threshold[j],
              shiftCenter[j],
              shiftScale[j],
              shiftThreshold[j]));
    }
    return new CalibrationData(w, scoredRows, fitted, ut[0], ut[1], alertLevel, shiftRows);
  }

  /**
   * Robust sigmas above the median for a single metric's threshold, on the linear scale. A single
   * metric's window error is far more spread on the log scale than the unified mean (its own
   * residual can sit near zero for long stretches), so the log rule would put per-metric thresholds
   * out of reach; median + 8 robust sigmas of the linear error reads as "this metric alone is
   * clearly off" while staying insensitive to anomalies in the tail.
   */
  static final double METRIC_SIGMAS = 8.0;

  static double[] metricTypicalAndThreshold(double[] values) {
    double[] v = Stats.finiteCopy(values);
    if (v.length == 0) {
      return new double[] {0.0, 1.0};
    }
    Arrays.sort(v);
    double med = Stats.quantileSorted(v, 0.5);
    double[] dev = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      dev[i] = Math.abs(v[i] - med);
    }
    Arrays.sort(dev);
    double spread = 1.4826 * Stats.quantileSorted(dev, 0.5);
    double thr = med + METRIC_SIGMAS * spread;
    double minGap = Math.max(1e-9, 1e-6 * Math.abs(med));
    if (!(thr > med + minGap) || !Double.isFinite(thr)) {
      thr = med + Math.max(minGap, 1.0);
    }
    return new double[] {Math.max(0, med), thr};
  }

  /**
   * {typical, threshold} of a sample of unified window errors. Window errors are mean squares,
   * roughly log-normal, so the threshold is set on the log scale with robust statistics: {@code
   * exp(median(log v) + sigmas * 1.4826 * MAD(log v)) * margin}. Median and MAD ignore up to half
   * of the sample, so anomalies inside the calibration tail barely move the threshold (a high
   * quantile of a few thousand autocorrelated windows is set by the handful of worst ones, which on
   * SMD were often anomalies themselves). Typical = the median.
   */
  static double[] typicalAndThreshold(double[] values, double sigmas, double margin) {
    double[] v = Stats.finiteCopy(values);
    if (v.length == 0) {
      return new double[] {0.0, 1.0};
    }
    Arrays.sort(v);
    double med = Stats.quantileSorted(v, 0.5);
    // Exact zeros (a direction that never fired, a perfectly reconstructed metric) would put -inf
    // into the log sample; floor them at a tiny share of the largest value.
    double tiny = Math.max(1e-12, 1e-9 * v[v.length - 1]);
    double[] lg = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      lg[i] = Math.log(Math.max(v[i], tiny));
    }
    double lm = Stats.quantileSorted(lg, 0.5);
    double[] dev = new double[lg.length];
    for (int i = 0; i < lg.length; i++) {
      dev[i] = Math.abs(lg[i] - lm);
    }
    Arrays.sort(dev);
    double logSigma = 1.4826 * Stats.quantileSorted(dev, 0.5);
    double thr = Math.exp(lm + sigmas * logSigma) * margin;
    double minGap = Math.max(1e-9, 1e-6 * Math.abs(med));
    if (!(thr > med + minGap) || !Double.isFinite(thr)) {
      // A degenerate sample (all equal): one typical-error unit above the median.
      thr = med + Math.max(minGap, 1.0);
    }
    return new double[] {Math.max(0, med), thr};
  }
}
