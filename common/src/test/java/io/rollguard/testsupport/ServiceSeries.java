package io.rollguard.testsupport;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * Healthy rows of the five core service metrics for the scoring tests of the vertex modules, in the
 * default config's column order and units: {@code latency_p99} (seconds), {@code error_ratio},
 * {@code request_rate} (per second), {@code cpu_usage} (cores), {@code memory_working_set} (bytes).
 *
 * <p>Deliberately small: a daily traffic cycle (trough at 00:00 UTC, peak at 12:00) that drives
 * latency, CPU and memory, plus independent Gaussian noise. The demo's scenario generator (with
 * injected regressions) lives in {@code cli}; vertex tests only need ordinary data to train on and
 * score, and modify it themselves where they need an anomaly.
 *
 * @param metrics column names
 * @param timestamps epoch milliseconds of each row
 * @param values {@code [row][metric]}
 */
public record ServiceSeries(List<String> metrics, long[] timestamps, double[][] values) {

  /** The column names, in the default config's order. */
  public static final List<String> METRICS =
      List.of("latency_p99", "error_ratio", "request_rate", "cpu_usage", "memory_working_set");

  private static final double DAY_MS = 86_400_000.0;

  public ServiceSeries {
    metrics = List.copyOf(metrics);
    Objects.requireNonNull(timestamps, "timestamps");
    Objects.requireNonNull(values, "values");
    if (timestamps.length != values.length) {
      throw new IllegalArgumentException("one timestamp per row");
    }
  }

  /**
   * {@code rows} healthy steps of {@code stepMillis} from {@code startMillis}; same seed, same
   * rows.
   */
  public static ServiceSeries healthy(long seed, long startMillis, long stepMillis, int rows) {
    Random rnd = new Random(seed);
    long[] ts = new long[rows];
    double[][] values = new double[rows][];
    for (int i = 0; i < rows; i++) {
      ts[i] = startMillis + i * stepMillis;
      double load = 1 - 0.5 * Math.cos(2 * Math.PI * Math.floorMod(ts[i], (long) DAY_MS) / DAY_MS);
      double rate = Math.max(0, 200 * load * (1 + 0.03 * rnd.nextGaussian()));
      double latency = Math.max(0, 0.6 * (1 + 0.3 * (load - 1)) + 0.03 * rnd.nextGaussian());
      double errorSd = Math.sqrt(0.005 * 0.995 / Math.max(1, rate * stepMillis / 1000.0));
      double errors = Math.min(1, Math.max(0, 0.005 + errorSd * rnd.nextGaussian()));
      double cpu = Math.max(0, (0.1 + 0.004 * rate) * (1 + 0.04 * rnd.nextGaussian()));
      double memory = 512.0 * 1024 * 1024 * (1 + 0.02 * (load - 1) + 0.01 * rnd.nextGaussian());
      values[i] = new double[] {latency, errors, rate, cpu, memory};
    }
    return new ServiceSeries(METRICS, ts, values);
  }

  public int rows() {
    return values.length;
  }

  // Records compare arrays by reference; these are values.
  @Override
  public boolean equals(Object o) {
    return o instanceof ServiceSeries s
        && metrics.equals(s.metrics)
        && Arrays.equals(timestamps, s.timestamps)
        && Arrays.deepEquals(values, s.values);
  }

  @Override
  public int hashCode() {
    return Objects.hash(metrics, Arrays.hashCode(timestamps), Arrays.deepHashCode(values));
  }

  @Override
  public String toString() {
    return "ServiceSeries[rows=" + rows() + " metrics=" + metrics + "]";
  }
}
