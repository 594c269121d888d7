package io.rollguard.store;

import static io.rollguard.store.StoreFixtures.CANARY;
import static io.rollguard.store.StoreFixtures.STABLE;
import static io.rollguard.store.StoreFixtures.datum;
import static io.rollguard.store.StoreFixtures.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.numaproj.numaflow.sinker.GRPCConfig;
import io.numaproj.numaflow.sinker.Response;
import io.numaproj.numaflow.sinker.ResponseList;
import io.numaproj.numaflow.sinker.SinkerTestKit;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.config.RedisSettings;
import io.rollguard.common.payload.AnomalyRecord;
import io.rollguard.common.redis.RedisConnections;
import io.rollguard.testsupport.PrometheusServer;
import io.rollguard.testsupport.RedisServer;
import io.rollguard.testsupport.SettableClock;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** The sink, the store and both HTTP endpoints against a real redis-server. */
class AnomalyStoreRealRedisTest {

  private static final long NOW = 1_800_000_000_000L;
  private static final long STEP = 60_000;
  private static final Duration STALENESS = Duration.ofMinutes(3);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static RedisServer redis;
  private static JedisPooled jedis;

  private SettableClock clock;
  private StoreMetrics metrics;
  private PrometheusRegistry operational;
  private AnomalyStoreSink sink;
  private StoreHttpServer http;

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start();
    jedis = RedisConnections.open(RedisSettings.of(redis.url()));
  }

  @AfterAll
  static void stopRedis() {
    jedis.close();
    redis.close();
  }

  @BeforeEach
  void setUp() throws Exception {
    jedis.flushAll();
    clock = new SettableClock(NOW);
    operational = new PrometheusRegistry();
    metrics = new StoreMetrics(operational);
    StoreKeys keys = new StoreKeys("rg:");
    sink =
        new AnomalyStoreSink(
            new AnomalyStoreWriter(jedis, keys, HISTORY, Duration.ofHours(1), clock, metrics),
            StoreFixtures.METRICS,
            MalformedRecordPolicy.FAILURE,
            metrics,
            10);
    AnomalyStoreReader reader = new AnomalyStoreReader(jedis, keys);
    http =
        new StoreHttpServer(
            0,
            StoreVertexMain.storeRegistry(
                operational, new AnomalyScoreCollector(reader, STALENESS, clock, metrics)),
            new VerdictService(reader, clock, StoreFixtures.judge()),
            metrics);
  }

  @AfterEach
  void tearDown() {
    http.stop();
  }

  private ResponseList sinkAll(List<SinkerTestKit.TestDatum> data) {
    SinkerTestKit.TestListIterator iterator = new SinkerTestKit.TestListIterator();
    data.forEach(iterator::addDatum);
    return sink.processMessages(iterator);
  }

  /** Five minutes of scores ending now: canary anomalous in latency, stable normal. */
  private static final int ANOMALOUS_MINUTES = 30;

  /** Records kept per key: enough for the verdict's noise lookback over the anomalous half hour. */
  private static final int HISTORY = 40;

  private List<SinkerTestKit.TestDatum> anomalousCanary() {
    List<SinkerTestKit.TestDatum> data = new java.util.ArrayList<>();
    // Half an hour: enough for the verdict's interval and its noise estimate.
    for (int i = 0; i < ANOMALOUS_MINUTES; i++) {
      long ts = NOW - (ANOMALOUS_MINUTES - 1 - i) * STEP;
      data.add(datum("c" + i, record(CANARY, ts, 8.5, "latency")));
      data.add(datum("s" + i, record(STABLE, ts, 1.0, "cpu")));
    }
    return data;
  }

  private static Map<String, Response> byId(ResponseList responses) {
    Map<String, Response> map = new HashMap<>();
    for (Response r : responses.getResponses()) {
      assertNull(map.put(r.getId(), r), "one response per id: " + r.getId());
    }
    return map;
  }

  @Test
  void writtenRecordsAreServedAsMetricsThatPassPromtoolAndAsAFailVerdict() throws Exception {
    Map<String, Response> responses = byId(sinkAll(anomalousCanary()));
    assertEquals(2 * ANOMALOUS_MINUTES, responses.size());
    responses.values().forEach(r -> assertTrue(r.getSuccess(), r.getId() + ": " + r.getErr()));

    HttpResponse<String> metricsPage = StoreFixtures.get(http.port(), "/metrics");
    assertEquals(200, metricsPage.statusCode());
    String text = metricsPage.body();
    assertTrue(
        text.contains(
            "rollguard_anomaly_score{app=\"checkout\",metric=\"unified\",namespace=\"shop\","
                + "role=\"canary\",rollouts_pod_template_hash=\"c4n4ry\"} 8.5"),
        text);
    assertTrue(
        text.contains(
            "rollguard_anomaly_score{app=\"checkout\",metric=\"latency\",namespace=\"shop\","
                + "role=\"canary\",rollouts_pod_template_hash=\"c4n4ry\"} 8.5"),
        text);
    assertTrue(
        text.contains(
            "rollguard_anomaly_score{app=\"checkout\",metric=\"cpu\",namespace=\"shop\","
                + "role=\"stable\",rollouts_pod_template_hash=\"st4bl3\"} 1.0"),
        text);
    assertTrue(
        text.contains(
            "rollguard_store_records_total{outcome=\"written\"} " + 2 * ANOMALOUS_MINUTES),
        text);
    PrometheusServer.PromtoolResult check = PrometheusServer.checkMetrics(text);
    assertEquals(0, check.exitCode(), "promtool check metrics:\n" + check.output() + "\n" + text);

    HttpResponse<String> verdictPage =
        StoreFixtures.get(http.port(), "/api/v1/verdict?namespace=shop&app=checkout&hash=c4n4ry");
    assertEquals(200, verdictPage.statusCode());
    JsonNode verdict = JSON.readTree(verdictPage.body());
    assertEquals("fail", verdict.get("verdict").asText(), verdictPage.body());
    assertEquals("latency", verdict.get("topMetrics").get(0).get("metric").asText());
    assertEquals("st4bl3", verdict.get("stableHash").asText());
    assertEquals(8.5, verdict.get("canary").get("unifiedScore").asDouble());
    assertEquals(1.0, verdict.get("stable").get("unifiedScore").asDouble());
    assertEquals(7.5, verdict.get("difference").asDouble());
    assertTrue(
        verdict.get("reason").asText().contains("latency 538 ms vs 199 ms"),
        verdict.get("reason").asText());
  }

  @Test
  void noDataIsInconclusiveAndMissingParametersAreABadRequest() throws Exception {
    HttpResponse<String> page =
        StoreFixtures.get(http.port(), "/api/v1/verdict?namespace=shop&app=checkout&hash=c4n4ry");
    JsonNode verdict = JSON.readTree(page.body());
    assertEquals("inconclusive", verdict.get("verdict").asText());
    assertEquals(0, verdict.get("canary").get("records").asInt());
    assertTrue(verdict.get("difference").isNull());
    assertEquals(
        400,
        StoreFixtures.get(http.port(), "/api/v1/verdict?namespace=shop&app=checkout").statusCode());
    assertEquals(
        400,
        StoreFixtures.get(
                http.port(), "/api/v1/verdict?namespace=shop&app=checkout&hash=x&range=soon")
            .statusCode());
  }

  @Test
  void seriesDisappearAfterTheStalenessPeriod() throws Exception {
    sinkAll(anomalousCanary());
    assertTrue(StoreFixtures.get(http.port(), "/metrics").body().contains("c4n4ry"));
    clock.set(NOW + STALENESS.toMillis() + 1);
    String text = StoreFixtures.get(http.port(), "/metrics").body();
    assertFalse(text.contains("rollguard_anomaly_score{"), text);
    assertEquals(0, PrometheusServer.checkMetrics(text).exitCode());
  }

  @Test
  void latestIsNeverReplacedByAnOlderRecordAndHistoryIsBoundedWithTtlsOnEveryKey() {
    sinkAll(List.of(datum("new", record(CANARY, NOW, 9.0, "latency"))));
    sinkAll(List.of(datum("old", record(CANARY, NOW - STEP, 2.0, "errors"))));
    AnomalyStoreReader reader = new AnomalyStoreReader(jedis, new StoreKeys("rg:"));
    List<AnomalyRecord> latest = reader.latestSince(0);
    assertEquals(1, latest.size());
    assertEquals(9.0, latest.get(0).unifiedScore());
    // re-sending the same timestamp replaces it (idempotent retry), HISTORY + 3 writes keep the
    // newest HISTORY
    for (int i = 0; i < HISTORY + 3; i++) {
      sinkAll(List.of(datum("h" + i, record(CANARY, NOW - i * STEP, 3.0, "cpu"))));
    }
    List<AnomalyRecord> history = reader.history(CANARY, 0, Long.MAX_VALUE);
    assertEquals(HISTORY, history.size());
    assertEquals(NOW - (HISTORY - 1) * STEP, history.get(0).timestamp());
    assertEquals(NOW, history.get(HISTORY - 1).timestamp());
    assertEquals(3.0, history.get(HISTORY - 1).unifiedScore());

    String cursor = ScanParams.SCAN_POINTER_START;
    int keys = 0;
    do {
      ScanResult<String> page = jedis.scan(cursor);
      for (String key : page.getResult()) {
        long ttl = jedis.pttl(key);
        assertTrue(ttl > 0 && ttl <= Duration.ofHours(1).toMillis(), key + " has TTL " + ttl);
        keys++;
      }
      cursor = page.getCursor();
    } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
    assertEquals(4, keys, "latest, history, keys index, entity index");
  }

  @Test
  void malformedRecordsAreCountedAndAnsweredWithFailureOrFallback() throws Exception {
    List<SinkerTestKit.TestDatum> data =
        List.of(
            datum("bad-json", "{not json".getBytes(StandardCharsets.UTF_8)),
            datum("bad-version", "{\"schemaVersion\":99}".getBytes(StandardCharsets.UTF_8)),
            datum("good", record(CANARY, NOW, 1.0, "cpu")));
    Map<String, Response> failure = byId(sinkAll(data));
    assertEquals(3, failure.size());
    assertFalse(failure.get("bad-json").getSuccess());
    assertTrue(
        failure.get("bad-json").getErr().contains("malformed AnomalyRecord"),
        failure.get("bad-json").getErr());
    assertFalse(failure.get("bad-version").getSuccess());
    assertTrue(failure.get("good").getSuccess());

    AnomalyStoreSink fallbackSink =
        new AnomalyStoreSink(
            new AnomalyStoreWriter(
                jedis, new StoreKeys("rg:"), 5, Duration.ofHours(1), clock, metrics),
            StoreFixtures.METRICS,
            MalformedRecordPolicy.FALLBACK,
            metrics,
            10);
    SinkerTestKit.TestListIterator iterator = new SinkerTestKit.TestListIterator();
    data.forEach(iterator::addDatum);
    Map<String, Response> fallback = byId(fallbackSink.processMessages(iterator));
    assertTrue(fallback.get("bad-json").getFallback());
    assertTrue(fallback.get("good").getSuccess());
    assertEquals(4, (long) metrics.records.labelValues("malformed").get());
    assertEquals(2, (long) metrics.malformed.labelValues("malformed_json").get());
    assertEquals(2, (long) metrics.malformed.labelValues("unsupported_schema_version").get());
  }

  @Test
  void policyFromEnvironmentNeverFallsBackFromTheFallbackSink() {
    assertEquals(MalformedRecordPolicy.FAILURE, MalformedRecordPolicy.fromEnvironment(Map.of()));
    assertEquals(
        MalformedRecordPolicy.FALLBACK,
        MalformedRecordPolicy.fromEnvironment(Map.of(MalformedRecordPolicy.FALLBACK_ENV, "true")));
    assertEquals(
        MalformedRecordPolicy.FAILURE,
        MalformedRecordPolicy.fromEnvironment(
            Map.of(
                MalformedRecordPolicy.FALLBACK_ENV,
                "true",
                "NUMAFLOW_UD_CONTAINER_TYPE",
                "fb-udsink")));
  }

  @Test
  void sinkerTestKitOverRealGrpc() throws Exception {
    SinkerTestKit kit =
        new SinkerTestKit(sink, GRPCConfig.newBuilder().isLocal(true).port(50151).build());
    kit.startServer();
    SinkerTestKit.Client client = new SinkerTestKit.Client("localhost", 50151);
    try {
      SinkerTestKit.TestListIterator iterator = new SinkerTestKit.TestListIterator();
      anomalousCanary().forEach(iterator::addDatum);
      iterator.addDatum(datum("broken", "[]".getBytes(StandardCharsets.UTF_8)));
      Map<String, Response> responses = byId(client.sendRequest(iterator));
      assertEquals(2 * ANOMALOUS_MINUTES + 1, responses.size());
      assertFalse(responses.get("broken").getSuccess());
      responses.entrySet().stream()
          .filter(e -> !e.getKey().equals("broken"))
          .forEach(e -> assertTrue(e.getValue().getSuccess(), e.getKey()));
      assertEquals(
          Set.of("st4bl3", "c4n4ry"),
          Set.copyOf(
              new AnomalyStoreReader(jedis, new StoreKeys("rg:"))
                  .latestSince(0).stream().map(r -> r.key().podTemplateHash()).toList()));
    } finally {
      client.close();
      kit.stopServer();
    }
  }
}
