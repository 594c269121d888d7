package io.rollguard.common.detect;

import java.util.Arrays;
import java.util.List;

/**
 * Stage 3 (udf-postprocess): turns residuals into calibrated 0-10 scores (docs/scoring.md).
 *
 * <ol>
 *   <li>Per metric j, the window error {@code e_j} = mean over the window's last {@code scoredRows}
 *       observed rows of {@code direction_j(r)^2} (only the deviations that count: for {@code UP}
 *       negative residuals count as 0).
 *   <li>{@code n_j = e_j / errorScale_j}: errorScale is the metric's typical error on the
 *       calibration tail, so metrics the model reconstructs well and badly become comparable.
 *   <li>Unified raw = weighted mean of {@code n_j} over metrics with data.
 *   <li>Each raw value is mapped to 0-10 by {@link #toScore}: 0 at or below the typical value, 5 at
 *       the calibrated threshold, approaching 10 far beyond it (monotone, never saturating in
 *       double precision so rankings stay informative).
 *   <li>Optional fast level-shift test on metrics with a declared direction: the standardised mean
 *       residual of the last {@code shiftRows} rows; the per-metric and unified scores are the
 *       maximum of the window score and this test's score.
 * </ol>
 *
 * <p>Immutable and thread-safe.
 */
public final class Calibration {

  private final int windowLength;
  private final int scoredRows;
  private final Direction[] directions;
  private final double[] weights;
  private final double[] errorScale;
  private final double[] metricTypical;
  private final double[] metricThreshold;
  private final double unifiedTypical;
  private final double unifiedThreshold;
  private final double alertLevel;
  private final int shiftRows;
  private final double[] shiftCenter;
  private final double[] shiftScale;
  private final double[] shiftThreshold;

  /** Calibration without the fast level-shift test (see the full constructor). */
  public Calibration(
      int windowLength,
      int scoredRows,
      Direction[] directions,
      double[] weights,
      double[] errorScale,
      double[] metricTypical,
      double[] metricThreshold,
      double unifiedTypical,
      double unifiedThreshold,
      double alertLevel) {
    this(
        windowLength,
        scoredRows,
        directions,
        weights,
        errorScale,
        metricTypical,
        metricThreshold,
        unifiedTypical,
        unifiedThreshold,
        alertLevel,
        0,
        new double[directions.length],
        filled(directions.length, 1.0),
        filled(directions.length, 1.0));
  }

  private static double[] filled(int n, double v) {
    double[] a = new double[n];
    Arrays.fill(a, v);
    return a;
  }

  /**
   * @param shiftRows rows of the fast level-shift test (0 = off): per metric, the mean signed
   *     residual of the window's last {@code shiftRows} rows, standardised by {@code shiftCenter} /
   *     {@code shiftScale} (median and robust sd of that mean on the calibration tail), is compared
   *     with {@code shiftThreshold} (per metric, in those standard units) in the metric's direction
   */
  public Calibration(
      int windowLength,
      int scoredRows,
      Direction[] directions,
      double[] weights,
      double[] errorScale,
      double[] metricTypical,
      double[] metricThreshold,
      double unifiedTypical,
      double unifiedThreshold,
      double alertLevel,
      int shiftRows,
      double[] shiftCenter,
      double[] shiftScale,
      double[] shiftThreshold) {
    int m = directions.length;
    if (shiftRows < 0 || shiftRows > windowLength) {
      throw new IllegalArgumentException(
          "shiftRows must be in [0, " + windowLength + "], got " + shiftRows);
    }
    if (shiftCenter.length != m || shiftScale.length != m || shiftThreshold.length != m) {
      throw new IllegalArgumentException(
          "shift arrays must have " + m + " entries (one per metric)");
    }
    for (int j = 0; j < m; j++) {
      if (!Double.isFinite(shiftCenter[j])
          || !(shiftScale[j] > 0)
          || !Double.isFinite(shiftScale[j])
          || !(shiftThreshold[j] > 0)
          || !Double.isFinite(shiftThreshold[j])) {
        throw new IllegalArgumentException(
            "shift center/scale/threshold of metric "
                + j
                + " must be finite with scale and threshold > 0");
      }
    }
    if (weights.length != m
        || errorScale.length != m
        || metricTypical.length != m
        || metricThreshold.length != m) {
      throw new IllegalArgumentException(
          "calibration arrays must all have " + m + " entries (one per metric)");
    }
    if (scoredRows < 1 || scoredRows > windowLength) {
      throw new IllegalArgumentException(
          "scoredRows must be in [1, " + windowLength + "], got " + scoredRows);
    }
    for (int j = 0; j < m; j++) {
      if (!(errorScale[j] > 0) || !Double.isFinite(errorScale[j])) {
        throw new IllegalArgumentException(
            "errorScale of metric " + j + " must be finite and > 0, got " + errorScale[j]);
      }
      checkTypicalBelowThreshold("metric " + j, metricTypical[j], metricThreshold[j]);
      if (!(weights[j] > 0) || !Double.isFinite(weights[j])) {
        throw new IllegalArgumentException(
            "weight of metric " + j + " must be finite and > 0, got " + weights[j]);
      }
    }
    checkTypicalBelowThreshold("unified", unifiedTypical, unifiedThreshold);
    if (!(alertLevel > 0 && alertLevel <= 10)) {
      throw new IllegalArgumentException("alertLevel must be in (0, 10], got " + alertLevel);
    }
    this.windowLength = windowLength;
    this.scoredRows = scoredRows;
    this.directions = directions.clone();
    this.weights = weights.clone();
    this.errorScale = errorScale.clone();
    this.metricTypical = metricTypical.clone();
    this.metricThreshold = metricThreshold.clone();
    this.unifiedTypical = unifiedTypical;
    this.unifiedThreshold = unifiedThreshold;
    this.alertLevel = alertLevel;
    this.shiftRows = shiftRows;
    this.shiftCenter = shiftCenter.clone();
    this.shiftScale = shiftScale.clone();
    this.shiftThreshold = shiftThreshold.clone();
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

  /**
   * Maps a raw error to 0-10: {@code u = (raw - typical) / (threshold - typical)}; score = 0 for u
   * <= 0, {@code 5u} up to the threshold, {@code 10 - 5 / (1 + ln u)} beyond (u = e gives 7.5, u =
   * e^4 gives 9). NaN stays NaN.
   */
  public static double toScore(double raw, double typical, double threshold) {
    if (Double.isNaN(raw)) {
      return Double.NaN;
    }
    double u = (raw - typical) / (threshold - typical);
    if (u <= 0) {
      return 0.0;
    }
    if (u <= 1) {
      return 5.0 * u;
    }
    if (Double.isInfinite(u)) {
      return 10.0;
    }
    return 10.0 - 5.0 / (1.0 + Math.log(u));
  }

  /** Scores a residual window {@code [W x metrics]} (see {@link AnomalyModel#residuals}). */
  public WindowScore score(double[][] residuals) {
    int m = directions.length;
    AnomalyModel.checkShape(residuals, windowLength, m);
    double[] flat = new double[windowLength * m];
    for (int t = 0; t < windowLength; t++) {
      System.arraycopy(residuals[t], 0, flat, t * m, m);
    }
    return scoreFlat(flat);
  }

  /** Scores flattened residuals ({@code [t * metrics + j]}). */
  public WindowScore scoreFlat(double[] residuals) {
    int m = directions.length;
    double[] normalised = new double[m];
    double unifiedRaw = normalisedErrors(residuals, normalised);
    double[] perMetric = new double[m];
    double[] attribution = new double[m];
    double total = 0;
    for (int j = 0; j < m; j++) {
      double nj = normalised[j];
      perMetric[j] = toScore(nj, metricTypical[j], metricThreshold[j]);
      if (!Double.isNaN(nj)) {
        attribution[j] = weights[j] * nj;
        total += attribution[j];
      }
    }
    if (total > 0) {
      for (int j = 0; j < m; j++) {
        attribution[j] /= total;
      }
    }
    double unified =
        Double.isNaN(unifiedRaw) ? 0.0 : toScore(unifiedRaw, unifiedTypical, unifiedThreshold);
    if (shiftRows > 0) {
      for (int j = 0; j < m; j++) {
        if (directions[j] == Direction.BOTH) {
          continue; // see docs/scoring.md: the fast test is for metrics with a declared bad
          // direction
        }
        double z = shiftZ(residuals, j);
        if (z > 0) {
          double fast = toScore(z, 0.0, shiftThreshold[j]);
          perMetric[j] = Double.isNaN(perMetric[j]) ? fast : Math.max(perMetric[j], fast);
          unified = Math.max(unified, fast);
        }
      }
    }
    return new WindowScore(unified, perMetric, attribution, unified >= alertLevel);
  }

  /** Mean signed residual of metric j over the last shiftRows rows (NaN when none observed). */
  private static double recentMean(double[] residuals, int j, int m, int windowLength, int rows) {
    double sum = 0;
    int n = 0;
    for (int t = windowLength - rows; t < windowLength; t++) {
      double r = residuals[t * m + j];
      if (!Double.isNaN(r)) {
        sum += r;
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  /** Standardised recent shift of metric j in its bad direction (NaN when no data). */
  double shiftZ(double[] residuals, int j) {
    double mean = recentMean(residuals, j, directions.length, windowLength, shiftRows);
    double z = (mean - shiftCenter[j]) / shiftScale[j];
    return switch (directions[j]) {
      case UP -> z;
      case DOWN -> -z;
      case BOTH -> Math.abs(z);
    };
  }

  /**
   * Fills {@code out[j]} with the normalised window error {@code n_j} (NaN when metric j has no
   * observed residual in the scored rows) and returns the unified raw error (NaN when no metric has
   * data).
   */
  double normalisedErrors(double[] residuals, double[] out) {
    int m = directions.length;
    int firstRow = windowLength - scoredRows;
    double wsum = 0;
    double usum = 0;
    for (int j = 0; j < m; j++) {
      Direction dir = directions[j];
      double ss = 0;
      int n = 0;
      for (int t = firstRow; t < windowLength; t++) {
        double r = residuals[t * m + j];
        if (!Double.isNaN(r)) {
          double e = dir.effective(r);
          ss += e * e;
          n++;
        }
      }
      if (n == 0) {
        out[j] = Double.NaN;
        continue;
      }
      double nj = ss / n / errorScale[j];
      out[j] = nj;
      wsum += weights[j];
      usum += weights[j] * nj;
    }
    return wsum == 0 ? Double.NaN : usum / wsum;
  }

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
  static Calibration fit(
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
    double[] ones = new double[m];
    Arrays.fill(ones, 1.0);
    Calibration unscaled =
        new Calibration(w, scoredRows, dirs, weights, ones, new double[m], ones, 0, 1, alertLevel);
    double[] tmp = new double[m];
    double[][] recent = new double[m][n];
    for (int i = 0; i < n; i++) {
      calibration.flatten(i, buf);
      model.residualsFlat(buf, res);
      unscaled.normalisedErrors(res, tmp);
      for (int j = 0; j < m; j++) {
        rawErr[j][i] = tmp[j];
        recent[j][i] = shiftRows > 0 ? recentMean(res, j, m, w, shiftRows) : 0.0;
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
    return new Calibration(
        w,
        scoredRows,
        dirs,
        weights,
        scale,
        typical,
        threshold,
        ut[0],
        ut[1],
        alertLevel,
        shiftRows,
        shiftCenter,
        shiftScale,
        shiftThreshold);
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

  public int windowLength() {
    return windowLength;
  }

  public int scoredRows() {
    return scoredRows;
  }

  public int metricCount() {
    return directions.length;
  }

  public Direction direction(int metric) {
    return directions[metric];
  }

  public double weight(int metric) {
    return weights[metric];
  }

  public double errorScale(int metric) {
    return errorScale[metric];
  }

  public double metricTypical(int metric) {
    return metricTypical[metric];
  }

  public double metricThreshold(int metric) {
    return metricThreshold[metric];
  }

  public double unifiedTypical() {
    return unifiedTypical;
  }

  public double unifiedThreshold() {
    return unifiedThreshold;
  }

  public double alertLevel() {
    return alertLevel;
  }

  public int shiftRows() {
    return shiftRows;
  }

  public double shiftCenter(int metric) {
    return shiftCenter[metric];
  }

  public double shiftScale(int metric) {
    return shiftScale[metric];
  }

  public double shiftThreshold(int metric) {
    return shiftThreshold[metric];
  }
}
