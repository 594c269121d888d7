package io.rollguard.common.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rollguard.common.config.PrometheusSettings;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The client against servers that misbehave on purpose: an answer far larger than any legitimate
 * chunk, a body that trickles in at one byte per second, and a redirect to another origin. Each of
 * these once cost the trainer its heap, a source batch its deadline, or the bearer token.
 */
class PrometheusClientHostileServerTest {

  private static final StepGrid GRID = new StepGrid(60_000, 60_000, 3);
  private static final String OK_BODY =
      "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{\"app\":\"a\"},"
          + "\"values\":[[60,\"1.5\"],[120,\"2\"],[180,\"3\"]]}]}}";
  private static final String TOKEN = "s3cret-token";

  /** No retries: each test sees exactly one exchange. */
  private static PrometheusClient client(PrometheusSettings settings) {
    return new PrometheusClient(
        settings,
        RetryPolicy.noRetries(),
        new PrometheusClient.Listener() {},
        d -> {
          throw new AssertionError("no retries, so never a retry delay");
        });
  }

  private static PrometheusSettings settings(int port) {
    return PrometheusSettings.of(URI.create("http://127.0.0.1:" + port))
        .withTimeout(Duration.ofSeconds(2))
        .withBearerToken(TOKEN);
  }

  /**
   * A well-formed matrix of 80 MiB (one series, millions of points): above the default cap of 64
   * MiB, so it must be refused while it streams in, with the setting named, instead of being read
   * whole into memory (a 300 MB answer once ran the trainer out of a 1 GB heap).
   */
  @Test
  void anAnswerAboveTheDefaultSizeCapIsRefusedWithTheCapNamed() throws Exception {
    long target = 80L << 20;
    try (RawHttpServer server =
        new RawHttpServer(
            (request, raw) -> {
              OutputStream out = new BufferedOutputStream(raw, 1 << 16);
              out.write(RawHttpServer.head(200, "OK", Map.of("Content-Type", "application/json")));
              out.write(
                  "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{\"app\":\"a\"},\"values\":["
                      .getBytes(StandardCharsets.US_ASCII));
              byte[] point = "[60,\"1.5\"],".getBytes(StandardCharsets.US_ASCII);
              for (long written = 0; written < target; written += point.length) {
                out.write(point);
              }
              out.write("[60,\"1.5\"]]}]}}".getBytes(StandardCharsets.US_ASCII));
              out.flush();
            })) {
      PrometheusClient client = client(settings(server.port()).withTimeout(Duration.ofSeconds(60)));
      PrometheusException e =
          assertThrows(PrometheusException.class, () -> client.queryRange("up", GRID));
      assertEquals(PrometheusException.Kind.BAD_RESPONSE, e.kind(), e.getMessage());
      assertTrue(e.getMessage().contains("prometheus.maxResponseBytes"), e.getMessage());
    }
  }

  @Test
  void aConfiguredCapIsEnforcedOnTheDeclaredLengthAndOnTheStream() throws Exception {
    String big =
        "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{\"app\":\"a\"},"
            + "\"values\":["
            + "[60,\"1.5\"],".repeat(200_000)
            + "[60,\"1\"]]}]}}";
    byte[] body = big.getBytes(StandardCharsets.US_ASCII);
    for (boolean declared : new boolean[] {true, false}) {
      try (RawHttpServer server =
          new RawHttpServer(
              (request, out) -> {
                out.write(
                    RawHttpServer.head(
                        200,
                        "OK",
                        declared
                            ? Map.of(
                                "Content-Type",
                                "application/json",
                                "Content-Length",
                                Integer.toString(body.length))
                            : Map.of("Content-Type", "application/json")));
                out.write(body);
              })) {
        PrometheusClient client = client(settings(server.port()).withMaxResponseBytes(1 << 20));
        PrometheusException e =
            assertThrows(PrometheusException.class, () -> client.queryRange("up", GRID));
        assertEquals(PrometheusException.Kind.BAD_RESPONSE, e.kind());
        assertTrue(
            e.getMessage().contains("prometheus.maxResponseBytes (1048576 bytes)"), e.getMessage());
        // Just under the cap is fine.
        List<RangeSeries> ok =
            client(settings(server.port()).withMaxResponseBytes(body.length))
                .queryRange("up", GRID);
        assertEquals(200_001, ok.get(0).size());
      }
    }
  }

  @Test
  void aMalformedMatrixIsABadResponseNamingTheProblem() throws Exception {
    String[] bodies = {
      "<html>proxy error</html>",
      "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{},\"values\":[[60]]}]}}",
      "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[5]}}",
      "{\"data\":{\"resultType\":\"matrix\",\"result\":[]},\"status\":\"error\"}",
    };
    String[] expected = {
      "body is not JSON: <html>proxy error</html>",
      "malformed sample",
      "malformed data.result",
      "status is not success"
    };
    for (int i = 0; i < bodies.length; i++) {
      byte[] body = bodies[i].getBytes(StandardCharsets.US_ASCII);
      try (RawHttpServer server =
          new RawHttpServer(
              (request, out) -> {
                out.write(
                    RawHttpServer.head(
                        200, "OK", Map.of("Content-Length", Integer.toString(body.length))));
                out.write(body);
              })) {
        PrometheusClient client = client(settings(server.port()));
        PrometheusException e =
            assertThrows(PrometheusException.class, () -> client.queryRange("up", GRID));
        assertEquals(PrometheusException.Kind.BAD_RESPONSE, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains(expected[i]), e.getMessage());
      }
    }
  }

  /**
   * Headers at once, then the body at one byte every 200 ms: the request timeout (1 s here) must
   * bound the whole call, body included. Before, only the headers were bounded and such a server
   * held a call for minutes (each byte arrives well within the timeout, so only a deadline over the
   * whole call ends it). Real time: the client's deadline bounds real socket reads from a server
   * that really stalls. The 20 s limit of the test only keeps a regression from hanging.
   */
  @Test
  void aBodyThatTricklesInHitsTheRequestDeadline() throws Exception {
    try (RawHttpServer server =
        new RawHttpServer(
            (request, out) -> {
              byte[] body = OK_BODY.getBytes(StandardCharsets.US_ASCII);
              out.write(
                  RawHttpServer.head(
                      200,
                      "OK",
                      Map.of(
                          "Content-Type",
                          "application/json",
                          "Content-Length",
                          Integer.toString(body.length))));
              out.flush();
              for (byte b : body) {
                out.write(b);
                out.flush();
                Thread.sleep(200);
              }
            })) {
      PrometheusClient client = client(settings(server.port()).withTimeout(Duration.ofSeconds(1)));
      long began = System.nanoTime();
      PrometheusException e =
          assertTimeoutPreemptively(
              Duration.ofSeconds(20),
              () -> assertThrows(PrometheusException.class, () -> client.queryRange("up", GRID)));
      Duration took = Duration.ofNanos(System.nanoTime() - began);
      assertEquals(PrometheusException.Kind.UNAVAILABLE, e.kind(), e.getMessage());
      assertTrue(e.getMessage().contains("timeout"), e.getMessage());
      assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "gave up after " + took);
    }
  }

  /**
   * A 307 from 127.0.0.1 to localhost on another port: another origin. The bearer token must not
   * reach it (before, the client followed the redirect with the Authorization header).
   */
  @Test
  void aRedirectToAnotherOriginNeverCarriesTheCredentials() throws Exception {
    try (RawHttpServer elsewhere =
            new RawHttpServer(
                (request, out) -> {
                  byte[] body = OK_BODY.getBytes(StandardCharsets.US_ASCII);
                  out.write(
                      RawHttpServer.head(
                          200,
                          "OK",
                          Map.of(
                              "Content-Type",
                              "application/json",
                              "Content-Length",
                              Integer.toString(body.length))));
                  out.write(body);
                });
        RawHttpServer prometheus =
            new RawHttpServer(
                (request, out) ->
                    out.write(
                        RawHttpServer.head(
                            307,
                            "Temporary Redirect",
                            Map.of(
                                "Location",
                                "http://localhost:" + elsewhere.port() + "/api/v1/query_range",
                                "Content-Length",
                                "0"))))) {
      PrometheusClient client = client(settings(prometheus.port()));
      PrometheusException e =
          assertThrows(PrometheusException.class, () -> client.queryRange("up", GRID));

      assertEquals(
          "Bearer " + TOKEN,
          prometheus.requests().get(0).headers().get("authorization"),
          "the configured origin gets the token");
      List<RawHttpServer.Request> leaked =
          elsewhere.requests().stream()
              .filter(r -> r.headers().containsKey("authorization"))
              .toList();
      assertTrue(leaked.isEmpty(), "Authorization sent to another origin: " + leaked);
      assertEquals(PrometheusException.Kind.REFUSED, e.kind(), e.getMessage());
      assertTrue(e.getMessage().contains("redirect"), e.getMessage());
    }
  }
}
