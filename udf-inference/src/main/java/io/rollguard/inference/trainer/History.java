package io.rollguard.inference.trainer;

import java.util.Objects;

/**
 * One entity's training history on the step grid, trimmed to the span that has data.
 *
 * @param timestamps epoch ms of each row, strictly increasing by one step
 * @param values {@code [row][metric]}, NaN where missing (absent step, NaN or ±Inf in Prometheus)
 * @param coverage share of finite cells in {@code values}
 * @param nonFinite samples Prometheus returned as NaN or ±Inf (treated as missing)
 * @param series series the queries returned for the entity (all roles and versions)
 */
public record History(
    long[] timestamps, double[][] values, double coverage, int nonFinite, int series) {

  public History {
    Objects.requireNonNull(timestamps, "timestamps");
    Objects.requireNonNull(values, "values");
    if (timestamps.length != values.length) {
      throw new IllegalArgumentException("one timestamp per row is required");
    }
  }

  public int rows() {
    return values.length;
  }

  /** No data at all. */
  public static History empty(int series, int nonFinite) {
    return new History(new long[0], new double[0][], 0.0, nonFinite, series);
  }
}
