package io.rollguard.common.prometheus;

import io.rollguard.common.config.PrometheusSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach one Prometheus-compatible query API.
 *
 * @param baseUrl e.g. {@code http://prometheus-operated.monitoring.svc:9090} (a path prefix such as
 *     {@code /prometheus} or Mimir's {@code /prometheus} is kept)
 * @param bearerToken sent as {@code Authorization: Bearer ...}; null for none
 * @param basicAuthUser basic auth user; null for none (exclusive with the bearer token)
 * @param basicAuthPassword basic auth password; null when no user
 * @param caFile PEM CA bundle to trust for https instead of the JVM default; null for the default
 * @param requestTimeout timeout of one HTTP request (a timeout is retried)
 * @param retry backoff for 429, 5xx, timeouts and connection failures
 * @param maxPointsPerRequest most points per series one request may ask for; Prometheus rejects
 *     more than 11 000 steps ({@code (end - start) / step}), so the default stays below that
 * @param maxResponseBytes largest answer body read; a larger one fails the request ({@code
 *     BAD_RESPONSE}) while it streams in, before it can exhaust the heap
 */
public record PrometheusClientSettings(
    URI baseUrl,
    String bearerToken,
    String basicAuthUser,
    String basicAuthPassword,
    Path caFile,
    Duration requestTimeout,
    RetryPolicy retry,
    int maxPointsPerRequest,
    long maxResponseBytes) {

  public static final int DEFAULT_MAX_POINTS_PER_REQUEST = 10_000;

  /** Prometheus' hard limit: {@code (end - start) / step} may not exceed 11 000. */
  public static final int PROMETHEUS_MAX_POINTS = 11_001;

  /** Default of {@code prometheus.maxResponseBytes} (see {@code ConfigLoader}). */
  public static final long DEFAULT_MAX_RESPONSE_BYTES = 64L << 20;

  public PrometheusClientSettings {
    Objects.requireNonNull(baseUrl, "prometheus.url is required");
    String scheme = baseUrl.getScheme();
    if (!"http".equals(scheme) && !"https".equals(scheme)) {
      throw new IllegalArgumentException("prometheus.url must be http(s)://..., got " + baseUrl);
    }
    if (bearerToken != null && basicAuthUser != null) {
      throw new IllegalArgumentException(
          "prometheus: set either a bearer token or basic auth, not both");
    }
    if (basicAuthUser == null && basicAuthPassword != null) {
      throw new IllegalArgumentException("prometheus: basic auth password given without a user");
    }
    Objects.requireNonNull(requestTimeout, "prometheus.timeout");
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("prometheus.timeout must be > 0, got " + requestTimeout);
    }
    Objects.requireNonNull(retry, "retry");
    if (maxPointsPerRequest < 2 || maxPointsPerRequest > PROMETHEUS_MAX_POINTS) {
      throw new IllegalArgumentException(
          "maxPointsPerRequest must be in [2, "
              + PROMETHEUS_MAX_POINTS
              + "], got "
              + maxPointsPerRequest);
    }
    if (maxResponseBytes < 1) {
      throw new IllegalArgumentException(
          "prometheus.maxResponseBytes must be > 0, got " + maxResponseBytes);
    }
  }

  /** The settings of the {@code prometheus} config section, with default retries and chunking. */
  public static PrometheusClientSettings from(PrometheusSettings config) {
    PrometheusClientSettings settings =
        of(URI.create(config.url()))
            .withRequestTimeout(config.timeout())
            .withCaFile(config.caFile())
            .withMaxResponseBytes(config.maxResponseBytes());
    if (config.bearerToken() != null) {
      settings = settings.withBearerToken(config.bearerToken().reveal());
    }
    if (config.basicAuth() != null) {
      settings =
          settings.withBasicAuth(
              config.basicAuth().username(), config.basicAuth().password().reveal());
    }
    return settings;
  }

  /** Unauthenticated plain settings with defaults: 30 s timeout, default retries and chunking. */
  public static PrometheusClientSettings of(URI baseUrl) {
    return new PrometheusClientSettings(
        baseUrl,
        null,
        null,
        null,
        null,
        Duration.ofSeconds(30),
        RetryPolicy.DEFAULT,
        DEFAULT_MAX_POINTS_PER_REQUEST,
        DEFAULT_MAX_RESPONSE_BYTES);
  }

  public PrometheusClientSettings withBearerToken(String token) {
    return new PrometheusClientSettings(
        baseUrl,
        token,
        null,
        null,
        caFile,
        requestTimeout,
        retry,
        maxPointsPerRequest,
        maxResponseBytes);
  }

  public PrometheusClientSettings withBasicAuth(String user, String password) {
    return new PrometheusClientSettings(
        baseUrl,
        null,
        user,
        password,
        caFile,
        requestTimeout,
        retry,
        maxPointsPerRequest,
        maxResponseBytes);
  }

  public PrometheusClientSettings withCaFile(Path file) {
    return new PrometheusClientSettings(
        baseUrl,
        bearerToken,
        basicAuthUser,
        basicAuthPassword,
        file,
        requestTimeout,
        retry,
        maxPointsPerRequest,
        maxResponseBytes);
  }

  public PrometheusClientSettings withRequestTimeout(Duration timeout) {
    return new PrometheusClientSettings(
        baseUrl,
        bearerToken,
        basicAuthUser,
        basicAuthPassword,
        caFile,
        timeout,
        retry,
        maxPointsPerRequest,
        maxResponseBytes);
  }

  public PrometheusClientSettings withRetry(RetryPolicy policy) {
    return new PrometheusClientSettings(
        baseUrl,
        bearerToken,
        basicAuthUser,
        basicAuthPassword,
        caFile,
        requestTimeout,
        policy,
        maxPointsPerRequest,
        maxResponseBytes);
  }

  public PrometheusClientSettings withMaxPointsPerRequest(int points) {
    return new PrometheusClientSettings(
        baseUrl,
        bearerToken,
        basicAuthUser,
        basicAuthPassword,
        caFile,
        requestTimeout,
        retry,
        points,
        maxResponseBytes);
  }

  public PrometheusClientSettings withMaxResponseBytes(long bytes) {
    return new PrometheusClientSettings(
        baseUrl,
        bearerToken,
        basicAuthUser,
        basicAuthPassword,
        caFile,
        requestTimeout,
        retry,
        maxPointsPerRequest,
        bytes);
  }

  // Never print secrets in logs or exception messages.
  @Override
  public String toString() {
    return "PrometheusClientSettings[baseUrl="
        + baseUrl
        + ", auth="
        + (bearerToken != null ? "bearer" : basicAuthUser != null ? "basic" : "none")
        + ", caFile="
        + caFile
        + ", requestTimeout="
        + requestTimeout
        + ", retry="
        + retry
        + ", maxPointsPerRequest="
        + maxPointsPerRequest
        + ", maxResponseBytes="
        + maxResponseBytes
        + "]";
  }
}
