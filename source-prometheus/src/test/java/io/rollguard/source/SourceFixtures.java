package io.rollguard.source;

import io.numaproj.numaflow.sourcer.Message;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.config.EntitySettings;
import io.rollguard.common.config.MetricSpec;
import io.rollguard.common.config.PrometheusSettings;
import io.rollguard.common.payload.PayloadCodec;
import io.rollguard.common.payload.Sample;
import io.rollguard.common.payload.ScoringKey;
import io.rollguard.common.prometheus.PrometheusClient;
import io.rollguard.common.prometheus.RetryPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/** Shared builders for the source tests. */
final class SourceFixtures {

  static final EntitySettings ENTITY =
      new EntitySettings(
          "namespace", "app", "role", "rollouts_pod_template_hash", "stable", "canary");

  private SourceFixtures() {}

  static MetricSpec metric(String name, String query) {
    return new MetricSpec(
        name, query, "1", 1.0, MetricSpec.Direction.UP, MetricSpec.Transform.NONE, null);
  }

  static StepFetcher fetcher(URI prometheus, List<MetricSpec> specs, SourceMetrics metrics) {
    PrometheusClient client =
        new PrometheusClient(
            PrometheusSettings.of(prometheus).withTimeout(Duration.ofSeconds(5)),
            new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(20)),
            metrics.clientListener(),
            // Retries without waiting: the delays are the client's, tested in its own tests.
            d -> {});
    List<MetricQuery> queries = MetricQuery.renderAll(specs, ENTITY, Duration.ofMinutes(2));
    List<String> names = specs.stream().map(MetricSpec::name).toList();
    return new StepFetcher(client, queries, new SampleAssembler(ENTITY, names, metrics), metrics);
  }

  static SourceMetrics metrics() {
    return new SourceMetrics(new PrometheusRegistry());
  }

  static Sample decode(Message message) {
    try {
      return PayloadCodec.shared().decode(message.getValue(), Sample.class);
    } catch (Exception e) {
      throw new AssertionError("emitted payload does not decode", e);
    }
  }

  static ScoringKey key(String app, String role, String hash) {
    return new ScoringKey("shop", app, role, hash);
  }
}
