package io.rollguard.store;

import static io.rollguard.store.StoreFixtures.CANARY;
import static io.rollguard.store.StoreFixtures.STABLE;
import static io.rollguard.store.StoreFixtures.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.payload.AnomalyRecord;
import io.rollguard.testsupport.SettableClock;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Defect: a handful of clients that open a connection and send half a request header (slowloris)
 * silenced the store's JDK {@code HttpServer} (4 threads, no timeouts): {@code /api/v1/verdict} and
 * {@code /metrics} stopped answering until those clients went away, so Argo Rollouts saw errors and
 * Prometheus lost the scores.
 *
 * <p>The assertions are about outcomes, not speed: with slow clients holding connections, a normal
 * verdict request and a scrape must be answered at all (the 20 s client timeout is only there so
 * that a regression fails instead of hanging).
 */
class StoreHttpSlowClientTest {

  private static final long NOW = 1_800_000_000_000L;
  private static final Duration ANSWER_AT_ALL = Duration.ofSeconds(20);

  private final List<Socket> slowClients = new ArrayList<>();
  private StoreHttpServer http;

  @BeforeEach
  void start() throws IOException {
    SettableClock clock = new SettableClock(NOW);
    InMemoryAnomalyStore store = new InMemoryAnomalyStore(100, Duration.ofDays(1), clock);
    List<AnomalyRecord> records = new ArrayList<>();
    // Half an hour of one-minute records: the canary judgment needs verdict.noiseSamples (10)
    // values per role over verdict.noiseLookback (30 min) before it answers anything but
    // inconclusive.
    for (int i = 0; i < 30; i++) {
      records.add(record(CANARY, NOW - (29 - i) * 60_000L, 8.5, "latency"));
      records.add(record(STABLE, NOW - (29 - i) * 60_000L, 1.0, "cpu"));
    }
    store.write(records);
    PrometheusRegistry operational = new PrometheusRegistry();
    StoreMetrics metrics = new StoreMetrics(operational);
    http =
        new StoreHttpServer(
            0,
            StoreVertexMain.storeRegistry(
                operational,
                new AnomalyScoreCollector(store, Duration.ofMinutes(5), clock, metrics)),
            new VerdictService(store, clock, StoreFixtures.judge()),
            metrics);
  }

  @AfterEach
  void stop() {
    for (Socket socket : slowClients) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // already gone
      }
    }
    if (http != null) {
      http.stop();
    }
  }

  @Test
  void verdictAndScrapeAreAnsweredWhileSlowClientsHoldUnfinishedHeaders() throws Exception {
    for (int i = 0; i < 8; i++) {
      slowClients.add(slowClient(http.port(), i));
    }
    // Give the server time to hand every slow connection to a worker, as it would in production.
    Thread.sleep(300);

    HttpResponse<String> verdict = get("/api/v1/verdict?namespace=shop&app=checkout&hash=c4n4ry");
    assertEquals(200, verdict.statusCode(), verdict.body());
    assertTrue(verdict.body().contains("\"verdict\":\"fail\""), verdict.body());

    HttpResponse<String> scrape = get("/metrics");
    assertEquals(200, scrape.statusCode());
    assertTrue(scrape.body().contains("rollguard_anomaly_score{"), "the scores are exported");
  }

  /**
   * Connects and sends a request line and one header, never the blank line that ends the header.
   */
  static Socket slowClient(int port, int i) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
    OutputStream out = socket.getOutputStream();
    out.write(
        ("GET /api/v1/verdict?namespace=shop&app=slow"
                + i
                + "&hash=h HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nX-Slow: ")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return socket;
  }

  private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(ANSWER_AT_ALL).build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + pathAndQuery))
            .timeout(ANSWER_AT_ALL)
            .build();
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      throw new AssertionError(
          "no answer to "
              + pathAndQuery
              + " within "
              + ANSWER_AT_ALL
              + " while "
              + slowClients.size()
              + " slow clients hold connections",
          e);
    }
  }
}
