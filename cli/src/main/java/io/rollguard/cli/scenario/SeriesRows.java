package io.rollguard.cli.scenario;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A generated multivariate series: one row per step, one column per metric, NaN where missing, plus
 * a 0/1 anomaly label per row (true while an injected regression is active).
 *
 * @param metrics column names
 * @param timestamps epoch milliseconds of each row
 * @param values {@code [row][metric]}
 * @param labels true where the row is under an injected regression
 */
public record SeriesRows(
    List<String> metrics, long[] timestamps, double[][] values, boolean[] labels) {

  public SeriesRows {
    metrics = List.copyOf(metrics);
    Objects.requireNonNull(timestamps, "timestamps");
    Objects.requireNonNull(values, "values");
    Objects.requireNonNull(labels, "labels");
    if (timestamps.length != values.length || labels.length != values.length) {
      throw new IllegalArgumentException(
          "timestamps, values and labels must have one entry per row");
    }
    for (double[] row : values) {
      if (row.length != metrics.size()) {
        throw new IllegalArgumentException("every row must have " + metrics.size() + " values");
      }
    }
  }

  public int rows() {
    return values.length;
  }

  /** Index of the first labelled row, or -1 if none. */
  public int firstLabelledRow() {
    for (int i = 0; i < labels.length; i++) {
      if (labels[i]) {
        return i;
      }
    }
    return -1;
  }

  /** The column of metric {@code name}; throws if absent. */
  public double[] column(String name) {
    int j = metrics.indexOf(name);
    if (j < 0) {
      throw new IllegalArgumentException("no metric '" + name + "' in " + metrics);
    }
    double[] col = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      col[i] = values[i][j];
    }
    return col;
  }

  // Records compare arrays by reference; generated series are values, so compare contents.
  @Override
  public boolean equals(Object o) {
    return o instanceof SeriesRows s
        && metrics.equals(s.metrics)
        && Arrays.equals(timestamps, s.timestamps)
        && Arrays.deepEquals(values, s.values)
        && Arrays.equals(labels, s.labels);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        metrics, Arrays.hashCode(timestamps), Arrays.deepHashCode(values), Arrays.hashCode(labels));
  }

  @Override
  public String toString() {
    return "SeriesRows[rows=" + rows() + " metrics=" + metrics + "]";
  }
}
