package io.rollguard.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.config.Durations;
import io.rollguard.common.config.VerdictSettings;
import io.rollguard.common.vertex.RateLimitedLog;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.LoggerFactory;

/**
 * The anomaly store's HTTP API (JDK {@code HttpServer}):
 *
 * <ul>
 *   <li>{@code GET /metrics}: the registry in Prometheus text format (written by the Prometheus
 *       client library): scores from the store plus the operational metrics;
 *   <li>{@code GET /api/v1/verdict?namespace=&app=&hash=[&range=5m]}: the {@link Verdict} as JSON
 *       ({@code range} overrides {@code verdict.interval}); 400 for missing or invalid parameters, 503
 *       when the store cannot be read (Argo Rollouts records a measurement error and retries).
 * </ul>
 */
public final class StoreHttpServer {

  private static final RateLimitedLog LOG =
      RateLimitedLog.perKey(LoggerFactory.getLogger(StoreHttpServer.class), Duration.ofMinutes(1));
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final ExecutorService executor;
  private final VerdictService verdicts;
  private final StoreMetrics metrics;

  /** Binds {@code port} (0 = a free port) and starts serving. */
  public StoreHttpServer(
      int port, PrometheusRegistry registry, VerdictService verdicts, StoreMetrics metrics) throws IOException {
    this.verdicts = verdicts;
    this.metrics = metrics;
    this.server = HttpServer.create(new InetSocketAddress(port), 0);
    this.executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "store-http");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/metrics", new MetricsHandler(registry));
    server.createContext("/api/v1/verdict", this::verdict);
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public void stop() {
    // No drain delay: a scrape or verdict cut short by shutdown is simply retried by its client.
    server.stop(0);
    executor.shutdownNow();
  }

  private void verdict(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().add("Allow", "GET");
        send(exchange, 405, Map.of("error", "only GET is supported"));
        return;
      }
      Map<String, String> params = query(exchange.getRequestURI().getRawQuery());
      String namespace = params.get("namespace");
      String app = params.get("app");
      String hash = params.get("hash");
      if (isBlank(namespace) || isBlank(app) || isBlank(hash)) {
        send(exchange, 400, Map.of("error", "namespace, app and hash are required query parameters"));
        return;
      }
      VerdictSettings effective = verdicts.settings();
      try {
        if (params.containsKey("range")) {
          effective = effective.withInterval(Durations.parse(params.get("range")));
        }
      } catch (IllegalArgumentException e) {
        send(exchange, 400, Map.of("error", "invalid parameter: " + e.getMessage()));
        return;
      }
      Verdict verdict;
      try {
        verdict = verdicts.verdict(namespace, app, hash, effective);
      } catch (StoreUnavailableException e) {
        metrics.readErrors.labelValues("verdict").inc();
        LOG.warn("verdict", "cannot read scores from the store for a verdict: {}", e.getMessage());
        send(exchange, 503, Map.of("error", "anomaly store unavailable: " + e.getMessage()));
        return;
      }
      metrics.verdicts.labelValues(verdict.verdict()).inc();
      send(exchange, 200, verdict);
    }
  }

  private static void send(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> params = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return params;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      params.putIfAbsent(name, value);
    }
    return params;
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
