package io.rollguard.common.config;

/**
 * How samples become windows. Validated by the config loader; the constructor re-checks the
 * invariants so a hand-built instance cannot be inconsistent.
 *
 * @param stepMillis the sample grid step (Prometheus query step), e.g. 60 000
 * @param lengthSteps window length W in steps; the Numaflow sliding window is {@code W * step} long
 *     and slides by {@code step}
 * @param minCoverage fraction of (time, metric) cells that must hold a real or filled value for the
 *     window to be emitted, in (0, 1]
 * @param maxFillSteps longest gap, in steps, that is forward-filled; longer gaps stay missing
 */
public record WindowSettings(
    long stepMillis, int lengthSteps, double minCoverage, int maxFillSteps) {

  /** {@code window.lengthSteps} when the config does not set it. */
  public static final int DEFAULT_LENGTH_STEPS = 12;

  /** The longest window a configuration may set (also the bundle codec's bound). */
  public static final int MAX_LENGTH_STEPS = 1440;

  public WindowSettings {
    if (stepMillis <= 0) {
      throw new IllegalArgumentException("window step must be > 0 ms, got " + stepMillis);
    }
    if (lengthSteps < 2) {
      throw new IllegalArgumentException("window length must be >= 2 steps, got " + lengthSteps);
    }
    if (!(minCoverage > 0 && minCoverage <= 1)) {
      throw new IllegalArgumentException(
          "window minCoverage must be in (0, 1], got " + minCoverage);
    }
    if (maxFillSteps < 0 || maxFillSteps >= lengthSteps) {
      throw new IllegalArgumentException(
          "window maxFillSteps must be in [0, lengthSteps), got " + maxFillSteps);
    }
  }

  public long lengthMillis() {
    return stepMillis * lengthSteps;
  }
}
