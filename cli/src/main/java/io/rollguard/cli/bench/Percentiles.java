package io.rollguard.cli.bench;

import java.util.Arrays;
import java.util.Locale;

/** Latency percentiles of a set of per-window durations (nanoseconds), printed in microseconds. */
record Percentiles(double p50Micros, double p99Micros, double p999Micros, double maxMicros) {

  static Percentiles of(long[] nanos, int count) {
    if (count == 0) {
      throw new IllegalArgumentException("no samples");
    }
    long[] sorted = Arrays.copyOf(nanos, count);
    Arrays.sort(sorted);
    return new Percentiles(
        at(sorted, 0.50), at(sorted, 0.99), at(sorted, 0.999), sorted[count - 1] / 1e3);
  }

  private static double at(long[] sorted, double q) {
    int index = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
    return sorted[Math.max(0, index)] / 1e3;
  }

  String format() {
    return String.format(
        Locale.ROOT,
        "p50 %.1f us, p99 %.1f us, p99.9 %.1f us, max %.1f us",
        p50Micros,
        p99Micros,
        p999Micros,
        maxMicros);
  }
}
