package io.rollguard.common.prometheus;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * The expected timestamps of a range query: {@code start, start + step, ..., start + (points-1) *
 * step} (epoch ms). Prometheus leaves out steps without a sample in the lookback delta instead of
 * returning nulls, so every consumer re-grids onto this grid and sees a NaN hole where a step is
 * absent.
 */
public record StepGrid(long startMillis, long stepMillis, int points) {

  public StepGrid {
    if (stepMillis <= 0) {
      throw new IllegalArgumentException("grid step must be > 0 ms, got " + stepMillis);
    }
    if (points < 1) {
      throw new IllegalArgumentException("grid must have >= 1 point, got " + points);
    }
  }

  /**
   * The grid of all step boundaries in {@code [from, to]}: {@code from} is rounded up and {@code
   * to} rounded down to a multiple of {@code step} (step-aligned queries are what query-frontends
   * cache, and they give every caller the same timestamps).
   *
   * @throws IllegalArgumentException if no step boundary lies in the range
   */
  public static StepGrid aligned(Instant from, Instant to, Duration step) {
    long stepMs = step.toMillis();
    if (stepMs <= 0) {
      throw new IllegalArgumentException("grid step must be > 0 ms, got " + step);
    }
    long first = Math.floorDiv(from.toEpochMilli() + stepMs - 1, stepMs) * stepMs;
    long last = Math.floorDiv(to.toEpochMilli(), stepMs) * stepMs;
    if (last < first) {
      throw new IllegalArgumentException(
          "no step boundary of " + step + " in [" + from + ", " + to + "]");
    }
    return new StepGrid(first, stepMs, Math.toIntExact((last - first) / stepMs + 1));
  }

  public long endMillis() {
    return startMillis + (points - 1L) * stepMillis;
  }

  public long timestampAt(int index) {
    return startMillis + index * stepMillis;
  }

  /** Index of {@code timestampMillis} on the grid, or -1 when it is not a grid point. */
  public int indexOf(long timestampMillis) {
    long offset = timestampMillis - startMillis;
    if (offset < 0 || offset % stepMillis != 0) {
      return -1;
    }
    long index = offset / stepMillis;
    return index < points ? (int) index : -1;
  }

  /**
   * The series' values on this grid, NaN where Prometheus had no sample. Points off the grid (a
   * query that was not step-aligned) are ignored rather than shifted, so a value is never
   * attributed to the wrong time.
   */
  public double[] place(RangeSeries series) {
    double[] out = new double[points];
    Arrays.fill(out, Double.NaN);
    long[] ts = series.timestamps();
    double[] vs = series.values();
    for (int i = 0; i < ts.length; i++) {
      int index = indexOf(ts[i]);
      if (index >= 0) {
        out[index] = vs[i];
      }
    }
    return out;
  }
}
