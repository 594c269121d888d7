package io.rollguard.cli.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.config.RedisSettings;
import io.rollguard.common.payload.AnomalyRecord;
import io.rollguard.common.payload.ScoringKey;
import io.rollguard.common.redis.RedisConnections;
import io.rollguard.store.AnomalyScoreCollector;
import io.rollguard.store.AnomalyStoreReader;
import io.rollguard.store.AnomalyStoreWriter;
import io.rollguard.store.StoreHttpServer;
import io.rollguard.store.StoreKeys;
import io.rollguard.store.StoreMetrics;
import io.rollguard.store.StoreVertexMain;
import io.rollguard.store.VerdictPolicy;
import io.rollguard.store.VerdictService;
import io.rollguard.testsupport.RedisServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.JedisPooled;

/**
 * {@code rollguard verdict} against the real anomaly store: its HTTP server, verdict service and
 * /metrics collector on a real redis-server, filled by its own writer. The exit status is the
 * verdict; store failures and bad arguments have their own statuses.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VerdictCommandTest {

  private static RedisServer redis;
  private static JedisPooled jedis;
  private static StoreHttpServer store;
  private static String storeUrl;

  @BeforeAll
  static void startTheStore() {
    redis = RedisServer.start();
    jedis = RedisConnections.open(RedisSettings.of(redis.url()));
    Clock clock = Clock.systemUTC();
    StoreKeys keys = new StoreKeys("rollguard:");
    StoreMetrics metrics = new StoreMetrics(new PrometheusRegistry());
    AnomalyStoreReader reader = new AnomalyStoreReader(jedis, keys);
    AnomalyStoreWriter writer =
        new AnomalyStoreWriter(jedis, keys, 1440, Duration.ofDays(2), clock, metrics);
    long now = clock.millis();
    List<AnomalyRecord> records = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      long ts = now - (4 - i) * 60_000L;
      records.add(
          record(new ScoringKey("shop", "checkout", "stable", "st4bl3"), ts, 1.0, "latency"));
      records.add(
          record(new ScoringKey("shop", "checkout", "canary", "c4n4ry"), ts, 8.5, "latency"));
      records.add(record(new ScoringKey("shop", "cart", "stable", "s1"), ts, 1.5, "cpu"));
      records.add(record(new ScoringKey("shop", "cart", "canary", "c1"), ts, 2.0, "cpu"));
    }
    // An older canary of checkout, no longer scored: the default hash is the newest one.
    records.add(
        record(new ScoringKey("shop", "checkout", "canary", "0ld"), now - 4 * 60_000L, 1.0, "cpu"));
    records.add(record(new ScoringKey("shop", "search", "canary", "c2"), now, 9.0, "latency"));
    writer.write(records).forEach(o -> assertTrue(o.written(), o.error()));
    try {
      store =
          new StoreHttpServer(
              0,
              StoreVertexMain.storeRegistry(
                  new PrometheusRegistry(),
                  new AnomalyScoreCollector(reader, Duration.ofMinutes(5), clock, metrics)),
              new VerdictService(reader, clock),
              VerdictPolicy.DEFAULT,
              metrics);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    storeUrl = "http://127.0.0.1:" + store.port();
  }

  @AfterAll
  static void stop() {
    store.stop();
    jedis.close();
    redis.close();
  }

  static AnomalyRecord record(ScoringKey key, long ts, double unified, String top) {
    Map<String, Double> scores = new LinkedHashMap<>();
    Map<String, Double> attribution = new LinkedHashMap<>();
    for (String metric : new String[] {"latency", "errors", "cpu"}) {
      scores.put(metric, metric.equals(top) ? unified : unified / 4);
      attribution.put(metric, metric.equals(top) ? 0.7 : 0.15);
    }
    return new AnomalyRecord(
        key, ts, unified, scores, attribution, AnomalyRecord.Source.MODEL, "v1");
  }

  @Test
  void anAnomalousCanaryFailsWithItsExplanation() {
    CliRun run =
        CliRun.of(
            "verdict",
            "--store",
            storeUrl,
            "--namespace",
            "shop",
            "--app",
            "checkout",
            "--canary-hash",
            "c4n4ry");
    assertEquals(VerdictCommand.EXIT_FAIL, run.exitCode(), run.toString());
    assertTrue(
        run.out()
            .contains(
                "Verdict: FAIL - canary unified score 8.50 >= 7.0 (stable 1.00); top metric"
                    + " latency"),
        run.toString());
    assertTrue(run.out().contains("shop/checkout  canary c4n4ry  stable st4bl3"), run.toString());
    assertTrue(
        run.out().contains("canary median unified score 8.50 (max 8.50) over 5 scores"),
        run.toString());
    assertTrue(
        run.out()
            .contains("latency                 70% of the anomaly   canary 8.50   stable 1.00"),
        run.toString());
  }

  @Test
  void aHealthyCanaryPasses() {
    CliRun run =
        CliRun.of(
            "verdict",
            "--store",
            storeUrl,
            "--namespace",
            "shop",
            "--app",
            "cart",
            "--canary-hash",
            "c1");
    assertEquals(VerdictCommand.EXIT_PASS, run.exitCode(), run.toString());
    assertTrue(run.out().startsWith("Verdict: PASS"), run.toString());
  }

  @Test
  void tooFewScoresAreInconclusive() {
    CliRun run =
        CliRun.of(
            "verdict",
            "--store",
            storeUrl,
            "--namespace",
            "shop",
            "--app",
            "search",
            "--canary-hash",
            "c2");
    assertEquals(VerdictCommand.EXIT_INCONCLUSIVE, run.exitCode(), run.toString());
    assertTrue(run.out().startsWith("Verdict: INCONCLUSIVE - only 1 canary score"), run.toString());
  }

  @Test
  void withoutAHashTheCanaryTheStoreScoredLastIsJudged() {
    CliRun run =
        CliRun.of("verdict", "--store", storeUrl, "--namespace", "shop", "--app", "checkout");
    assertEquals(VerdictCommand.EXIT_FAIL, run.exitCode(), run.toString());
    assertTrue(
        run.out().contains("canary hash c4n4ry (the one the store scored last"), run.toString());

    CliRun none =
        CliRun.of("verdict", "--store", storeUrl, "--namespace", "shop", "--app", "nothing-here");
    assertEquals(VerdictCommand.EXIT_INCONCLUSIVE, none.exitCode(), none.toString());
    assertTrue(
        none.out().contains("no current canary score for shop/nothing-here"), none.toString());
  }

  @Test
  void jsonPrintsTheStoresAnswer() {
    CliRun run =
        CliRun.of(
            "verdict",
            "--store",
            storeUrl + "/",
            "--namespace",
            "shop",
            "--app",
            "checkout",
            "--canary-hash",
            "c4n4ry",
            "--json");
    assertEquals(VerdictCommand.EXIT_FAIL, run.exitCode(), run.toString());
    assertTrue(
        run.out().contains("\"verdict\" : \"fail\"") && run.out().contains("\"topMetrics\""),
        run.toString());
  }

  @Test
  void anUnreachableStoreIsAnError() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    CliRun run =
        CliRun.of(
            "verdict",
            "--store",
            "http://127.0.0.1:" + port,
            "--namespace",
            "shop",
            "--app",
            "checkout",
            "--canary-hash",
            "c4n4ry",
            "--timeout",
            "2s");
    assertEquals(VerdictCommand.EXIT_STORE_ERROR, run.exitCode(), run.toString());
    assertTrue(
        run.err().contains("cannot reach the anomaly store at http://127.0.0.1:" + port),
        run.toString());
  }

  @Test
  void badArgumentsAreUsageErrors() {
    assertEquals(
        VerdictCommand.EXIT_USAGE,
        CliRun.of("verdict", "--store", storeUrl, "--namespace", "shop").exitCode());
    CliRun notAUrl =
        CliRun.of("verdict", "--store", "localhost:8080", "--namespace", "shop", "--app", "a");
    assertEquals(VerdictCommand.EXIT_USAGE, notAUrl.exitCode(), notAUrl.toString());
    CliRun badRange =
        CliRun.of(
            "verdict",
            "--store",
            storeUrl,
            "--namespace",
            "shop",
            "--app",
            "a",
            "--canary-hash",
            "h",
            "--range",
            "5");
    assertEquals(VerdictCommand.EXIT_USAGE, badRange.exitCode(), badRange.toString());
  }

  /**
   * The answer's format will grow (a new rule, more explanation): fields this version does not know
   * are printed, not fatal; the exit status follows the verdict. A bearer token is sent as asked.
   */
  @Test
  void unknownFieldsArePrintedAndTheTokenIsSent(@TempDir Path tmp) throws Exception {
    AtomicReference<String> authorization = new AtomicReference<>();
    HttpServer fake = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    fake.createContext(
        "/api/v1/verdict",
        exchange -> {
          authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
          byte[] body =
              ("{\"verdict\":\"inconclusive\",\"reason\":\"both"
                      + " anomalous\",\"rule\":\"differential\","
                      + "\"explanation\":{\"canaryMinusStable\":0.4},\"futureField\":[1,2]}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    fake.start();
    try {
      Path token = Files.writeString(tmp.resolve("token"), "s3cret\n");
      CliRun run =
          CliRun.of(
              "verdict",
              "--store",
              "http://127.0.0.1:" + fake.getAddress().getPort(),
              "--namespace",
              "shop",
              "--app",
              "checkout",
              "--canary-hash",
              "c4n4ry",
              "--token-file",
              token.toString());
      assertEquals(VerdictCommand.EXIT_INCONCLUSIVE, run.exitCode(), run.toString());
      assertTrue(run.out().contains("Verdict: INCONCLUSIVE - both anomalous"), run.toString());
      assertTrue(run.out().contains("rule: differential"), run.toString());
      assertTrue(run.out().contains("explanation: {\"canaryMinusStable\":0.4}"), run.toString());
      assertTrue(run.out().contains("futureField: [1,2]"), run.toString());
      assertEquals("Bearer s3cret", authorization.get());
    } finally {
      fake.stop(0);
    }
  }

  /**
   * The store up, its Redis down: the store answers 503, the command reports a store error. Last:
   * it empties Redis.
   */
  @Test
  @Order(Integer.MAX_VALUE)
  void aStoreThatCannotReadRedisIsAnError() {
    redis.stop();
    try {
      CliRun run =
          CliRun.of(
              "verdict",
              "--store",
              storeUrl,
              "--namespace",
              "shop",
              "--app",
              "checkout",
              "--canary-hash",
              "c4n4ry");
      assertEquals(VerdictCommand.EXIT_STORE_ERROR, run.exitCode(), run.toString());
      assertTrue(run.err().contains("the store answered HTTP 503"), run.toString());
    } finally {
      redis.restart();
    }
  }
}
