package io.rollguard.common.detect;

import java.util.Arrays;

/**
 * Calibrated scores of one window (see docs/scoring.md).
 *
 * @param unified 0-10: 0 = typical, 5 = at the calibrated alert threshold, towards 10 = far beyond
 * @param perMetric 0-10 per metric on the same scale, metric order; NaN when the metric had no
 *     observed cell in the window
 * @param attribution each metric's share of the unified raw error (sums to 1 when the window
 *     deviates at all, all zeros for a perfectly typical window), metric order
 * @param alarm {@code unified >= } the calibration's alert level
 */
public record WindowScore(double unified, double[] perMetric, double[] attribution, boolean alarm) {

  // Records compare arrays by reference; a score is a value.
  @Override
  public boolean equals(Object o) {
    return o instanceof WindowScore s
        && Double.compare(unified, s.unified) == 0
        && alarm == s.alarm
        && Arrays.equals(perMetric, s.perMetric)
        && Arrays.equals(attribution, s.attribution);
  }

  @Override
  public int hashCode() {
    return (Double.hashCode(unified) * 31 + Arrays.hashCode(perMetric)) * 31
        + Arrays.hashCode(attribution)
        + (alarm ? 1 : 0);
  }

  @Override
  public String toString() {
    return "WindowScore[unified="
        + unified
        + ", alarm="
        + alarm
        + ", perMetric="
        + Arrays.toString(perMetric)
        + "]";
  }
}
