package io.rollguard.common.detect;

import java.util.Arrays;
import java.util.List;

/**
 * Stage 1 (udf-preprocess): per-metric value transform, robust scaling and clipping, with
 * parameters fitted on training history.
 *
 * <p>For metric j: {@code v = transform(x)} (identity or signed {@code log1p}), then {@code z =
 * clamp((v - center[j]) / scale[j], -clip[j], clip[j])}. {@code center} is the training median and
 * {@code scale} a robust spread (see {@link #fit}). NaN (missing) stays NaN and is never
 * zero-filled here; infinities are treated as missing because no model can use them.
 */
public final class FittedTransforms {

  /** Gaussian-consistency factors: sigma = 1.4826 * MAD = IQR / 1.349 for normal data. */
  private static final double MAD_TO_SIGMA = 1.4826;

  private static final double IQR_TO_SIGMA = 1.0 / 1.349;

  /**
   * Relative floor of a column's scale, as a share of its typical magnitude. Keeps a (nearly)
   * constant column from turning rounding noise into huge z-values.
   */
  static final double RELATIVE_SCALE_FLOOR = 0.01;

  /**
   * Absolute floor of a column's scale. SMD-style metrics live in [0, 1], service metrics in their
   * own units; 1e-3 is "a change of 0.001 is one unit" for a column that never moved in training.
   * Clipping then bounds how far such a column can push a score.
   */
  static final double ABSOLUTE_SCALE_FLOOR = 1e-3;

  /**
   * Clip bound of a column that was constant in training (its scale is the floor). It carries only
   * "it moved" information, so it may signal at most a 3-sigma-like deviation: without this cap a
   * column that varies slightly in production after a constant training period (seen on SMD
   * machine-1-6) would sit at the clip bound forever and dominate every unified score.
   */
  static final double CONSTANT_COLUMN_CLIP = 3.0;

  private final boolean[] log1p;
  private final double[] center;
  private final double[] scale;
  private final double[] clip;

  public FittedTransforms(boolean[] log1p, double[] center, double[] scale, double[] clip) {
    int m = center.length;
    if (log1p.length != m || scale.length != m || clip.length != m) {
      throw new IllegalArgumentException(
          "transform parameter arrays must all have " + m + " entries");
    }
    for (int j = 0; j < m; j++) {
      if (!Double.isFinite(center[j])) {
        throw new IllegalArgumentException(
            "transform center of metric " + j + " must be finite, got " + center[j]);
      }
      if (!(scale[j] > 0) || Double.isInfinite(scale[j])) {
        throw new IllegalArgumentException(
            "transform scale of metric " + j + " must be finite and > 0, got " + scale[j]);
      }
    }
    for (int j = 0; j < m; j++) {
      if (!(clip[j] > 0) || Double.isInfinite(clip[j])) {
        throw new IllegalArgumentException(
            "clip bound of metric " + j + " must be finite and > 0, got " + clip[j]);
      }
    }
    this.log1p = log1p.clone();
    this.center = center.clone();
    this.scale = scale.clone();
    this.clip = clip.clone();
  }

  /**
   * Fits the transforms on raw history {@code [rows x metrics]} (NaN = missing).
   *
   * <p>Scale = max(1.4826 * MAD, IQR / 1.349): robust to the outliers an anomaly-laden history
   * holds. When both are ~0 (a column that is mostly constant with rare moves, common in server
   * metrics) the standard deviation is used instead; a column that is entirely constant (or
   * entirely missing) gets the floor {@code max(1e-3, 0.01 * |median|)} so a later change shows up
   * as a deviation clipped at {@link #CONSTANT_COLUMN_CLIP} instead of infinity. Other columns are
   * clipped at {@code clipBound}.
   */
  public static FittedTransforms fit(double[][] raw, List<MetricDef> metrics, double clipBound) {
    int m = metrics.size();
    boolean[] log = new boolean[m];
    double[] center = new double[m];
    double[] scale = new double[m];
    double[] clip = new double[m];
    double[] col = new double[raw.length];
    for (int j = 0; j < m; j++) {
      log[j] = metrics.get(j).transform() == TransformKind.LOG1P;
      int n = 0;
      for (double[] row : raw) {
        if (row.length != m) {
          throw new IllegalArgumentException(
              "history row has " + row.length + " values, expected " + m);
        }
        double v = transformValue(row[j], log[j]);
        if (!Double.isNaN(v)) {
          col[n++] = v;
        }
      }
      if (n == 0) {
        center[j] = 0.0;
        scale[j] = ABSOLUTE_SCALE_FLOOR;
        clip[j] = Math.min(clipBound, CONSTANT_COLUMN_CLIP);
        continue;
      }
      double[] v = Arrays.copyOf(col, n);
      Arrays.sort(v);
      double med = Stats.quantileSorted(v, 0.5);
      double iqr = Stats.quantileSorted(v, 0.75) - Stats.quantileSorted(v, 0.25);
      double[] dev = new double[n];
      for (int i = 0; i < n; i++) {
        dev[i] = Math.abs(v[i] - med);
      }
      Arrays.sort(dev);
      double mad = Stats.quantileSorted(dev, 0.5);
      double floor = Math.max(ABSOLUTE_SCALE_FLOOR, RELATIVE_SCALE_FLOOR * Math.abs(med));
      double s = Math.max(MAD_TO_SIGMA * mad, IQR_TO_SIGMA * iqr);
      if (s < floor) {
        s = Math.max(s, Stats.standardDeviation(v));
      }
      center[j] = med;
      scale[j] = Math.max(s, floor);
      clip[j] = s < floor ? Math.min(clipBound, CONSTANT_COLUMN_CLIP) : clipBound;
    }
    return new FittedTransforms(log, center, scale, clip);
  }

  /** Signed log1p keeps the transform defined (and monotone) for negative values too. */
  static double transformValue(double x, boolean log1p) {
    if (!Double.isFinite(x)) {
      return Double.NaN;
    }
    if (!log1p) {
      return x;
    }
    return x >= 0 ? Math.log1p(x) : -Math.log1p(-x);
  }

  /** Normalises raw rows {@code [rows x metrics]} into a new array; NaN stays NaN. */
  public double[][] apply(double[][] raw) {
    double[][] out = new double[raw.length][];
    for (int i = 0; i < raw.length; i++) {
      out[i] = new double[center.length];
      applyRow(raw[i], out[i]);
    }
    return out;
  }

  /** Normalises one raw row into {@code out} (allocation-free). */
  public void applyRow(double[] raw, double[] out) {
    int m = center.length;
    if (raw.length != m || out.length != m) {
      throw new IllegalArgumentException(
          "row has " + raw.length + " values, transforms expect " + m);
    }
    for (int j = 0; j < m; j++) {
      double v = transformValue(raw[j], log1p[j]);
      if (Double.isNaN(v)) {
        out[j] = Double.NaN;
        continue;
      }
      double z = (v - center[j]) / scale[j];
      double c = clip[j];
      out[j] = z > c ? c : (z < -c ? -c : z);
    }
  }

  public int metricCount() {
    return center.length;
  }

  public boolean log1p(int metric) {
    return log1p[metric];
  }

  public double center(int metric) {
    return center[metric];
  }

  public double scale(int metric) {
    return scale[metric];
  }

  /** Normalised values of this metric are clipped to {@code [-clipBound, clipBound]}. */
  public double clipBound(int metric) {
    return clip[metric];
  }
}
