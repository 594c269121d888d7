package io.rollguard.common.detect;

/**
 * Which deviations of a metric count as anomalous. Residuals are signed ({@code observed -
 * expected}); {@link #UP} keeps only positive residuals (e.g. latency, error rate: a drop is an
 * improvement, not an anomaly), {@link #DOWN} only negative ones (e.g. throughput, success rate),
 * {@link #BOTH} keeps both signs.
 */
public enum Direction {
  UP,
  DOWN,
  BOTH;

  /** The part of a signed residual that counts for this direction; NaN stays NaN. */
  public double effective(double residual) {
    return switch (this) {
      case UP -> residual < 0 ? 0.0 : residual;
      case DOWN -> residual > 0 ? 0.0 : residual;
      case BOTH -> residual;
    };
  }
}
