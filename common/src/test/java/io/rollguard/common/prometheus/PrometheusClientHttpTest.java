package io.rollguard.common.prometheus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.rollguard.common.config.PrometheusSettings;
import io.rollguard.common.config.Secret;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Status handling, retries and auth against a real HTTP server that answers scripted responses (the
 * failure modes a real Prometheus cannot be made to produce on demand: 429, 503, slow answers).
 */
class PrometheusClientHttpTest {

  private static final String OK_BODY =
      "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{\"app\":\"a\"},"
          + "\"values\":[[60,\"1.5\"],[120,\"NaN\"],[180,\"+Inf\"]]}]}}";

  private record Scripted(int status, String body, long delayMillis) {}

  private HttpServer server;
  private java.util.concurrent.ExecutorService executor;
  private final Deque<Scripted> script = new ConcurrentLinkedDeque<>();
  private final List<String> authorizations = Collections.synchronizedList(new ArrayList<>());
  private final List<String> forms = Collections.synchronizedList(new ArrayList<>());
  private final List<Duration> sleeps = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/prefix/api/v1/query_range", this::answer);
    // Several handler threads: a deliberately slow answer must not queue the retry behind it.
    executor = java.util.concurrent.Executors.newFixedThreadPool(4);
    server.setExecutor(executor);
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void answer(HttpExchange exchange) throws IOException {
    authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
    forms.add(
        URLDecoder.decode(
            new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
            StandardCharsets.UTF_8));
    Scripted next = script.isEmpty() ? new Scripted(500, "script exhausted", 0) : script.poll();
    if (next.delayMillis() > 0) {
      // Real time: a timeout test needs a server that is really slow on the client's socket.
      try {
        Thread.sleep(next.delayMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    byte[] body = next.body().getBytes(StandardCharsets.UTF_8);
    try {
      exchange.sendResponseHeaders(next.status(), body.length);
      exchange.getResponseBody().write(body);
    } catch (IOException e) {
      // the client gave up (timeout test)
    }
    exchange.close();
  }

  private PrometheusClient client(PrometheusSettings settings) {
    return new PrometheusClient(
        settings,
        new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(1)),
        new PrometheusClient.Listener() {},
        sleeps::add);
  }

  private PrometheusSettings settings() {
    return PrometheusSettings.of(
            URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/prefix"))
        .withTimeout(Duration.ofSeconds(5));
  }

  private static final StepGrid GRID = new StepGrid(60_000, 60_000, 3);

  @Test
  void parsesAMatrixIncludingNaNAndInfinity() throws Exception {
    script.add(new Scripted(200, OK_BODY, 0));
    List<RangeSeries> series = client(settings()).queryRange("up", GRID);
    assertEquals(1, series.size());
    assertArrayEquals(new long[] {60_000, 120_000, 180_000}, series.get(0).timestamps());
    assertArrayEquals(
        new double[] {1.5, Double.NaN, Double.POSITIVE_INFINITY}, series.get(0).values());
    assertEquals("query=up&start=60&end=180&step=60", forms.get(0));
  }

  @Test
  void retries503And429WithBackoffThenSucceeds() throws Exception {
    script.add(
        new Scripted(
            503, "{\"status\":\"error\",\"errorType\":\"unavailable\",\"error\":\"busy\"}", 0));
    script.add(new Scripted(429, "too many requests", 0));
    script.add(new Scripted(200, OK_BODY, 0));
    assertEquals(1, client(settings()).queryRange("up", GRID).size());
    assertEquals(3, forms.size());
    assertEquals(2, sleeps.size());
  }

  @Test
  void giveUpAfterMaxAttemptsIsUnavailable() {
    for (int i = 0; i < 3; i++) {
      script.add(new Scripted(502, "<html>bad gateway</html>", 0));
    }
    PrometheusException e =
        assertThrows(PrometheusException.class, () -> client(settings()).queryRange("up", GRID));
    assertEquals(PrometheusException.Kind.UNAVAILABLE, e.kind());
    assertEquals(502, e.httpStatus());
    assertTrue(e.getMessage().contains("bad gateway"), e.getMessage());
    assertEquals(3, forms.size());
  }

  @Test
  void badQueryIsNotRetriedAndNamesTheError() {
    script.add(
        new Scripted(
            400,
            "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"parse error: unexpected }\"}",
            0));
    PrometheusException e =
        assertThrows(
            PrometheusException.class, () -> client(settings()).queryRange("rate(x[}", GRID));
    assertEquals(PrometheusException.Kind.BAD_QUERY, e.kind());
    assertEquals("bad_data", e.errorType());
    assertTrue(e.getMessage().contains("parse error"), e.getMessage());
    assertEquals(1, forms.size());
    assertTrue(sleeps.isEmpty());
  }

  @Test
  void unauthorizedIsRefusedWithoutRetry() {
    script.add(new Scripted(401, "unauthorized", 0));
    PrometheusException e =
        assertThrows(PrometheusException.class, () -> client(settings()).queryRange("up", GRID));
    assertEquals(PrometheusException.Kind.REFUSED, e.kind());
    assertEquals(1, forms.size());
  }

  @Test
  void timeoutIsRetried() throws Exception {
    script.add(new Scripted(200, OK_BODY, 1_500));
    script.add(new Scripted(200, OK_BODY, 0));
    PrometheusSettings settings = settings().withTimeout(Duration.ofMillis(300));
    assertEquals(1, client(settings).queryRange("up", GRID).size());
    assertEquals(1, sleeps.size());
  }

  @Test
  void successWithoutAMatrixIsABadResponse() {
    script.add(
        new Scripted(
            200, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}", 0));
    PrometheusException e =
        assertThrows(PrometheusException.class, () -> client(settings()).queryRange("up", GRID));
    assertEquals(PrometheusException.Kind.BAD_RESPONSE, e.kind());
  }

  @Test
  void sendsBearerTokenOrBasicAuth() throws Exception {
    script.add(new Scripted(200, OK_BODY, 0));
    script.add(new Scripted(200, OK_BODY, 0));
    client(settings().withBearerToken("s3cret")).queryRange("up", GRID);
    client(settings().withBasicAuth("alice", "pw")).queryRange("up", GRID);
    assertEquals("Bearer s3cret", authorizations.get(0));
    assertEquals(
        "Basic " + Base64.getEncoder().encodeToString("alice:pw".getBytes(StandardCharsets.UTF_8)),
        authorizations.get(1));
  }

  @Test
  void chunksLongRangesWithTheStepOnEveryRequestAndNoDuplicateBoundary() throws Exception {
    // 5 points at 3 points per request: [60..180] and [240..300].
    script.add(
        new Scripted(
            200,
            "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{\"app\":\"a\"},"
                + "\"values\":[[60,\"1\"],[120,\"2\"],[180,\"3\"]]}]}}",
            0));
    script.add(
        new Scripted(
            200,
            "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{\"app\":\"a\"},"
                + "\"values\":[[240,\"4\"],[300,\"5\"]]},{\"metric\":{\"app\":\"b\"},\"values\":[[300,\"9\"]]}]}}",
            0));
    List<RangeSeries> series =
        client(settings().withMaxPointsPerRequest(3))
            .queryRange("up", new StepGrid(60_000, 60_000, 5));
    assertEquals(
        List.of("query=up&start=60&end=180&step=60", "query=up&start=240&end=300&step=60"), forms);
    assertEquals(2, series.size());
    assertArrayEquals(new double[] {1, 2, 3, 4, 5}, series.get(0).values());
    assertArrayEquals(new long[] {300_000}, series.get(1).timestamps());
  }

  @Test
  void settingsRejectBothAuthKindsAndNeverPrintSecrets() {
    PrometheusSettings s = settings().withBearerToken("s3cret");
    assertTrue(!s.toString().contains("s3cret"));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new PrometheusSettings(
                "http://x",
                new Secret("t"),
                new PrometheusSettings.BasicAuth("u", new Secret("p")),
                null,
                Duration.ofSeconds(1),
                Duration.ZERO,
                Duration.ofMinutes(2),
                1 << 20,
                100));
    assertThrows(
        IllegalArgumentException.class,
        () -> PrometheusSettings.of(URI.create("http://x")).withMaxPointsPerRequest(20_000));
  }
}
