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
 */
public record StoreSettings(
    int historyLength, Duration historyTtl, Duration staleness, int httpPort) {

  public StoreSettings {
    Objects.requireNonNull(historyTtl, "historyTtl");
    Objects.requireNonNull(staleness, "staleness");
  }
}
