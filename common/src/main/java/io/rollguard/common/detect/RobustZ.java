package io.rollguard.common.detect;

import java.util.Arrays;

/**
 * The fallback scorer used while an entity has no usable model: robust z-scores of a window against
 * the window's own earlier rows.
 *
 * <p>For metric j, after its configured value transform: the reference is the window's first {@code
 * W - scoredRows} rows (the part before the rows that are scored), center = their median and scale
 * = {@code max(1.4826 * MAD, IQR / 1.349)}, or their standard deviation when both are ~0, floored
 * at {@code max(1e-3, 1% of |median|)} so a flat reference does not turn rounding noise into huge
 * values. Every row's {@code z = (v - center) / scale} is clipped to {@code ±clipBound}. A missing
 * cell stays NaN; a metric with no observed reference row uses all of its observed rows as
 * reference; a metric with no observed row at all is NaN throughout.
 *
 * <p>Why the earlier rows: a fresh shift in the newest rows then stands out against what came just
 * before it, instead of dragging the reference with it. The same z units as the model path's
 * normalised values (robust z against training statistics), so one calibration ({@link
 * FallbackCalibration}) serves both fallbacks.
 */
public final class RobustZ {

  static final double MAD_TO_SIGMA = 1.4826;
  static final double IQR_TO_SIGMA = 1.0 / 1.349;
  static final double RELATIVE_SCALE_FLOOR = 0.01;
  static final double ABSOLUTE_SCALE_FLOOR = 1e-3;

  private final TransformKind[] transforms;
  private final int scoredRows;
  private final double clipBound;

  public RobustZ(TransformKind[] transforms, int scoredRows, double clipBound) {
    if (scoredRows < 1) {
      throw new IllegalArgumentException("scoredRows must be >= 1, got " + scoredRows);
    }
    if (!(clipBound > 0) || Double.isInfinite(clipBound)) {
      throw new IllegalArgumentException("clipBound must be finite and > 0, got " + clipBound);
    }
    this.transforms = transforms.clone();
    this.scoredRows = scoredRows;
    this.clipBound = clipBound;
  }

  /** Robust z-scores of a raw window {@code [rows x metrics]} (NaN = missing), as a new array. */
  public double[][] score(double[][] raw) {
    int rows = raw.length;
    int m = transforms.length;
    double[][] out = new double[rows][m];
    int referenceRows = Math.max(0, rows - scoredRows);
    double[] column = new double[rows];
    for (int j = 0; j < m; j++) {
      boolean log = transforms[j] == TransformKind.LOG1P;
      int n = 0;
      for (int i = 0; i < referenceRows; i++) {
        double v = FittedTransforms.transformValue(raw[i][j], log);
        if (!Double.isNaN(v)) {
          column[n++] = v;
        }
      }
      if (n == 0) {
        for (int i = 0; i < rows; i++) {
          double v = FittedTransforms.transformValue(raw[i][j], log);
          if (!Double.isNaN(v)) {
            column[n++] = v;
          }
        }
      }
      if (n == 0) {
        for (int i = 0; i < rows; i++) {
          out[i][j] = Double.NaN;
        }
        continue;
      }
      double[] sorted = Arrays.copyOf(column, n);
      Arrays.sort(sorted);
      double center = Stats.quantileSorted(sorted, 0.5);
      double scale = scale(sorted, center);
      for (int i = 0; i < rows; i++) {
        double v = FittedTransforms.transformValue(raw[i][j], log);
        if (Double.isNaN(v)) {
          out[i][j] = Double.NaN;
        } else {
          double z = (v - center) / scale;
          out[i][j] = z > clipBound ? clipBound : (z < -clipBound ? -clipBound : z);
        }
      }
    }
    return out;
  }

  private static double scale(double[] sorted, double center) {
    int n = sorted.length;
    double[] dev = new double[n];
    for (int i = 0; i < n; i++) {
      dev[i] = Math.abs(sorted[i] - center);
    }
    Arrays.sort(dev);
    double mad = Stats.quantileSorted(dev, 0.5);
    double iqr = Stats.quantileSorted(sorted, 0.75) - Stats.quantileSorted(sorted, 0.25);
    double s = Math.max(MAD_TO_SIGMA * mad, IQR_TO_SIGMA * iqr);
    double floor = Math.max(ABSOLUTE_SCALE_FLOOR, RELATIVE_SCALE_FLOOR * Math.abs(center));
    if (s < floor && n > 1) {
      double mean = 0;
      for (double v : sorted) {
        mean += v;
      }
      mean /= n;
      double ss = 0;
      for (double v : sorted) {
        ss += (v - mean) * (v - mean);
      }
      s = Math.max(s, Math.sqrt(ss / (n - 1)));
    }
    return Math.max(s, floor);
  }
}
