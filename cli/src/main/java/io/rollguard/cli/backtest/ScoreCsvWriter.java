package io.rollguard.cli.backtest;

import java.io.IOException;
import java.io.Writer;

/**
 * Writes backtest output: header {@code row,score,alarm,<metric1>,...}, then one line per test row
 * (row = 0-based test row index, score = unified 0-10, alarm = 0/1, then per-metric 0-10 scores). A
 * per-metric score with no observed data in its window is an empty cell, never 0.
 */
public final class ScoreCsvWriter {

  private ScoreCsvWriter() {}

  public static void write(ScoredSeries s, Writer out) throws IOException {
    StringBuilder sb = new StringBuilder(64);
    sb.append("row,score,alarm");
    for (String m : s.metrics()) {
      sb.append(',').append(m);
    }
    out.write(sb.append('\n').toString());
    for (int t = 0; t < s.rows(); t++) {
      sb.setLength(0);
      sb.append(t).append(',');
      number(sb, s.unified()[t]);
      sb.append(',').append(s.alarm()[t] ? '1' : '0');
      for (double v : s.perMetric()[t]) {
        sb.append(',');
        if (!Double.isNaN(v)) {
          number(sb, v);
        }
      }
      out.write(sb.append('\n').toString());
    }
  }

  /** Six decimals: far below any meaningful score difference, and stable text for diffs. */
  private static void number(StringBuilder sb, double v) {
    if (v == 0) {
      sb.append('0');
      return;
    }
    sb.append(String.format(java.util.Locale.ROOT, "%.6f", v));
  }
}
