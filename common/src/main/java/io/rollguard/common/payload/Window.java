package io.rollguard.common.payload;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One scoring key's samples over one sliding window, placed on the step grid: a {@code [time x
 * metric]} matrix, emitted by udf-window.
 *
 * <p>Row {@code i} is time {@code start + i * stepMillis}; column {@code j} is {@code
 * metrics.get(j)}. In memory a missing cell is {@link Double#NaN}; on the wire it is JSON {@code
 * null} (the codec converts), so missing values are masked downstream and never zero-filled.
 *
 * @param start window start, epoch ms, inclusive (aligned to the step grid)
 * @param end window end, epoch ms, exclusive ({@code start + rows * stepMillis})
 * @param coverage fraction of cells holding a real or forward-filled value
 * @param filledCells how many cells were forward-filled (not observed)
 */
public record Window(
    int schemaVersion,
    @JsonProperty(required = true) ScoringKey key,
    @JsonProperty(required = true) long start,
    @JsonProperty(required = true) long end,
    @JsonProperty(required = true) long stepMillis,
    @JsonProperty(required = true) @JsonSetter(nulls = Nulls.FAIL, contentNulls = Nulls.FAIL)
        List<String> metrics,
    @JsonProperty(required = true) double[][] values,
    @JsonProperty(required = true) double coverage,
    @JsonProperty(required = true) int filledCells) {

  public static final int SCHEMA_VERSION = 1;

  public Window {
    Objects.requireNonNull(key, "key");
    metrics = List.copyOf(metrics);
    Objects.requireNonNull(values, "values");
    for (double[] row : values) {
      if (row == null || row.length != metrics.size()) {
        throw new IllegalArgumentException(
            "every window row must have " + metrics.size() + " values (one per metric)");
      }
    }
  }

  public int rows() {
    return values.length;
  }

  public long timestampOfRow(int row) {
    return start + row * stepMillis;
  }

  // Records compare arrays by reference; a window is a value, so compare contents.
  @Override
  public boolean equals(Object o) {
    return o instanceof Window w
        && schemaVersion == w.schemaVersion
        && start == w.start
        && end == w.end
        && stepMillis == w.stepMillis
        && filledCells == w.filledCells
        && Double.compare(coverage, w.coverage) == 0
        && key.equals(w.key)
        && metrics.equals(w.metrics)
        && Arrays.deepEquals(values, w.values);
  }

  @Override
  public int hashCode() {
    return Objects.hash(schemaVersion, key, start, end, stepMillis, metrics, coverage, filledCells)
            * 31
        + Arrays.deepHashCode(values);
  }

  @Override
  public String toString() {
    return "Window["
        + key
        + " "
        + start
        + ".."
        + end
        + " rows="
        + rows()
        + " metrics="
        + metrics
        + " coverage="
        + coverage
        + "]";
  }
}
