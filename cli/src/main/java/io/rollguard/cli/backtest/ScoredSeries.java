package io.rollguard.cli.backtest;

import java.util.List;

/**
 * Causal scores of every test row.
 *
 * @param metrics metric names, in column order of {@code perMetric}
 * @param unified unified 0-10 score of the window ending at each row (0 before the first full
 *     window)
 * @param alarm the detector's own alarm per row (false before the first full window)
 * @param perMetric per-metric 0-10 scores per row; NaN where a metric had no observed cell in the
 *     window; 0 before the first full window
 * @param attribution each metric's share of the unified score per row (see {@code WindowScore});
 *     null before the first full window
 * @param firstScoredRow first row whose window is full, or {@code rows} if none
 */
public record ScoredSeries(
    List<String> metrics,
    double[] unified,
    boolean[] alarm,
    double[][] perMetric,
    double[][] attribution,
    int firstScoredRow) {

  public ScoredSeries {
    metrics = List.copyOf(metrics);
  }

  public int rows() {
    return unified.length;
  }

  public int alarmCount() {
    int n = 0;
    for (boolean a : alarm) {
      n += a ? 1 : 0;
    }
    return n;
  }
}
