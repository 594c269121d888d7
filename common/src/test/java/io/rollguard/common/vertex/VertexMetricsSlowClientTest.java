package io.rollguard.common.vertex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.testsupport.Poll;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every vertex's own /metrics runs on the bounded server: clients that send half a header hold a
 * connection, not a thread, so they cannot stop the scrapes (the JDK server the Prometheus client
 * bundles reads headers on its worker threads without a timeout).
 */
class VertexMetricsSlowClientTest {

  @Test
  void metricsAreScrapedWhileSlowClientsHoldUnfinishedHeaders() throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    Counter.builder().name("rollguard_test_total").help("test").register(registry).inc();
    List<Socket> slow = new ArrayList<>();
    try (VertexRuntime runtime =
        VertexRuntime.start("slow-test", TestConfigs.valid(), registry, 0)) {
      // More slow clients than the endpoint has threads (8), fewer than its connection cap (64).
      for (int i = 0; i < 16; i++) {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", runtime.metricsPort()), 2_000);
        OutputStream out = socket.getOutputStream();
        out.write(
            "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        slow.add(socket);
      }
      // Every slow connection is accepted and held before the scrape is sent.
      Poll.until(
          "the endpoint holds the 16 slow connections",
          Duration.ofSeconds(10),
          () -> runtime.metricsConnections() == 16);
      HttpResponse<String> scrape =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + runtime.metricsPort() + "/metrics"))
                      .timeout(Duration.ofSeconds(20))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(200, scrape.statusCode());
      assertTrue(scrape.body().contains("rollguard_test_total 1.0"), scrape.body());
      assertTrue(scrape.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    } finally {
      for (Socket socket : slow) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // gone
        }
      }
    }
  }
}
