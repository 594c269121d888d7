package io.rollguard.store;

import static io.rollguard.store.StoreFixtures.CANARY;
import static io.rollguard.store.StoreFixtures.STABLE;
import static io.rollguard.store.StoreFixtures.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.config.PrometheusSettings;
import io.rollguard.common.config.RedisSettings;
import io.rollguard.common.prometheus.PrometheusClient;
import io.rollguard.common.prometheus.RangeSeries;
import io.rollguard.common.prometheus.StepGrid;
import io.rollguard.common.redis.RedisConnections;
import io.rollguard.testsupport.Poll;
import io.rollguard.testsupport.PrometheusServer;
import io.rollguard.testsupport.RedisServer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/**
 * End to end on the read side: a real Prometheus scrapes the store's {@code /metrics}, and the
 * PromQL of the AnalysisTemplate's gate selects the canary's unified score.
 */
class PrometheusScrapesStoreTest {

  @Test
  void theAnalysisTemplateQueryFindsTheCanaryScore() throws Exception {
    Clock clock = Clock.systemUTC();
    try (RedisServer redis = RedisServer.start();
        JedisPooled jedis = RedisConnections.open(RedisSettings.of(redis.url()))) {
      PrometheusRegistry operational = new PrometheusRegistry();
      StoreMetrics metrics = new StoreMetrics(operational);
      StoreKeys keys = new StoreKeys("rg:");
      AnomalyStoreReader reader = new AnomalyStoreReader(jedis, keys);
      long now = clock.millis();
      new AnomalyStoreWriter(jedis, keys, 10, Duration.ofHours(1), clock, metrics)
          .write(List.of(record(CANARY, now, 8.5, "latency"), record(STABLE, now, 1.0, "cpu")))
          .forEach(o -> assertTrue(o.written()));
      StoreHttpServer http =
          new StoreHttpServer(
              0,
              StoreVertexMain.storeRegistry(
                  operational,
                  new AnomalyScoreCollector(reader, Duration.ofMinutes(3), clock, metrics)),
              new VerdictService(reader, clock, StoreFixtures.judge()),
              metrics);
      try (PrometheusServer prometheus =
          PrometheusServer.builder()
              .scrapeConfigs(
                  "  - job_name: anomaly-store\n"
                      + "    static_configs:\n"
                      + "      - targets: ['127.0.0.1:"
                      + http.port()
                      + "']\n",
                  Duration.ofSeconds(1))
              .start()) {
        PrometheusClient client = new PrometheusClient(PrometheusSettings.of(prometheus.url()));
        String gate =
            "max(max_over_time(rollguard_anomaly_score{app=\"checkout\",namespace=\"shop\","
                + "role=\"canary\",rollouts_pod_template_hash=\"c4n4ry\",metric=\"unified\"}[5m]))";
        // Real time: Prometheus scrapes the store every second on its own clock.
        double found =
            Poll.untilPresent(
                "a value for the gate query",
                Duration.ofSeconds(20),
                () -> {
                  long t = System.currentTimeMillis() / 1000 * 1000;
                  List<RangeSeries> result = client.queryRange(gate, new StepGrid(t, 1000, 1));
                  return !result.isEmpty() && result.get(0).size() > 0
                      ? Optional.of(result.get(0).values()[0])
                      : Optional.empty();
                });
        assertEquals(8.5, found, 0.0, "the gate query sees the canary's unified score");
        List<RangeSeries> stable =
            client.queryRange(
                "rollguard_anomaly_score{role=\"stable\",metric=\"cpu\"}",
                new StepGrid(System.currentTimeMillis() / 1000 * 1000, 1000, 1));
        assertEquals(1, stable.size());
        assertEquals("st4bl3", stable.get(0).label("rollouts_pod_template_hash"));
        assertEquals(1.0, stable.get(0).values()[0], 0.0);
      } finally {
        http.stop();
      }
    }
  }
}
