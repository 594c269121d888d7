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

  /**
   * {@code sum_i a[aOff + i] * b[i]} for i < n, with four independent accumulators: a single
   * running sum is a serial dependency chain (one add latency per element); four chains let the CPU
   * overlap them, about 3x faster on the scoring path. The summation order is fixed, so results are
   * deterministic (and identical for an original and a reloaded bundle).
   */
  static double dot(double[] a, int aOff, double[] b, int n) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int i = 0;
    for (; i + 3 < n; i += 4) {
      s0 += a[aOff + i] * b[i];
      s1 += a[aOff + i + 1] * b[i + 1];
      s2 += a[aOff + i + 2] * b[i + 2];
      s3 += a[aOff + i + 3] * b[i + 3];
    }
    for (; i < n; i++) {
      s0 += a[aOff + i] * b[i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /**
   * tanh via the JIT-intrinsic {@link Math#exp}: {@link Math#tanh} is several times slower and was
   * most of the autoencoder's scoring time. Absolute error below 1e-15; used for both training
   * (SmileAutoencoder.CorrectTanh) and scoring so the network is evaluated the same way in both.
   */
  static double tanh(double x) {
    if (x > 20) {
      return 1.0;
    }
    if (x < -20) {
      return -1.0;
    }
    double e = Math.exp(2 * x);
    return (e - 1) / (e + 1);
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
