package io.rollguard.common.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach Prometheus and how recent data is read: the {@code prometheus} section of the
 * configuration, and what {@code PrometheusClient} is built from.
 *
 * @param url base url, e.g. {@code http://prometheus:9090} (a path prefix such as Mimir's {@code
 *     /prometheus} is kept)
 * @param bearerToken sent as {@code Authorization: Bearer}; null when not set
 * @param basicAuth user and password; null when not set (never both with a bearer token)
 * @param caFile PEM file of the CA that signed the server certificate; null = the JVM's trust store
 * @param timeout per HTTP request, headers and body together (a timeout is retried)
 * @param ingestionDelay how far behind now the newest evaluated step is, so late scrapes are in
 * @param rateRange range of {@code rate()} in the metric queries ({@code {{range}}})
 * @param maxResponseBytes largest answer body read; a larger one fails the request while it streams
 *     in, before it can exhaust the heap
 * @param maxPointsPerRequest most points per series one request may ask for; Prometheus rejects
 *     more than 11 000 steps, so the default stays below that
 */
public record PrometheusSettings(
    String url,
    Secret bearerToken,
    BasicAuth basicAuth,
    Path caFile,
    Duration timeout,
    Duration ingestionDelay,
    Duration rateRange,
    long maxResponseBytes,
    int maxPointsPerRequest) {

  /** {@code prometheus.timeout} when the config does not set it. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /** {@code prometheus.ingestionDelay} when the config does not set it. */
  public static final Duration DEFAULT_INGESTION_DELAY = Duration.ofSeconds(30);

  /** {@code prometheus.rateRange} when the config does not set it. */
  public static final Duration DEFAULT_RATE_RANGE = Duration.ofMinutes(2);

  /**
   * {@code prometheus.maxResponseBytes} when the config does not set it: the largest legitimate
   * answer, the source's catch-up chunk for 10 000 entities x 2 roles x 60 steps at about 2 KB per
   * series, is about 40 MB.
   */
  public static final long DEFAULT_MAX_RESPONSE_BYTES = 64L << 20;

  /** {@code prometheus.maxPointsPerRequest} when the config does not set it. */
  public static final int DEFAULT_MAX_POINTS_PER_REQUEST = 10_000;

  /** Prometheus' hard limit: {@code (end - start) / step} may not exceed 11 000. */
  public static final int PROMETHEUS_MAX_POINTS = 11_001;

  /** HTTP basic authentication. */
  public record BasicAuth(String username, Secret password) {
    public BasicAuth {
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(password, "password");
    }
  }

  public PrometheusSettings {
    Objects.requireNonNull(url, "prometheus.url is required");
    String scheme = URI.create(url).getScheme();
    if (!"http".equals(scheme) && !"https".equals(scheme)) {
      throw new IllegalArgumentException(
          "prometheus.url must be http(s)://..., got " + Urls.redact(url));
    }
    Objects.requireNonNull(timeout, "prometheus.timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("prometheus.timeout must be > 0, got " + timeout);
    }
    Objects.requireNonNull(ingestionDelay, "prometheus.ingestionDelay");
    Objects.requireNonNull(rateRange, "prometheus.rateRange");
    if (bearerToken != null && basicAuth != null) {
      throw new IllegalArgumentException(
          "prometheus: set either bearerToken or basicAuth, not both");
    }
    if (maxResponseBytes < 1) {
      throw new IllegalArgumentException(
          "prometheus.maxResponseBytes must be > 0, got " + maxResponseBytes);
    }
    if (maxPointsPerRequest < 2 || maxPointsPerRequest > PROMETHEUS_MAX_POINTS) {
      throw new IllegalArgumentException(
          "prometheus.maxPointsPerRequest must be in [2, "
              + PROMETHEUS_MAX_POINTS
              + "], got "
              + maxPointsPerRequest);
    }
  }

  /** Unauthenticated settings for a URL with every default (tests, the CLI). */
  public static PrometheusSettings of(URI url) {
    return new PrometheusSettings(
        url.toString(),
        null,
        null,
        null,
        DEFAULT_TIMEOUT,
        DEFAULT_INGESTION_DELAY,
        DEFAULT_RATE_RANGE,
        DEFAULT_MAX_RESPONSE_BYTES,
        DEFAULT_MAX_POINTS_PER_REQUEST);
  }

  public URI baseUrl() {
    return URI.create(url);
  }

  public PrometheusSettings withBearerToken(String token) {
    return new PrometheusSettings(
        url,
        new Secret(token),
        null,
        caFile,
        timeout,
        ingestionDelay,
        rateRange,
        maxResponseBytes,
        maxPointsPerRequest);
  }

  public PrometheusSettings withBasicAuth(String user, String password) {
    return new PrometheusSettings(
        url,
        null,
        new BasicAuth(user, new Secret(password)),
        caFile,
        timeout,
        ingestionDelay,
        rateRange,
        maxResponseBytes,
        maxPointsPerRequest);
  }

  public PrometheusSettings withCaFile(Path file) {
    return new PrometheusSettings(
        url,
        bearerToken,
        basicAuth,
        file,
        timeout,
        ingestionDelay,
        rateRange,
        maxResponseBytes,
        maxPointsPerRequest);
  }

  public PrometheusSettings withTimeout(Duration requestTimeout) {
    return new PrometheusSettings(
        url,
        bearerToken,
        basicAuth,
        caFile,
        requestTimeout,
        ingestionDelay,
        rateRange,
        maxResponseBytes,
        maxPointsPerRequest);
  }

  public PrometheusSettings withMaxResponseBytes(long bytes) {
    return new PrometheusSettings(
        url,
        bearerToken,
        basicAuth,
        caFile,
        timeout,
        ingestionDelay,
        rateRange,
        bytes,
        maxPointsPerRequest);
  }

  public PrometheusSettings withMaxPointsPerRequest(int points) {
    return new PrometheusSettings(
        url,
        bearerToken,
        basicAuth,
        caFile,
        timeout,
        ingestionDelay,
        rateRange,
        maxResponseBytes,
        points);
  }

  // Secrets print as <redacted> (Secret.toString), credentials in the URL are redacted.
  @Override
  public String toString() {
    return "PrometheusSettings[url="
        + Urls.redact(url)
        + ", bearerToken="
        + bearerToken
        + ", basicAuth="
        + basicAuth
        + ", caFile="
        + caFile
        + ", timeout="
        + timeout
        + ", ingestionDelay="
        + ingestionDelay
        + ", rateRange="
        + rateRange
        + ", maxResponseBytes="
        + maxResponseBytes
        + ", maxPointsPerRequest="
        + maxPointsPerRequest
        + "]";
  }
}
