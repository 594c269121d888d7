package io.rollguard.common.prometheus;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * One series of a {@code query_range} answer as Prometheus returned it: only the steps that had a
 * sample within the lookback delta, in time order. Use {@link StepGrid#place} to put it on the
 * expected grid with NaN holes.
 *
 * @param labels the series' labels (including {@code __name__} when the query kept it)
 * @param timestamps epoch milliseconds, strictly increasing
 * @param values the values; may hold NaN and ±Inf exactly as Prometheus reported them
 */
public record RangeSeries(Map<String, String> labels, long[] timestamps, double[] values) {

  public RangeSeries {
    labels = Map.copyOf(labels);
    Objects.requireNonNull(timestamps, "timestamps");
    Objects.requireNonNull(values, "values");
    if (timestamps.length != values.length) {
      throw new IllegalArgumentException(
          "series has " + timestamps.length + " timestamps but " + values.length + " values");
    }
  }

  public int size() {
    return timestamps.length;
  }

  public String label(String name) {
    return labels.get(name);
  }

  // Arrays compare by reference in records; a series is a value.
  @Override
  public boolean equals(Object o) {
    return o instanceof RangeSeries s
        && labels.equals(s.labels)
        && Arrays.equals(timestamps, s.timestamps)
        && Arrays.equals(values, s.values);
  }

  @Override
  public int hashCode() {
    return labels.hashCode() * 31 + Arrays.hashCode(timestamps) * 17 + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return "RangeSeries" + labels + "[" + timestamps.length + " points]";
  }
}
