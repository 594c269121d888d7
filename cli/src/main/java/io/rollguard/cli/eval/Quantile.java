package io.rollguard.cli.eval;

import java.util.Arrays;

/** Quantiles with linear interpolation between order statistics (NumPy's default method). */
public final class Quantile {

  private Quantile() {}

  /** The {@code q}-quantile of the non-NaN values; NaN if there are none. */
  public static double linear(double[] values, double q) {
    if (!(q >= 0 && q <= 1)) {
      throw new IllegalArgumentException("quantile must be in [0, 1], got " + q);
    }
    double[] v = Arrays.stream(values).filter(x -> !Double.isNaN(x)).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    double pos = q * (v.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, v.length - 1);
    return v[lo] + (pos - lo) * (v[hi] - v[lo]);
  }
}
