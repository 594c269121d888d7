package io.rollguard.cli.csv;

import java.util.List;
import java.util.Objects;

/**
 * A metrics CSV in memory: one row per line, one column per metric, NaN where a cell was empty or
 * unreadable.
 *
 * @param source where the table came from, for messages
 * @param metrics column names (from the header, else {@code m1..mN})
 * @param timestamps epoch ms per row, or {@code null} when the file has no time column
 * @param values {@code [row][metric]}
 * @param unreadableCells non-empty cells that were not numbers (kept as missing, counted, reported)
 * @param hasHeader whether the first line was a header
 */
public record MetricTable(
    String source,
    List<String> metrics,
    long[] timestamps,
    double[][] values,
    int unreadableCells,
    boolean hasHeader) {

  public MetricTable {
    Objects.requireNonNull(source, "source");
    metrics = List.copyOf(metrics);
    Objects.requireNonNull(values, "values");
    if (timestamps != null && timestamps.length != values.length) {
      throw new IllegalArgumentException("one timestamp per row expected");
    }
  }

  public int rows() {
    return values.length;
  }

  public boolean hasTimestamps() {
    return timestamps != null;
  }

  /** Fraction of cells holding a value. */
  public double coverage() {
    long present = 0;
    long total = 0;
    for (double[] row : values) {
      for (double v : row) {
        total++;
        present += Double.isNaN(v) ? 0 : 1;
      }
    }
    return total == 0 ? 0 : present / (double) total;
  }

  /**
   * This table with only the columns {@code names}, in that order; fails naming the first missing
   * column.
   */
  public MetricTable select(List<String> names) {
    int[] idx = new int[names.size()];
    for (int k = 0; k < idx.length; k++) {
      idx[k] = metrics.indexOf(names.get(k));
      if (idx[k] < 0) {
        throw new IllegalArgumentException(
            source + ": no column '" + names.get(k) + "' (columns: " + metrics + ")");
      }
    }
    double[][] v = new double[values.length][idx.length];
    for (int i = 0; i < values.length; i++) {
      for (int k = 0; k < idx.length; k++) {
        v[i][k] = values[i][idx[k]];
      }
    }
    return new MetricTable(source, names, timestamps, v, unreadableCells, hasHeader);
  }

  /** This table restricted to its first {@code n} rows (used to prove causality). */
  public MetricTable head(int n) {
    double[][] v = new double[Math.min(n, rows())][];
    System.arraycopy(values, 0, v, 0, v.length);
    long[] ts = null;
    if (timestamps != null) {
      ts = new long[v.length];
      System.arraycopy(timestamps, 0, ts, 0, ts.length);
    }
    return new MetricTable(source, metrics, ts, v, unreadableCells, hasHeader);
  }
}
