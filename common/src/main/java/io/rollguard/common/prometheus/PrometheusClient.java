package io.rollguard.common.prometheus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small client for Prometheus' {@code /api/v1/query_range}, shared by the source vertex and the
 * trainer. Thread-safe.
 *
 * <ul>
 *   <li>Long ranges are split into requests of at most {@link
 *       PrometheusClientSettings#maxPointsPerRequest()} points per series (Prometheus refuses more
 *       than 11 000 steps); every chunk carries the step explicitly and starts one step after the
 *       previous chunk's end, so no boundary sample is duplicated.
 *   <li>429, 5xx, timeouts and connection failures are retried with jittered exponential backoff;
 *       400/422 (bad PromQL, bad parameters), other 4xx and an untrusted TLS certificate fail at
 *       once with a clear message.
 *   <li>Values {@code "NaN"}, {@code "+Inf"}, {@code "-Inf"} are parsed; native-histogram samples
 *       are ignored (the metric specs select float series).
 * </ul>
 */
public final class PrometheusClient {

  /** Observes requests and retries, e.g. to count them; all methods are optional. */
  public interface Listener {
    /** A request finished with an HTTP answer (any status). */
    default void onResponse(int httpStatus, Duration elapsed) {}

    /** Attempt {@code attempt} failed transiently and will be retried after {@code backoff}. */
    default void onRetry(int attempt, String cause, Duration backoff) {}
  }

  /** Waits between retries; replaced in tests to avoid real sleeps. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  private static final Logger LOG = LoggerFactory.getLogger(PrometheusClient.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BODY_IN_MESSAGE = 300;

  private final PrometheusClientSettings settings;
  private final HttpClient http;
  private final URI queryRangeUri;
  private final String authorization;
  private final Sleeper sleeper;
  private final Listener listener;

  public PrometheusClient(PrometheusClientSettings settings) {
    this(settings, new Listener() {});
  }

  public PrometheusClient(PrometheusClientSettings settings, Listener listener) {
    this(settings, listener, duration -> Thread.sleep(duration.toMillis()));
  }

  public PrometheusClient(PrometheusClientSettings settings, Listener listener, Sleeper sleeper) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .connectTimeout(settings.requestTimeout())
            .followRedirects(HttpClient.Redirect.NORMAL);
    if (settings.caFile() != null) {
      builder.sslContext(TlsTrust.trustingCaFile(settings.caFile()));
    }
    this.http = builder.build();
    this.queryRangeUri = resolve(settings.baseUrl(), "api/v1/query_range");
    this.authorization = authorizationHeader(settings);
  }

  public PrometheusClientSettings settings() {
    return settings;
  }

  /**
   * Evaluates {@code promql} at every point of {@code grid}. The returned series hold only the
   * points Prometheus answered (absent steps are absent); place them with {@link StepGrid#place}.
   * Series are merged across chunks by their label set, in the order first seen.
   *
   * @throws PrometheusException {@link PrometheusException.Kind#BAD_QUERY} for a query Prometheus
   *     rejects (not retried), {@link PrometheusException.Kind#UNAVAILABLE} when retries ran out
   */
  public List<RangeSeries> queryRange(String promql, StepGrid grid)
      throws PrometheusException, InterruptedException {
    Objects.requireNonNull(promql, "promql");
    Map<Map<String, String>, SeriesBuilder> merged = new LinkedHashMap<>();
    int chunkPoints = settings.maxPointsPerRequest();
    for (int first = 0; first < grid.points(); first += chunkPoints) {
      int points = Math.min(chunkPoints, grid.points() - first);
      long start = grid.timestampAt(first);
      long end = start + (points - 1L) * grid.stepMillis();
      for (RangeSeries chunk : queryRangeOnce(promql, start, end, grid.stepMillis())) {
        merged.computeIfAbsent(chunk.labels(), labels -> new SeriesBuilder()).append(chunk);
      }
    }
    List<RangeSeries> result = new ArrayList<>(merged.size());
    merged.forEach((labels, builder) -> result.add(builder.build(labels)));
    return result;
  }

  /** One HTTP request (with retries) for {@code [start, end]} at {@code step}, all epoch ms. */
  List<RangeSeries> queryRangeOnce(String promql, long start, long end, long step)
      throws PrometheusException, InterruptedException {
    String form =
        "query="
            + URLEncoder.encode(promql, StandardCharsets.UTF_8)
            + "&start="
            + seconds(start)
            + "&end="
            + seconds(end)
            + "&step="
            + seconds(step);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(queryRangeUri)
            .timeout(settings.requestTimeout())
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            // POST: long PromQL does not fit in a URL behind some proxies.
            .POST(HttpRequest.BodyPublishers.ofString(form));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    HttpRequest built = request.build();
    RetryPolicy retry = settings.retry();
    for (int attempt = 1; ; attempt++) {
      String transientCause;
      int lastStatus = 0;
      long began = System.nanoTime();
      try {
        HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
        int status = response.statusCode();
        listener.onResponse(status, Duration.ofNanos(System.nanoTime() - began));
        if (status / 100 == 2) {
          return parseMatrix(response.body(), status);
        }
        lastStatus = status;
        ApiError error = ApiError.from(response.body());
        if (status != 429 && status < 500) {
          PrometheusException.Kind kind =
              status == 400 || status == 422
                  ? PrometheusException.Kind.BAD_QUERY
                  : PrometheusException.Kind.REFUSED;
          throw new PrometheusException(
              kind,
              status,
              error.type(),
              "Prometheus rejected query "
                  + abbreviate(promql)
                  + " (HTTP "
                  + status
                  + (error.type().isEmpty() ? "" : ", " + error.type())
                  + "): "
                  + error.message());
        }
        transientCause = "HTTP " + status + ": " + error.message();
      } catch (HttpTimeoutException e) {
        transientCause = "timeout after " + settings.requestTimeout();
      } catch (IOException e) {
        if (isTlsFailure(e)) {
          // A certificate that is not trusted stays untrusted: a configuration error, not an
          // outage.
          throw new PrometheusException(
              PrometheusException.Kind.REFUSED,
              0,
              "",
              "TLS handshake with "
                  + settings.baseUrl()
                  + " failed (check prometheus.caFile): "
                  + e,
              e);
        }
        transientCause = "connection failure: " + e;
      }
      if (attempt >= retry.maxAttempts()) {
        throw new PrometheusException(
            PrometheusException.Kind.UNAVAILABLE,
            lastStatus,
            "",
            "Prometheus query "
                + abbreviate(promql)
                + " failed after "
                + attempt
                + " attempt(s): "
                + transientCause);
      }
      Duration backoff = retry.backoffAfter(attempt);
      listener.onRetry(attempt, transientCause, backoff);
      LOG.debug("retrying Prometheus query after {} ({}): {}", backoff, attempt, transientCause);
      sleeper.sleep(backoff);
    }
  }

  private static List<RangeSeries> parseMatrix(String body, int status) throws PrometheusException {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw badResponse(status, "body is not JSON: " + abbreviate(body));
    }
    if (root == null || !"success".equals(root.path("status").asText())) {
      throw badResponse(status, "status is not success: " + abbreviate(body));
    }
    JsonNode data = root.path("data");
    String resultType = data.path("resultType").asText();
    if (!"matrix".equals(resultType)) {
      throw badResponse(status, "expected resultType matrix, got '" + resultType + "'");
    }
    JsonNode result = data.path("result");
    List<RangeSeries> series = new ArrayList<>(result.size());
    for (JsonNode item : result) {
      Map<String, String> labels = new HashMap<>();
      Iterator<Map.Entry<String, JsonNode>> fields = item.path("metric").fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        labels.put(field.getKey(), field.getValue().asText());
      }
      // Native histograms arrive under "histograms" and are skipped: only float series are scored.
      JsonNode values = item.path("values");
      long[] ts = new long[values.size()];
      double[] vs = new double[values.size()];
      for (int i = 0; i < values.size(); i++) {
        JsonNode pair = values.get(i);
        if (!pair.isArray() || pair.size() != 2 || !pair.get(0).isNumber()) {
          throw badResponse(status, "malformed sample " + pair + " in series " + labels);
        }
        ts[i] = Math.round(pair.get(0).asDouble() * 1000.0);
        try {
          vs[i] = PrometheusValues.parse(pair.get(1).asText());
        } catch (NumberFormatException e) {
          throw badResponse(status, "malformed value " + pair.get(1) + " in series " + labels);
        }
      }
      series.add(new RangeSeries(labels, ts, vs));
    }
    return series;
  }

  private static PrometheusException badResponse(int status, String detail) {
    return new PrometheusException(
        PrometheusException.Kind.BAD_RESPONSE,
        status,
        "",
        "unexpected Prometheus response: " + detail);
  }

  /** {@code {"status":"error","errorType":..,"error":..}}, or the raw body from a proxy. */
  private record ApiError(String type, String message) {
    static ApiError from(String body) {
      try {
        JsonNode root = JSON.readTree(body);
        if (root != null && root.has("error")) {
          return new ApiError(root.path("errorType").asText(""), root.path("error").asText());
        }
      } catch (JsonProcessingException e) {
        // not JSON: a proxy or load balancer answered
      }
      return new ApiError("", abbreviate(body == null ? "" : body.strip()));
    }
  }

  private static final class SeriesBuilder {
    private final List<RangeSeries> parts = new ArrayList<>(1);

    void append(RangeSeries part) {
      parts.add(part);
    }

    RangeSeries build(Map<String, String> labels) {
      if (parts.size() == 1) {
        return parts.get(0);
      }
      int total = parts.stream().mapToInt(RangeSeries::size).sum();
      long[] ts = new long[total];
      double[] vs = new double[total];
      int at = 0;
      for (RangeSeries part : parts) {
        System.arraycopy(part.timestamps(), 0, ts, at, part.size());
        System.arraycopy(part.values(), 0, vs, at, part.size());
        at += part.size();
      }
      return new RangeSeries(labels, ts, vs);
    }
  }

  private static boolean isTlsFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof javax.net.ssl.SSLHandshakeException) {
        return true;
      }
    }
    return false;
  }

  static String seconds(long epochMillis) {
    return BigDecimal.valueOf(epochMillis, 3).stripTrailingZeros().toPlainString();
  }

  private static URI resolve(URI base, String path) {
    String text = base.toString();
    return URI.create(text.endsWith("/") ? text + path : text + "/" + path);
  }

  private static String authorizationHeader(PrometheusClientSettings settings) {
    if (settings.bearerToken() != null) {
      return "Bearer " + settings.bearerToken();
    }
    if (settings.basicAuthUser() != null) {
      String pair =
          settings.basicAuthUser()
              + ":"
              + (settings.basicAuthPassword() == null ? "" : settings.basicAuthPassword());
      return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }
    return null;
  }

  private static String abbreviate(String text) {
    return text.length() <= MAX_BODY_IN_MESSAGE
        ? text
        : text.substring(0, MAX_BODY_IN_MESSAGE) + "...";
  }
}
