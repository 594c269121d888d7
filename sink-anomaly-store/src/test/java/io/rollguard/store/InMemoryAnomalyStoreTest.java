package io.rollguard.store;

import static io.rollguard.store.StoreFixtures.CANARY;
import static io.rollguard.store.StoreFixtures.STABLE;
import static io.rollguard.store.StoreFixtures.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.config.StoreSettings;
import io.rollguard.common.payload.AnomalyRecord;
import io.rollguard.common.payload.ScoringKey;
import io.rollguard.testsupport.SettableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The in-memory store keeps the Redis layout's rules, and the HTTP API serves from it unchanged.
 */
class InMemoryAnomalyStoreTest {

  private static final long NOW = 1_800_000_000_000L;
  private final SettableClock clock = new SettableClock(NOW);

  @Test
  void latestOnlyMovesForwardAndHistoryIsOnePerTimestampAndBounded() {
    InMemoryAnomalyStore store = new InMemoryAnomalyStore(3, Duration.ofHours(1), clock);
    List<AnomalyRecord> records = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      records.add(record(CANARY, NOW - (4 - i) * 60_000L, i, "latency"));
    }
    store.write(records).forEach(o -> assertTrue(o.written()));
    // A late, older record and a re-sent timestamp with another score.
    store.write(
        List.of(
            record(CANARY, NOW - 10 * 60_000L, 9.0, "errors"),
            record(CANARY, NOW, 6.5, "latency")));

    assertEquals(
        6.5,
        store.latestSince(0).get(0).unifiedScore(),
        "latest = newest timestamp, re-sent value");
    List<AnomalyRecord> history = store.history(CANARY, 0, Long.MAX_VALUE);
    assertEquals(
        List.of(NOW - 120_000L, NOW - 60_000L, NOW),
        history.stream().map(AnomalyRecord::timestamp).toList(),
        "the newest 3 timestamps, oldest first");
    assertEquals(2, store.history(CANARY, NOW - 60_000L, NOW).size(), "range bounds are inclusive");
  }

  @Test
  void entityKeysAreNewestFirstAndKeysExpireAfterTheirTtl() {
    InMemoryAnomalyStore store = new InMemoryAnomalyStore(10, Duration.ofMinutes(30), clock);
    store.write(List.of(record(STABLE, NOW - 60_000L, 1, "cpu"), record(CANARY, NOW, 1, "cpu")));
    ScoringKey other = new ScoringKey("shop", "cart", "canary", "x1");
    store.write(List.of(record(other, NOW, 1, "cpu")));
    assertEquals(List.of(CANARY, STABLE), store.entityKeysSince("shop", "checkout", 0));
    assertEquals(List.of(CANARY), store.entityKeysSince("shop", "checkout", NOW));

    clock.set(NOW + Duration.ofMinutes(31).toMillis());
    store.write(List.of(record(other, NOW + 1, 1, "cpu")));
    assertEquals(
        List.of(),
        store.entityKeysSince("shop", "checkout", 0),
        "not written for longer than the TTL");
    assertEquals(1, store.latestSince(0).size());
  }

  @Test
  void httpApiServesVerdictAndScoresFromMemory() throws Exception {
    InMemoryAnomalyStore store = new InMemoryAnomalyStore(50, Duration.ofHours(1), clock);
    List<AnomalyRecord> records = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      records.add(record(CANARY, NOW - (29 - i) * 60_000L, 8.5, "latency"));
      records.add(record(STABLE, NOW - (29 - i) * 60_000L, 1.0, "cpu"));
    }
    PrometheusRegistry operational = new PrometheusRegistry();
    StoreMetrics metrics = new StoreMetrics(operational);
    AnomalyStoreSink sink =
        new AnomalyStoreSink(
            store, StoreFixtures.METRICS, MalformedRecordPolicy.FAILURE, metrics, 4);
    io.numaproj.numaflow.sinker.SinkerTestKit.TestListIterator batch =
        new io.numaproj.numaflow.sinker.SinkerTestKit.TestListIterator();
    for (int i = 0; i < records.size(); i++) {
      batch.addDatum(StoreFixtures.datum("id-" + i, records.get(i)));
    }
    sink.processMessages(batch).getResponses().forEach(r -> assertTrue(r.getSuccess(), r.getErr()));

    VerdictService verdicts = new VerdictService(store, clock, StoreFixtures.judge());
    StoreHttpServer http =
        new StoreHttpServer(
            0,
            StoreVertexMain.storeRegistry(
                operational,
                new AnomalyScoreCollector(
                    store,
                    Duration.ofMinutes(5),
                    clock,
                    metrics,
                    StoreSettings.DEFAULT_METRICS_MAX_KEYS,
                    verdicts)),
            verdicts,
            metrics);
    try {
      var verdict =
          StoreFixtures.get(http.port(), "/api/v1/verdict?namespace=shop&app=checkout&hash=c4n4ry");
      assertEquals(200, verdict.statusCode());
      assertTrue(verdict.body().contains("\"verdict\":\"fail\""), verdict.body());
      assertTrue(verdict.body().contains("\"stableHash\":\"st4bl3\""), verdict.body());
      var page = StoreFixtures.get(http.port(), "/metrics");
      assertTrue(
          page.body()
              .contains(
                  "rollguard_anomaly_score{app=\"checkout\",metric=\"unified\","
                      + "namespace=\"shop\",role=\"canary\",rollouts_pod_template_hash=\"c4n4ry\"} 8.5"),
          page.body());
      assertTrue(
          page.body().contains("rollguard_store_records_total{outcome=\"written\"} 60.0"),
          page.body());
      assertTrue(
          page.body()
              .contains(
                  "rollguard_canary_verdict{app=\"checkout\",namespace=\"shop\","
                      + "rollouts_pod_template_hash=\"c4n4ry\"} -1.0"),
          page.body());
    } finally {
      http.stop();
    }
  }
}
