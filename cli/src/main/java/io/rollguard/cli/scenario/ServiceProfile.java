package io.rollguard.cli.scenario;

/**
 * How a healthy service behaves: baseline levels, the daily traffic cycle and the noise.
 *
 * <p>Latencies are given in milliseconds here and emitted in seconds. Noise figures are standard
 * deviations of independent Gaussian noise per step, relative to the metric's level (for latency:
 * its baseline at mean traffic, so the noise sd is the same at every hour and "2 sigma" is well
 * defined, see {@link #latencySigmaMs}).
 *
 * @param requestRate mean requests per second over a day
 * @param dailyAmplitude relative amplitude of the daily traffic cycle, in [0, 1): traffic runs from
 *     {@code requestRate * (1 - a)} at midnight UTC to {@code requestRate * (1 + a)} at noon
 * @param requestRateNoise relative noise of the request rate
 * @param errorRatio baseline fraction of failed requests, in [0, 1)
 * @param latencyP50Ms median latency at mean traffic
 * @param latencyP95Ms 95th percentile latency at mean traffic
 * @param latencyP99Ms 99th percentile latency at mean traffic
 * @param latencyLoadSensitivity relative latency increase per unit of relative traffic above the
 *     mean (0.2 = 20% slower at twice the mean traffic)
 * @param latencyNoise relative noise of every latency quantile
 * @param cpuCoresIdle CPU used with no traffic
 * @param cpuCoresPerRequestPerSecond CPU cost of one request per second
 * @param cpuNoise relative noise of CPU
 * @param memoryBytes resident memory at mean traffic
 * @param memoryNoise relative noise of memory
 */
public record ServiceProfile(
    double requestRate,
    double dailyAmplitude,
    double requestRateNoise,
    double errorRatio,
    double latencyP50Ms,
    double latencyP95Ms,
    double latencyP99Ms,
    double latencyLoadSensitivity,
    double latencyNoise,
    double cpuCoresIdle,
    double cpuCoresPerRequestPerSecond,
    double cpuNoise,
    double memoryBytes,
    double memoryNoise) {

  public ServiceProfile {
    requirePositive(requestRate, "requestRate");
    requireInRange(dailyAmplitude, 0, 1, "dailyAmplitude");
    requireNonNegative(requestRateNoise, "requestRateNoise");
    requireInRange(errorRatio, 0, 1, "errorRatio");
    requirePositive(latencyP50Ms, "latencyP50Ms");
    if (!(latencyP95Ms >= latencyP50Ms)) {
      throw new IllegalArgumentException(
          "service profile field 'latencyP95Ms' must be >= latencyP50Ms");
    }
    if (!(latencyP99Ms >= latencyP95Ms)) {
      throw new IllegalArgumentException(
          "service profile field 'latencyP99Ms' must be >= latencyP95Ms");
    }
    requireNonNegative(latencyLoadSensitivity, "latencyLoadSensitivity");
    requireNonNegative(latencyNoise, "latencyNoise");
    requireNonNegative(cpuCoresIdle, "cpuCoresIdle");
    requireNonNegative(cpuCoresPerRequestPerSecond, "cpuCoresPerRequestPerSecond");
    requireNonNegative(cpuNoise, "cpuNoise");
    requirePositive(memoryBytes, "memoryBytes");
    requireNonNegative(memoryNoise, "memoryNoise");
  }

  /**
   * A mid-sized web service: 200 req/s (+-50% over the day), 0.5% errors, p95 250 ms with 5% noise,
   * about 1 core and 512 MiB.
   */
  public static ServiceProfile webService() {
    return new ServiceProfile(
        200,
        0.5,
        0.03,
        0.005,
        80,
        250,
        600,
        0.3,
        0.05,
        0.1,
        0.004,
        0.04,
        512.0 * 1024 * 1024,
        0.01);
  }

  /**
   * Standard deviation, in ms, of the per-step noise of latency quantile {@code metric} (the series
   * itself is emitted in seconds).
   */
  public double latencySigmaMs(ServiceMetric metric) {
    return switch (metric) {
      case LATENCY_P50 -> latencyNoise * latencyP50Ms;
      case LATENCY_P95 -> latencyNoise * latencyP95Ms;
      case LATENCY_P99 -> latencyNoise * latencyP99Ms;
      default -> throw new IllegalArgumentException(metric + " is not a latency metric");
    };
  }

  private static void requirePositive(double v, String field) {
    if (!(v > 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(
          "service profile field '" + field + "' must be > 0, got " + v);
    }
  }

  private static void requireNonNegative(double v, String field) {
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(
          "service profile field '" + field + "' must be >= 0, got " + v);
    }
  }

  private static void requireInRange(double v, double lo, double hiExclusive, String field) {
    if (!(v >= lo && v < hiExclusive)) {
      throw new IllegalArgumentException(
          "service profile field '"
              + field
              + "' must be in ["
              + lo
              + ", "
              + hiExclusive
              + "), got "
              + v);
    }
  }
}
