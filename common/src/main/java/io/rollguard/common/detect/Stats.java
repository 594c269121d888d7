package io.rollguard.common.detect;

import java.util.Arrays;

/** Small robust statistics on plain arrays. Never modifies its input unless the name says so. */
final class Stats {
  private Stats() {}

  /** Linear-interpolation quantile (NumPy's default) of an ascending array, q in [0, 1]. */
  static double quantileSorted(double[] sorted, double q) {
    int n = sorted.length;
    if (n == 0) {
      return Double.NaN;
    }
    double pos = q * (n - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, n - 1);
    double frac = pos - lo;
    return sorted[lo] + frac * (sorted[hi] - sorted[lo]);
  }

  /** Quantile of the non-NaN values of {@code values} (copied, input untouched). */
  static double quantile(double[] values, double q) {
    double[] v = finiteCopy(values);
    Arrays.sort(v);
    return quantileSorted(v, q);
  }

  static double median(double[] values) {
    return quantile(values, 0.5);
  }

  static double[] finiteCopy(double[] values) {
    double[] v = new double[values.length];
    int n = 0;
    for (double x : values) {
      if (Double.isFinite(x)) {
        v[n++] = x;
      }
    }
    return Arrays.copyOf(v, n);
  }

  static double standardDeviation(double[] v) {
    if (v.length < 2) {
      return 0.0;
    }
    double mean = 0;
    for (double x : v) {
      mean += x;
    }
    mean /= v.length;
    double ss = 0;
    for (double x : v) {
      ss += (x - mean) * (x - mean);
    }
    return Math.sqrt(ss / (v.length - 1));
  }
}
