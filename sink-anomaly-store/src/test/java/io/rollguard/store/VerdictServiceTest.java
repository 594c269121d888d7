package io.rollguard.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.rollguard.common.config.RedisSettings;
import io.rollguard.common.config.StoreSettings;
import io.rollguard.common.payload.AnomalyRecord;
import io.rollguard.common.payload.ScoringKey;
import io.rollguard.common.redis.RedisConnections;
import io.rollguard.testsupport.RedisServer;
import io.rollguard.testsupport.SettableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/**
 * The verdict service on records stored in a real Redis: which stable it compares with, what the
 * answer carries, and that the verdict gauge of {@code /metrics} says the same as the API.
 */
class VerdictServiceTest {

  private static final long NOW = 1_800_000_000_000L;
  private static final int MINUTES = 30;
  private static RedisServer redis;
  private static JedisPooled jedis;
  private AnomalyStoreWriter writer;
  private AnomalyStoreReader reader;
  private SettableClock clock;
  private VerdictService service;

  @BeforeAll
  static void start() {
    redis = RedisServer.start();
    jedis = RedisConnections.open(RedisSettings.of(redis.url()));
  }

  @AfterAll
  static void stop() {
    jedis.close();
    redis.close();
  }

  @BeforeEach
  void setUp() {
    jedis.flushAll();
    clock = new SettableClock(NOW);
    StoreKeys keys = new StoreKeys("rg:");
    writer =
        new AnomalyStoreWriter(
            jedis, keys, 100, Duration.ofHours(1), clock, StoreFixtures.metrics());
    reader = new AnomalyStoreReader(jedis, keys);
    service = new VerdictService(reader, clock, StoreFixtures.judge());
  }

  /** Per-minute records with noisy values; {@code latency} seconds from minute {@code from} on. */
  private void write(ScoringKey key, long seed, int from, double latency, double score) {
    Random rnd = new Random(seed);
    List<AnomalyRecord> records = new ArrayList<>();
    for (int i = 0; i < MINUTES; i++) {
      boolean after = i >= from;
      Map<String, Double> values = new LinkedHashMap<>();
      values.put("latency", (after ? latency : 0.2) * (1 + 0.05 * rnd.nextGaussian()));
      values.put("errors", 0.004 * (1 + 0.1 * rnd.nextGaussian()));
      values.put("cpu", 0.8 * (1 + 0.03 * rnd.nextGaussian()));
      double s = after ? score : 1;
      records.add(
          new AnomalyRecord(
                  key,
                  NOW - (MINUTES - 1 - i) * 60_000L,
                  s,
                  Map.of("latency", s, "errors", 1.0, "cpu", 1.0),
                  Map.of("latency", 1.0, "errors", 0.0, "cpu", 0.0),
                  AnomalyRecord.Source.MODEL,
                  "20261128T030000000Z-3fa2c81b9d04")
              .withObservations(values, 1.0, 1.0));
    }
    writer.write(records).forEach(o -> assertTrue(o.written(), o.error()));
  }

  @Test
  void aRegressedCanaryFailsAgainstTheEntitysStableWithValuesInTheirUnits() {
    write(StoreFixtures.CANARY, 1, 20, 0.412, 8.5);
    write(StoreFixtures.STABLE, 2, 0, 0.2, 1);
    // Another entity's stable and an older stable of this one must not be picked.
    write(new ScoringKey("shop", "cart", "stable", "other"), 3, 0, 2.0, 9);
    Verdict v = service.verdict("shop", "checkout", "c4n4ry");
    assertEquals(Verdict.FAIL, v.verdict(), v.reason());
    assertEquals("st4bl3", v.stableHash());
    assertEquals("latency", v.topMetrics().get(0).metric());
    assertTrue(v.reason().contains("latency 4") && v.reason().contains(" ms vs 2"), v.reason());
    assertEquals(6, v.canary().usableRecords());
    assertEquals(NOW - 6 * 60_000L, v.from());
    assertEquals(3, v.metrics().size());
    assertEquals(VerdictService.median(List.of(8.5, 8.5)), v.canary().unifiedScore());
  }

  @Test
  void withoutAStableThereIsNothingToCompare() {
    write(StoreFixtures.CANARY, 1, 20, 0.412, 8.5);
    Verdict v = service.verdict("shop", "checkout", "c4n4ry");
    assertEquals(Verdict.INCONCLUSIVE, v.verdict());
    assertNull(v.stable());
    assertNull(v.difference());
    assertTrue(v.reason().startsWith("no stable baseline"), v.reason());
  }

  @Test
  void theVerdictGaugeSaysWhatTheApiSays() {
    write(StoreFixtures.CANARY, 1, 20, 0.412, 8.5);
    write(StoreFixtures.STABLE, 2, 0, 0.2, 1);
    ScoringKey cleanCanary = new ScoringKey("shop", "cart", "canary", "g00d");
    write(cleanCanary, 4, 0, 0.2, 1);
    write(new ScoringKey("shop", "cart", "stable", "st4bl3"), 5, 0, 0.2, 1);
    AnomalyScoreCollector collector =
        new AnomalyScoreCollector(
            reader,
            Duration.ofMinutes(5),
            clock,
            StoreFixtures.metrics(),
            StoreSettings.DEFAULT_METRICS_MAX_KEYS,
            service);
    MetricSnapshots snapshots = collector.collect();
    Map<String, Double> codes = new LinkedHashMap<>();
    for (MetricSnapshot m : snapshots) {
      if (m.getMetadata().getPrometheusName().equals(AnomalyScoreCollector.VERDICT)) {
        for (GaugeSnapshot.GaugeDataPointSnapshot p : ((GaugeSnapshot) m).getDataPoints()) {
          codes.put(
              p.getLabels().get("app") + "/" + p.getLabels().get("rollouts_pod_template_hash"),
              p.getValue());
        }
      }
    }
    assertEquals(
        Map.of(
            "checkout/c4n4ry",
            (double) Verdict.code(Verdict.FAIL),
            "cart/g00d",
            (double) Verdict.code(Verdict.PASS)),
        codes);
    assertEquals(Verdict.PASS, service.verdict("shop", "cart", "g00d").verdict());
  }
}
