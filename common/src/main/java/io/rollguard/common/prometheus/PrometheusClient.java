package io.rollguard.common.prometheus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rollguard.common.LogValues;
import io.rollguard.common.config.PrometheusSettings;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small client for Prometheus' {@code /api/v1/query_range}, shared by the source vertex and the
 * trainer. Thread-safe.
 *
 * <ul>
 *   <li>Long ranges are split into requests of at most {@link
 *       PrometheusSettings#maxPointsPerRequest()} points per series (Prometheus refuses more than
 *       11 000 steps); every chunk carries the step explicitly and starts one step after the
 *       previous chunk's end, so no boundary sample is duplicated.
 *   <li>429, 5xx, timeouts and connection failures are retried with jittered exponential backoff;
 *       400/422 (bad PromQL, bad parameters), other 4xx and an untrusted TLS certificate fail at
 *       once with a clear message.
 *   <li>Values {@code "NaN"}, {@code "+Inf"}, {@code "-Inf"} are parsed; native-histogram samples
 *       are ignored (the metric specs select float series).
 *   <li>Bounded against a hostile or broken server: {@code prometheus.timeout} is one deadline for
 *       the whole request, headers and body (a body that trickles in is cut at the deadline); the
 *       body is parsed as it streams in ({@link MatrixParser}) and refused past {@code
 *       prometheus.maxResponseBytes} ({@link BoundedBody}); redirects are never followed, so the
 *       credentials never leave {@code prometheus.url}.
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

  /** Most of an error answer that is read (its message is abbreviated further). */
  private static final int ERROR_BODY_BYTES = 64 * 1024;

  private final PrometheusSettings settings;
  private final RetryPolicy retry;
  private final HttpClient http;
  private final URI queryRangeUri;
  private final String authorization;
  private final Sleeper sleeper;
  private final Listener listener;

  public PrometheusClient(PrometheusSettings settings) {
    this(settings, new Listener() {});
  }

  public PrometheusClient(PrometheusSettings settings, Listener listener) {
    this(settings, RetryPolicy.DEFAULT, listener, duration -> Thread.sleep(duration.toMillis()));
  }

  /**
   * @param retry backoff for 429, 5xx, timeouts and connection failures
   */
  public PrometheusClient(
      PrometheusSettings settings, RetryPolicy retry, Listener listener, Sleeper sleeper) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.retry = Objects.requireNonNull(retry, "retry");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .connectTimeout(settings.timeout())
            // Never: a redirect would carry the Authorization header to another origin.
            .followRedirects(HttpClient.Redirect.NEVER);
    if (settings.caFile() != null) {
      builder.sslContext(TlsTrust.trustingCaFile(settings.caFile()));
    }
    this.http = builder.build();
    this.queryRangeUri = resolve(settings.baseUrl(), "api/v1/query_range");
    this.authorization = authorizationHeader(settings);
  }

  public PrometheusSettings settings() {
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
    for (int attempt = 1; ; attempt++) {
      Attempt outcome = attempt(promql, form);
      if (outcome.series() != null) {
        return outcome.series();
      }
      if (attempt >= retry.maxAttempts()) {
        throw new PrometheusException(
            PrometheusException.Kind.UNAVAILABLE,
            outcome.status(),
            "",
            "Prometheus query "
                + abbreviate(promql)
                + " failed after "
                + attempt
                + " attempt(s): "
                + outcome.transientCause());
      }
      Duration backoff = retry.backoffAfter(attempt);
      listener.onRetry(attempt, outcome.transientCause(), backoff);
      LOG.debug(
          "retrying Prometheus query after {} ({}): {}",
          backoff,
          attempt,
          outcome.transientCause());
      sleeper.sleep(backoff);
    }
  }

  /**
   * The result of one attempt: the series, or the transient failure to retry (status 0 if none).
   */
  private record Attempt(List<RangeSeries> series, int status, String transientCause) {
    static Attempt retry(int status, String cause) {
      return new Attempt(null, status, cause);
    }
  }

  /**
   * One request under one deadline ({@code prometheus.timeout}) that covers the headers and the
   * whole body, and one byte cap ({@code prometheus.maxResponseBytes}). Permanent failures throw.
   */
  private Attempt attempt(String promql, String form)
      throws PrometheusException, InterruptedException {
    long began = System.nanoTime();
    long deadline = began + settings.timeout().toNanos();
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(queryRangeUri)
            .timeout(settings.timeout())
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            // POST: long PromQL does not fit in a URL behind some proxies.
            .POST(HttpRequest.BodyPublishers.ofString(form));
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    String timedOut = "timeout after " + settings.timeout();
    CompletableFuture<HttpResponse<InputStream>> pending =
        http.sendAsync(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
    HttpResponse<InputStream> response;
    try {
      response = pending.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      pending.cancel(true);
      return Attempt.retry(0, timedOut);
    } catch (InterruptedException e) {
      pending.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof HttpTimeoutException) {
        return Attempt.retry(0, timedOut);
      }
      if (isTlsFailure(cause)) {
        // A certificate that is not trusted stays untrusted: a configuration error, not an outage.
        throw new PrometheusException(
            PrometheusException.Kind.REFUSED,
            0,
            "",
            "TLS handshake with "
                + settings.baseUrl()
                + " failed (check prometheus.caFile): "
                + cause,
            cause);
      }
      return Attempt.retry(0, "connection failure: " + cause);
    }
    int status = response.statusCode();
    try (BoundedBody body =
        new BoundedBody(
            response.body(), settings.maxResponseBytes(), deadline - System.nanoTime())) {
      try {
        Attempt outcome = answer(promql, status, response, body);
        listener.onResponse(status, Duration.ofNanos(System.nanoTime() - began));
        return outcome;
      } catch (IOException e) {
        if (body.expired()) {
          // The deadline watchdog closed the stream under the reader: a body that trickled in.
          return Attempt.retry(status, timedOut + " (reading the body)");
        }
        if (e instanceof BoundedBody.TooLarge) {
          throw tooLarge(status);
        }
        return Attempt.retry(status, "connection failure while reading the answer: " + e);
      }
    } catch (IOException e) {
      return Attempt.retry(status, "connection failure: " + e); // closing the body failed
    }
  }

  private Attempt answer(
      String promql, int status, HttpResponse<InputStream> response, BoundedBody body)
      throws IOException, PrometheusException {
    if (status / 100 == 2) {
      long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
      if (declared > settings.maxResponseBytes()) {
        throw tooLarge(status);
      }
      try {
        List<RangeSeries> series = MatrixParser.parse(body);
        if (body.expired()) {
          throw new IOException("deadline passed"); // an end of stream the watchdog caused
        }
        return new Attempt(series, status, null);
      } catch (JsonProcessingException e) {
        if (body.expired()) {
          throw new IOException("deadline passed", e);
        }
        throw badResponse(status, "body is not JSON: " + abbreviate(body.head()));
      } catch (MatrixParser.NotAMatrix e) {
        throw badResponse(status, e.getMessage());
      }
    }
    if (status / 100 == 3) {
      // Redirects are never followed: the Authorization header would go along to wherever the
      // Location points (another host or port), and credentials must not leave prometheus.url.
      throw new PrometheusException(
          PrometheusException.Kind.REFUSED,
          status,
          "",
          "Prometheus answered HTTP "
              + status
              + " with a redirect to "
              + LogValues.truncate(
                  response.headers().firstValue("Location").orElse("(no Location)"))
              + "; redirects are not followed so that credentials stay with prometheus.url: set"
              + " prometheus.url to the final address");
    }
    ApiError error = ApiError.from(body.readText(ERROR_BODY_BYTES));
    if (body.expired()) {
      throw new IOException("deadline passed");
    }
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
    return Attempt.retry(status, "HTTP " + status + ": " + error.message());
  }

  private PrometheusException tooLarge(int status) {
    return badResponse(
        status,
        "the answer is larger than prometheus.maxResponseBytes ("
            + settings.maxResponseBytes()
            + " bytes); query a shorter range or fewer series per request,"
            + " or raise the limit");
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
          return new ApiError(
              LogValues.truncate(root.path("errorType").asText("")),
              abbreviate(root.path("error").asText()));
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

  private static String authorizationHeader(PrometheusSettings settings) {
    if (settings.bearerToken() != null) {
      return "Bearer " + settings.bearerToken().reveal();
    }
    if (settings.basicAuth() != null) {
      String pair =
          settings.basicAuth().username() + ":" + settings.basicAuth().password().reveal();
      return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }
    return null;
  }

  private static String abbreviate(String text) {
    return LogValues.truncate(text, MAX_BODY_IN_MESSAGE);
  }
}
