package io.rollguard.cli.eval;

/**
 * What a detector produced on one test series.
 *
 * @param scores one score per test row, higher = more anomalous (for threshold-free metrics)
 * @param alarms the detector's own label-free alarm decision per row
 * @param trainMillis wall-clock training time
 * @param scoreMillis wall-clock time to score the whole test series
 * @param note short detail for the report (e.g. PCA components), may be empty
 * @param attribution per-row, per-metric share of the score, or null when the detector has none
 */
public record DetectorOutput(
    double[] scores,
    boolean[] alarms,
    long trainMillis,
    long scoreMillis,
    String note,
    double[][] attribution) {

  public DetectorOutput {
    PointMetrics.requireSameLength(scores.length, alarms.length);
  }
}
