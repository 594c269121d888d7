package io.rollguard.common.detect;

/**
 * Stage 2 (udf-inference): turns a normalised window into per-(time, metric) SIGNED residuals
 * {@code observed - expected} in normalised units. A cell that was missing (NaN) in the input gets
 * a NaN residual: models impute it internally with the training median (0 in normalised space) so
 * the other cells can still be reconstructed, but its own residual is unknown and is excluded from
 * scoring. Implementations are immutable and safe to call from many threads.
 */
public interface AnomalyModel {

  /** {@code pca}, {@code ae} or {@code baseline}. */
  String kind();

  /** W, rows per window. */
  int windowLength();

  /** Metrics per row. */
  int metricCount();

  /** Residuals of a {@code [W x metrics]} normalised window, as a new array. */
  default double[][] residuals(double[][] normalisedWindow) {
    int w = windowLength();
    int m = metricCount();
    checkShape(normalisedWindow, w, m);
    double[] in = new double[w * m];
    for (int t = 0; t < w; t++) {
      System.arraycopy(normalisedWindow[t], 0, in, t * m, m);
    }
    double[] out = new double[w * m];
    residualsFlat(in, out);
    double[][] res = new double[w][m];
    for (int t = 0; t < w; t++) {
      System.arraycopy(out, t * m, res[t], 0, m);
    }
    return res;
  }

  /**
   * Allocation-light form for hot loops: {@code window} is the normalised window flattened
   * row-major ({@code [t * metrics + j]}, length {@code W * metrics}); residuals are written into
   * {@code out} (same layout). {@code window} is not modified.
   */
  void residualsFlat(double[] window, double[] out);

  static void checkShape(double[][] window, int w, int m) {
    if (window.length != w) {
      throw new IllegalArgumentException(
          "window has " + window.length + " rows, model expects " + w);
    }
    for (double[] row : window) {
      if (row.length != m) {
        throw new IllegalArgumentException(
            "window row has " + row.length + " metrics, model expects " + m);
      }
    }
  }
}
