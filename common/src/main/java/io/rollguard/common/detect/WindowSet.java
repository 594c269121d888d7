package io.rollguard.common.detect;

/**
 * Sliding windows over a normalised matrix {@code [rows x metrics]} without materialising them:
 * window i covers rows {@code starts[i] .. starts[i] + W - 1}, flattened row-major.
 */
final class WindowSet {
  final double[][] data;
  final int[] starts;
  final int windowLength;
  final int metrics;

  WindowSet(double[][] data, int[] starts, int windowLength, int metrics) {
    this.data = data;
    this.starts = starts;
    this.windowLength = windowLength;
    this.metrics = metrics;
  }

  /** All stride-1 windows fully inside rows [from, to). */
  static WindowSet range(double[][] data, int from, int to, int windowLength, int metrics) {
    int n = Math.max(0, to - from - windowLength + 1);
    int[] starts = new int[n];
    for (int i = 0; i < n; i++) {
      starts[i] = from + i;
    }
    return new WindowSet(data, starts, windowLength, metrics);
  }

  int size() {
    return starts.length;
  }

  int dimension() {
    return windowLength * metrics;
  }

  /** Copies window i (NaN kept) into {@code out}, length W * metrics. */
  void flatten(int i, double[] out) {
    int s = starts[i];
    for (int t = 0; t < windowLength; t++) {
      System.arraycopy(data[s + t], 0, out, t * metrics, metrics);
    }
  }

  /** Window i with missing cells imputed by 0 (= the training median in normalised space). */
  void flattenImputed(int i, double[] out) {
    flatten(i, out);
    for (int k = 0; k < out.length; k++) {
      if (Double.isNaN(out[k])) {
        out[k] = 0.0;
      }
    }
  }

  /** At most {@code max} windows, evenly spaced (deterministic). */
  WindowSet evenSubset(int max) {
    if (size() <= max) {
      return this;
    }
    int[] idx = new int[max];
    for (int i = 0; i < max; i++) {
      idx[i] = (int) ((long) i * size() / max);
    }
    return subset(idx);
  }

  /** The windows that cover no row marked in {@code excludedRows}. */
  WindowSet without(boolean[] excludedRows) {
    int[] marked = new int[excludedRows.length + 1];
    for (int r = 0; r < excludedRows.length; r++) {
      marked[r + 1] = marked[r] + (excludedRows[r] ? 1 : 0);
    }
    int[] keep = new int[size()];
    int k = 0;
    for (int i = 0; i < size(); i++) {
      int s = starts[i];
      if (marked[s + windowLength] == marked[s]) {
        keep[k++] = i;
      }
    }
    return subset(java.util.Arrays.copyOf(keep, k));
  }

  /** The subset of windows whose indices are listed. */
  WindowSet subset(int[] indices) {
    int[] s = new int[indices.length];
    for (int i = 0; i < indices.length; i++) {
      s[i] = starts[indices[i]];
    }
    return new WindowSet(data, s, windowLength, metrics);
  }

  /**
   * Mean squared residual per observed cell of every window under a model; windows with no observed
   * cell get 0.
   */
  double[] meanSquaredResiduals(AnomalyModel model) {
    int d = dimension();
    double[] buf = new double[d];
    double[] res = new double[d];
    double[] out = new double[size()];
    for (int i = 0; i < size(); i++) {
      flatten(i, buf);
      model.residualsFlat(buf, res);
      double ss = 0;
      int n = 0;
      for (int k = 0; k < d; k++) {
        double r = res[k];
        if (!Double.isNaN(r)) {
          ss += r * r;
          n++;
        }
      }
      out[i] = n == 0 ? 0.0 : ss / n;
    }
    return out;
  }

  /** Mean over windows of {@link #meanSquaredResiduals}; NaN for an empty set. */
  double meanLoss(AnomalyModel model) {
    double[] e = meanSquaredResiduals(model);
    if (e.length == 0) {
      return Double.NaN;
    }
    double s = 0;
    for (double v : e) {
      s += v;
    }
    return s / e.length;
  }

  /**
   * Indices of the windows to keep after dropping the {@code trimFraction} with the largest error.
   */
  static int[] keepBelowTrim(double[] errors, double trimFraction) {
    int n = errors.length;
    int drop = (int) Math.floor(n * trimFraction);
    if (drop <= 0) {
      int[] all = new int[n];
      for (int i = 0; i < n; i++) {
        all[i] = i;
      }
      return all;
    }
    double[] sorted = errors.clone();
    java.util.Arrays.sort(sorted);
    double cut = sorted[n - drop - 1];
    int[] keep = new int[n - drop];
    int k = 0;
    // Ties at the cut: keep in index order until the quota is filled, deterministically.
    for (int i = 0; i < n && k < keep.length; i++) {
      if (errors[i] <= cut) {
        keep[k++] = i;
      }
    }
    return java.util.Arrays.copyOf(keep, k);
  }
}
