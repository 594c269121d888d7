package io.rollguard.source;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.prometheus.PrometheusClient;
import java.time.Duration;

/**
 * The source vertex's operational metrics. No per-entity labels: cardinality stays bounded whatever
 * the number of applications.
 */
public final class SourceMetrics {

  final Counter samplesEmitted;
  final Counter stepsFetched;
  final Counter stepsSkipped;
  final Counter prometheusErrors;
  final Counter prometheusRetries;
  final Histogram prometheusRequestSeconds;
  final Counter seriesSkipped;
  final Counter nonFiniteValues;
  final Counter offsetStoreErrors;
  final Gauge ackedStep;

  public SourceMetrics(PrometheusRegistry registry) {
    samplesEmitted =
        Counter.builder()
            .name("rollguard_source_samples_emitted_total")
            .help("Samples (one per scoring key and step) sent to Numaflow")
            .register(registry);
    stepsFetched =
        Counter.builder()
            .name("rollguard_source_steps_fetched_total")
            .help("Steps queried from Prometheus")
            .register(registry);
    stepsSkipped =
        Counter.builder()
            .name("rollguard_source_steps_skipped_total")
            .help("Steps never read because the saved offset was older than the catch-up limit")
            .register(registry);
    prometheusErrors =
        Counter.builder()
            .name("rollguard_source_prometheus_errors_total")
            .help(
                "Metric queries that failed, by kind (bad_query, refused, unavailable, bad_response)")
            .labelNames("kind")
            .register(registry);
    prometheusRetries =
        Counter.builder()
            .name("rollguard_source_prometheus_retries_total")
            .help("Prometheus requests retried after 429, 5xx, a timeout or a connection failure")
            .register(registry);
    prometheusRequestSeconds =
        Histogram.builder()
            .name("rollguard_source_prometheus_request_duration_seconds")
            .help("Duration of Prometheus query_range requests")
            .register(registry);
    seriesSkipped =
        Counter.builder()
            .name("rollguard_source_series_skipped_total")
            .help("Series that could not be mapped to a scoring key, by reason")
            .labelNames("reason")
            .register(registry);
    nonFiniteValues =
        Counter.builder()
            .name("rollguard_source_non_finite_values_total")
            .help("NaN or infinite values from Prometheus, emitted as missing (null)")
            .register(registry);
    offsetStoreErrors =
        Counter.builder()
            .name("rollguard_source_offset_store_errors_total")
            .help("Failures to persist the acked offset to Redis (retried on the next ack)")
            .register(registry);
    ackedStep =
        Gauge.builder()
            .name("rollguard_source_acked_step_timestamp_seconds")
            .help("Newest step whose samples are all acknowledged")
            .register(registry);
  }

  /** A client listener feeding the request histogram and the retry counter. */
  public PrometheusClient.Listener clientListener() {
    return new PrometheusClient.Listener() {
      @Override
      public void onResponse(int httpStatus, Duration elapsed) {
        prometheusRequestSeconds.observe(elapsed.toNanos() / 1e9);
      }

      @Override
      public void onRetry(int attempt, String cause, Duration backoff) {
        prometheusRetries.inc();
      }
    };
  }
}
