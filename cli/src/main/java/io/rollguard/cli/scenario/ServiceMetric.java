package io.rollguard.cli.scenario;

import java.util.List;

/**
 * The HTTP-service metrics the scenario generator can emit, in their default column order.
 *
 * <p>Names and units are those of Rollguard's default config ({@code
 * pipelines/config/rollguard-config.yaml}: {@code latency_p99} in seconds, {@code error_ratio},
 * {@code request_rate} per second and pod, {@code cpu_usage} in cores, {@code memory_working_set}
 * in bytes), so generated rows can be scored with the default config or backfilled without
 * renaming. The other three are extra signals for multivariate tests.
 */
public enum ServiceMetric {
  /** Requests per second. */
  REQUEST_RATE("request_rate"),
  /** Failed / all requests, 0..1. */
  ERROR_RATIO("error_ratio"),
  /** Median latency, seconds. */
  LATENCY_P50("latency_p50"),
  /** 95th percentile latency, seconds. */
  LATENCY_P95("latency_p95"),
  /** 99th percentile latency, seconds. */
  LATENCY_P99("latency_p99"),
  /** CPU, cores. */
  CPU_USAGE("cpu_usage"),
  /** Memory working set, bytes. */
  MEMORY_WORKING_SET("memory_working_set"),
  /** Requests in flight (Little's law: rate x median latency). */
  INFLIGHT_REQUESTS("inflight_requests");

  private final String metricName;

  ServiceMetric(String metricName) {
    this.metricName = metricName;
  }

  /** The column / series name, e.g. {@code latency_p95_ms}. */
  public String metricName() {
    return metricName;
  }

  /** All eight metrics in declaration order. */
  public static List<ServiceMetric> all() {
    return List.of(values());
  }

  /** The default config's five metrics, in its order: latency, errors, traffic, CPU, memory. */
  public static List<ServiceMetric> core() {
    return List.of(LATENCY_P99, ERROR_RATIO, REQUEST_RATE, CPU_USAGE, MEMORY_WORKING_SET);
  }
}
