package io.rollguard.common.detect;

/**
 * Turns residuals into calibrated 0-10 scores with a bundle's {@link CalibrationData}
 * (docs/scoring.md); {@link CalibrationFit} fits that data.
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

  private final CalibrationData data;
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

  /** Scores with {@code data}, unpacked into primitive arrays for the hot path. */
  public Calibration(CalibrationData data) {
    this.data = data;
    int m = data.metricCount();
    this.windowLength = data.windowLength();
    this.scoredRows = data.scoredRows();
    this.unifiedTypical = data.unifiedTypical();
    this.unifiedThreshold = data.unifiedThreshold();
    this.alertLevel = data.alertLevel();
    this.shiftRows = data.shiftRows();
    this.directions = new Direction[m];
    this.weights = new double[m];
    this.errorScale = new double[m];
    this.metricTypical = new double[m];
    this.metricThreshold = new double[m];
    this.shiftCenter = new double[m];
    this.shiftScale = new double[m];
    this.shiftThreshold = new double[m];
    for (int j = 0; j < m; j++) {
      MetricCalibration c = data.metrics().get(j);
      directions[j] = c.direction();
      weights[j] = c.weight();
      errorScale[j] = c.errorScale();
      metricTypical[j] = c.typical();
      metricThreshold[j] = c.threshold();
      shiftCenter[j] = c.shiftCenter();
      shiftScale[j] = c.shiftScale();
      shiftThreshold[j] = c.shiftThreshold();
    }
  }

  /** What the bundle stores (and {@link BundleCodec} writes). */
  public CalibrationData data() {
    return data;
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
  static double recentMean(double[] residuals, int j, int m, int windowLength, int rows) {
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

  public int windowLength() {
    return windowLength;
  }

  public int scoredRows() {
    return scoredRows;
  }

  public int metricCount() {
    return directions.length;
  }

  public double alertLevel() {
    return alertLevel;
  }
}
