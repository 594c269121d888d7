package io.rollguard.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.config.StoreHttpSettings;
import io.rollguard.common.http.BoundedHttpServer;
import io.rollguard.common.http.PrometheusMetricsHandler;
import io.rollguard.common.vertex.RateLimitedLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.pathmap.PathSpec;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.PathMappingsHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.LoggerFactory;

/**
 * The anomaly store's HTTP API, on {@link BoundedHttpServer} (Jetty 12: bounded threads, connection
 * cap, idle and header timeouts, request header size limit, optional TLS):
 *
 * <ul>
 *   <li>{@code GET /metrics}: the registry in Prometheus text format (written by the Prometheus
 *       client library): scores from the store plus the operational metrics;
 *   <li>{@code GET /api/v1/verdict?namespace=&app=&hash=[&range=5m]}: the {@link Verdict} as JSON
 *       ({@code range} overrides {@code verdict.interval}); 400 for missing or invalid parameters,
 *       503 when the store cannot be read (Argo Rollouts records a measurement error and retries).
 * </ul>
 *
 * With {@code store.http.bearerToken} set, the verdict API (and {@code /metrics} with {@code
 * store.http.metricsRequireToken}) answers 401 unless the request carries {@code Authorization:
 * Bearer <token>}; the comparison takes the same time whatever the token.
 */
public final class StoreHttpServer {

  private static final RateLimitedLog LOG =
      RateLimitedLog.perKey(LoggerFactory.getLogger(StoreHttpServer.class), Duration.ofMinutes(1));
  private static final ObjectMapper JSON = new ObjectMapper();

  private final BoundedHttpServer server;
  private final VerdictService verdicts;
  private final StoreMetrics metrics;
  private final byte[] expectedAuthorization;

  /** Binds {@code port} (0 = a free port) with the default limits, no authentication, no TLS. */
  public StoreHttpServer(
      int port, PrometheusRegistry registry, VerdictService verdicts, StoreMetrics metrics)
      throws IOException {
    this(port, StoreHttpSettings.DEFAULT, registry, verdicts, metrics);
  }

  /** Binds {@code port} (0 = a free port) with {@code settings} and starts serving. */
  public StoreHttpServer(
      int port,
      StoreHttpSettings settings,
      PrometheusRegistry registry,
      VerdictService verdicts,
      StoreMetrics metrics)
      throws IOException {
    this.verdicts = verdicts;
    this.metrics = metrics;
    this.expectedAuthorization =
        settings.bearerToken() == null
            ? null
            : ("Bearer " + settings.bearerToken().reveal()).getBytes(StandardCharsets.UTF_8);
    PathMappingsHandler routes = new PathMappingsHandler();
    Handler scrape = new PrometheusMetricsHandler(registry);
    routes.addMapping(
        PathSpec.from("/metrics"),
        settings.metricsRequireToken() ? new Authenticated("metrics", scrape) : scrape);
    Handler verdict =
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            verdict(request, response, callback);
            return true;
          }
        };
    routes.addMapping(
        PathSpec.from("/api/v1/verdict"),
        expectedAuthorization == null ? verdict : new Authenticated("verdict", verdict));
    this.server = BoundedHttpServer.start("store", port, settings.limits(), settings.tls(), routes);
  }

  public int port() {
    return server.port();
  }

  /** Connections closed because their first request header did not arrive in time. */
  public long headerTimeouts() {
    return server.headerTimeouts();
  }

  /** Connections open now, unfinished requests included. */
  public int openConnections() {
    return server.openConnections();
  }

  public void stop() {
    // No drain delay: a scrape or verdict cut short by shutdown is simply retried by its client.
    server.stop();
  }

  /** Answers 401 unless the request carries the configured bearer token. */
  private final class Authenticated extends Handler.Wrapper {
    private final String endpoint;

    Authenticated(String endpoint, Handler handler) {
      super(handler);
      this.endpoint = endpoint;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      String given = request.getHeaders().get(HttpHeader.AUTHORIZATION);
      // Constant time in the token's content: no timing oracle for guessing it byte by byte.
      if (given != null
          && MessageDigest.isEqual(expectedAuthorization, given.getBytes(StandardCharsets.UTF_8))) {
        return super.handle(request, response, callback);
      }
      metrics.unauthorized.labelValues(endpoint).inc();
      response
          .getHeaders()
          .put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"rollguard-anomaly-store\"");
      send(
          response,
          callback,
          401,
          Map.of(
              "error",
              given == null
                  ? "authentication required: send Authorization: Bearer <token>"
                  : "invalid bearer token"));
      return true;
    }
  }

  private void verdict(Request request, Response response, Callback callback) {
    if (!"GET".equals(request.getMethod())) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET");
      send(response, callback, 405, Map.of("error", "only GET is supported"));
      return;
    }
    VerdictQuery query;
    try {
      query = VerdictQuery.parse(request.getHttpURI().getQuery(), verdicts.settings());
    } catch (IllegalArgumentException e) {
      send(response, callback, 400, Map.of("error", e.getMessage()));
      return;
    }
    Verdict verdict;
    try {
      verdict = verdicts.verdict(query.namespace(), query.app(), query.hash(), query.settings());
    } catch (StoreUnavailableException e) {
      metrics.readErrors.labelValues("verdict").inc();
      LOG.warn("verdict", "cannot read scores from the store for a verdict: {}", e.getMessage());
      send(
          response, callback, 503, Map.of("error", "anomaly store unavailable: " + e.getMessage()));
      return;
    }
    metrics.verdicts.labelValues(verdict.verdict()).inc();
    send(response, callback, 200, verdict);
  }

  private static void send(Response response, Callback callback, int status, Object body) {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      callback.failed(e);
      return;
    }
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
    response.write(true, ByteBuffer.wrap(bytes), callback);
  }
}
