package io.rollguard.common.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The anomaly store (sink): what it keeps in Redis and how it serves it.
 *
 * @param historyLength anomaly records kept per scoring key (newest first)
 * @param historyTtl a key's history and latest record expire this long after their last write
 * @param staleness a scoring key not scored for this long is no longer exported on {@code /metrics}
 * @param httpPort port of the store's HTTP API ({@code /metrics} scores and {@code
 *     /api/v1/verdict})
 * @param http the HTTP server's limits, authentication and TLS ({@code store.http})
 * @param metricsMaxKeys most scoring keys one {@code /metrics} scrape exports ({@code
 *     store.metrics.maxKeys}); the newest win and the rest are counted
 */
public record StoreSettings(
    int historyLength,
    Duration historyTtl,
    Duration staleness,
    int httpPort,
    StoreHttpSettings http,
    int metricsMaxKeys) {

  /** Default of {@code store.metrics.maxKeys}: the design target of 10 000 entities × 2 roles. */
  public static final int DEFAULT_METRICS_MAX_KEYS = 20_000;

  public StoreSettings {
    Objects.requireNonNull(historyTtl, "historyTtl");
    Objects.requireNonNull(staleness, "staleness");
    Objects.requireNonNull(http, "http");
    if (metricsMaxKeys < 1) {
      throw new IllegalArgumentException("metricsMaxKeys must be >= 1, got " + metricsMaxKeys);
    }
  }

  /** Default HTTP settings and key cap. */
  public StoreSettings(int historyLength, Duration historyTtl, Duration staleness, int httpPort) {
    this(
        historyLength,
        historyTtl,
        staleness,
        httpPort,
        StoreHttpSettings.DEFAULT,
        DEFAULT_METRICS_MAX_KEYS);
  }
}
