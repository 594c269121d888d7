package io.rollguard.common.detect;

/**
 * Cold-start / fallback model: each metric is expected at its training median, so the residual is
 * the robust z-value itself ({@code x - center}, center ~ 0 after robust scaling). No cross-metric
 * or temporal structure, needs no training beyond the transforms.
 */
final class BaselineModel implements AnomalyModel {

  private final int windowLength;
  private final double[] center;

  public BaselineModel(int windowLength, double[] center) {
    if (windowLength < 1) {
      throw new IllegalArgumentException("windowLength must be >= 1, got " + windowLength);
    }
    this.windowLength = windowLength;
    this.center = center.clone();
  }

  /** Per-metric median of the normalised training windows' rows. */
  static BaselineModel fit(WindowSet train) {
    int m = train.metrics;
    double[] center = new double[m];
    double[] col = new double[train.data.length];
    for (int j = 0; j < m; j++) {
      int n = 0;
      int firstRow = train.size() == 0 ? 0 : train.starts[0];
      int lastRow =
          train.size() == 0 ? -1 : train.starts[train.size() - 1] + train.windowLength - 1;
      for (int r = firstRow; r <= lastRow; r++) {
        double v = train.data[r][j];
        if (!Double.isNaN(v)) {
          col[n++] = v;
        }
      }
      center[j] = n == 0 ? 0.0 : Stats.median(java.util.Arrays.copyOf(col, n));
    }
    return new BaselineModel(train.windowLength, center);
  }

  @Override
  public String kind() {
    return "baseline";
  }

  @Override
  public int windowLength() {
    return windowLength;
  }

  @Override
  public int metricCount() {
    return center.length;
  }

  public double center(int metric) {
    return center[metric];
  }

  @Override
  public void residualsFlat(double[] window, double[] out) {
    int m = center.length;
    for (int k = 0; k < window.length; k++) {
      out[k] = window[k] - center[k % m]; // NaN propagates: a missing cell has no residual
    }
  }
}
