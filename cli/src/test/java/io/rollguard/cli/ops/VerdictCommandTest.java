package io.rollguard.cli.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.config.MetricSpec.Direction;
import io.rollguard.common.config.RedisSettings;
import io.rollguard.common.config.VerdictSettings;
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
import io.rollguard.store.VerdictService;
import io.rollguard.store.verdict.CanaryJudge;
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
    // 30 minutes of one record a minute: the judgment's noise lookback is 30 minutes.
    for (int i = 0; i < 30; i++) {
      long ts = now - (29 - i) * 60_000L;
      records.add(
          record(new ScoringKey("shop", "checkout", "stable", "st4bl3"), ts, 1.0, "latency", 1));
      // The canary of checkout: p99 latency more than doubled, errors and cpu as the stable's.
      records.add(
          record(new ScoringKey("shop", "checkout", "canary", "c4n4ry"), ts, 8.5, "latency", 2.2));
      records.add(record(new ScoringKey("shop", "cart", "stable", "s1"), ts, 1.5, "cpu", 1));
      records.add(record(new ScoringKey("shop", "cart", "canary", "c1"), ts, 2.0, "cpu", 1));
    }
    // An older canary of checkout, no longer scored: the default hash is the newest one.
    records.add(
        record(
            new ScoringKey("shop", "checkout", "canary", "0ld"), now - 4 * 60_000L, 1.0, "cpu", 1));
    records.add(record(new ScoringKey("shop", "search", "canary", "c2"), now, 9.0, "latency", 1));
    writer.write(records).forEach(o -> assertTrue(o.written(), o.error()));
    try {
      store =
          new StoreHttpServer(
              0,
              StoreVertexMain.storeRegistry(
                  new PrometheusRegistry(),
                  new AnomalyScoreCollector(reader, Duration.ofMinutes(5), clock, metrics)),
              new VerdictService(
                  reader,
                  clock,
                  new CanaryJudge(
                      VerdictSettings.DEFAULTS,
                      List.of(
                          new CanaryJudge.MetricInfo("latency", "seconds", 1, Direction.UP),
                          new CanaryJudge.MetricInfo("errors", "ratio", 1, Direction.UP),
                          new CanaryJudge.MetricInfo("cpu", "cores", 0.5, Direction.UP)))),
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

  /**
   * A record scored {@code unified}, mostly on {@code top}, whose newest-row values are latency 200
   * ms, errors 0.4% and cpu 0.8 cores with a few per cent of deterministic jitter, and {@code top}
   * multiplied by {@code topFactor}.
   */
  static AnomalyRecord record(
      ScoringKey key, long ts, double unified, String top, double topFactor) {
    Map<String, Double> scores = new LinkedHashMap<>();
    Map<String, Double> attribution = new LinkedHashMap<>();
    Map<String, Double> values = new LinkedHashMap<>();
    String[] metrics = {"latency", "errors", "cpu"};
    double[] base = {0.2, 0.004, 0.8};
    for (int j = 0; j < metrics.length; j++) {
      boolean isTop = metrics[j].equals(top);
      scores.put(metrics[j], isTop ? unified : unified / 4);
      attribution.put(metrics[j], isTop ? 0.7 : 0.15);
      double jitter = 1 + 0.03 * Math.sin(ts / 60_000.0 * 1.7 + 2.1 * j + key.role().length());
      values.put(metrics[j], base[j] * jitter * (isTop ? topFactor : 1));
    }
    return new AnomalyRecord(
            key, ts, unified, scores, attribution, AnomalyRecord.Source.MODEL, "v1")
        .withObservations(values, 1.0, 1.0);
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
        run.out().startsWith("Verdict: FAIL - canary worse than stable: latency 4"),
        run.toString());
    assertTrue(run.out().contains("shop/checkout  canary c4n4ry  stable st4bl3"), run.toString());
    assertTrue(
        run.out().contains("canary median unified score 8.50 (max 8.50) over 6 scores"),
        run.toString());
    // The blamed metric with its values in its unit, the unchanged ones not blamed.
    assertTrue(
        run.out()
            .lines()
            // The fixtures' values jitter by 3% with the wall clock: the stable's 200 ms reads
            // 19x-20x.
            .anyMatch(l -> l.matches("    latency +high +4\\d\\d ms vs (19|20)\\d ms .*")),
        run.toString());
    assertTrue(
        run.out()
            .lines()
            .filter(l -> l.startsWith("    errors "))
            .allMatch(l -> l.endsWith(" 0% of the blame")),
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
    assertTrue(
        run.out().startsWith("Verdict: INCONCLUSIVE - warming up: 1 of 1 canary windows"),
        run.toString());
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
