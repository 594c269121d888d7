package io.rollguard.common.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Connection to Prometheus and how recent data is read.
 *
 * @param url base url, e.g. {@code http://prometheus:9090}
 * @param bearerToken sent as {@code Authorization: Bearer}; null when not set
 * @param basicAuth user and password; null when not set (never both with a bearer token)
 * @param caFile PEM file of the CA that signed the server certificate; null = the JVM's trust store
 * @param timeout per HTTP request
 * @param ingestionDelay how far behind now the newest evaluated step is, so late scrapes are in
 * @param rateRange range of {@code rate()} in the metric queries ({@code {{range}}})
 * @param maxResponseBytes largest answer body read from Prometheus; a larger one is refused
 */
public record PrometheusSettings(
    String url,
    Secret bearerToken,
    BasicAuth basicAuth,
    Path caFile,
    Duration timeout,
    Duration ingestionDelay,
    Duration rateRange,
    long maxResponseBytes) {

  /** HTTP basic authentication. */
  public record BasicAuth(String username, Secret password) {
    public BasicAuth {
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(password, "password");
    }
  }

  public PrometheusSettings {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(ingestionDelay, "ingestionDelay");
    Objects.requireNonNull(rateRange, "rateRange");
    if (bearerToken != null && basicAuth != null) {
      throw new IllegalArgumentException("bearerToken and basicAuth are mutually exclusive");
    }
    if (maxResponseBytes < 1) {
      throw new IllegalArgumentException("maxResponseBytes must be > 0, got " + maxResponseBytes);
    }
  }

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
        + "]";
  }
}
