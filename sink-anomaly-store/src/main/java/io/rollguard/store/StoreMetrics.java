package io.rollguard.store;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** The anomaly store's operational metrics (bounded labels only: no per-entity labels). */
public final class StoreMetrics {

  final Counter records;
  final Counter malformed;
  final Counter redisConnectionErrors;
  final Histogram writeSeconds;
  final Counter readErrors;
  final Counter verdicts;
  final Counter unauthorized;
  final Gauge metricsKeysOmitted;

  public StoreMetrics(PrometheusRegistry registry) {
    records =
        Counter.builder()
            .name("rollguard_store_records_total")
            .help("Anomaly records received, by outcome (written, failed, malformed)")
            .labelNames("outcome")
            .register(registry);
    malformed =
        Counter.builder()
            .name("rollguard_store_malformed_records_total")
            .help("Records that could not be decoded, by reason")
            .labelNames("reason")
            .register(registry);
    redisConnectionErrors =
        Counter.builder()
            .name("rollguard_store_redis_connection_errors_total")
            .help(
                "Redis commands that failed on a lost or refused connection (the pool reconnects)")
            .register(registry);
    writeSeconds =
        Histogram.builder()
            .name("rollguard_store_write_duration_seconds")
            .help("Duration of one pipelined Redis write of a chunk of records")
            .register(registry);
    readErrors =
        Counter.builder()
            .name("rollguard_store_read_errors_total")
            .help("Failed Redis reads while serving HTTP, by endpoint")
            .labelNames("endpoint")
            .register(registry);
    verdicts =
        Counter.builder()
            .name("rollguard_store_verdicts_total")
            .help("Verdicts served, by verdict")
            .labelNames("verdict")
            .register(registry);
    unauthorized =
        Counter.builder()
            .name("rollguard_store_http_unauthorized_total")
            .help("Requests refused for a missing or wrong bearer token, by endpoint")
            .labelNames("endpoint")
            .register(registry);
    metricsKeysOmitted =
        Gauge.builder()
            .name("rollguard_store_metrics_keys_omitted")
            .help(
                "Fresh scoring keys the last /metrics scrape left out (store.metrics.maxKeys"
                    + " reached)")
            .register(registry);
  }
}
