package io.rollguard.store;

import static io.rollguard.store.StoreFixtures.CANARY;
import static io.rollguard.store.StoreFixtures.STABLE;
import static io.rollguard.store.StoreFixtures.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rollguard.common.config.RedisSettings;
import io.rollguard.common.payload.AnomalyRecord;
import io.rollguard.common.payload.ScoringKey;
import io.rollguard.common.redis.RedisConnections;
import io.rollguard.testsupport.RedisServer;
import io.rollguard.testsupport.SettableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/** The verdict rule on scores stored in a real Redis. */
class VerdictServiceTest {

  private static final long NOW = 1_800_000_000_000L;
  private static RedisServer redis;
  private static JedisPooled jedis;
  private AnomalyStoreWriter writer;
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
    SettableClock clock = new SettableClock(NOW);
    StoreKeys keys = new StoreKeys("rg:");
    writer =
        new AnomalyStoreWriter(
            jedis, keys, 50, Duration.ofHours(1), clock, StoreFixtures.metrics());
    service = new VerdictService(new AnomalyStoreReader(jedis, keys), clock);
  }

  private void write(ScoringKey key, double[] unified, String top) {
    List<AnomalyRecord> records = new ArrayList<>();
    for (int i = 0; i < unified.length; i++) {
      records.add(record(key, NOW - (unified.length - 1 - i) * 60_000L, unified[i], top));
    }
    writer.write(records).forEach(o -> assertTrue(o.written(), o.error()));
  }

  private Verdict verdict() {
    return service.verdict("shop", "checkout", "c4n4ry", VerdictPolicy.DEFAULT);
  }

  @Test
  void oneSpikeDoesNotFailTheMedianDoes() {
    write(CANARY, new double[] {1, 9.9, 1, 1, 1}, "errors");
    write(STABLE, new double[] {1, 1, 1, 1, 1}, "cpu");
    Verdict v = verdict();
    assertEquals(Verdict.PASS, v.verdict(), v.reason());
    assertEquals(9.9, v.canary().maxUnifiedScore());
  }

  @Test
  void bothRolesAnomalousIsASharedCause() {
    write(CANARY, new double[] {8, 8, 8, 8}, "latency");
    write(STABLE, new double[] {7.5, 7.5, 7.5, 7.5}, "latency");
    Verdict v = verdict();
    assertEquals(Verdict.INCONCLUSIVE, v.verdict());
    assertTrue(v.reason().contains("shared cause"), v.reason());
  }

  @Test
  void anomalousCanaryWithoutStableBaselineFailsOnItsOwnScore() {
    write(CANARY, new double[] {7, 8, 9}, "errors");
    Verdict v = verdict();
    assertEquals(Verdict.FAIL, v.verdict(), v.reason());
    assertNull(v.stable());
    assertNull(v.difference());
    assertEquals("errors", v.topMetrics().get(0).metric());
    assertTrue(v.reason().contains("no stable baseline"), v.reason());
  }

  @Test
  void tooFewCanaryScoresIsInconclusiveAndOldScoresAreOutsideTheRange() {
    // two recent scores plus three older than the 5 minute range
    List<AnomalyRecord> records = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      records.add(record(CANARY, NOW - 10 * 60_000L - i * 60_000L, 9, "latency"));
    }
    records.add(record(CANARY, NOW - 60_000L, 9, "latency"));
    records.add(record(CANARY, NOW, 9, "latency"));
    writer.write(records);
    Verdict v = verdict();
    assertEquals(Verdict.INCONCLUSIVE, v.verdict());
    assertEquals(2, v.canary().records());
    assertTrue(v.reason().startsWith("only 2 canary score(s)"), v.reason());
  }

  @Test
  void medianOfEvenCount() {
    assertEquals(2.5, VerdictService.median(List.of(4.0, 1.0, 3.0, 2.0)));
  }
}
