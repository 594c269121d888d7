package io.rollguard.store;

import io.rollguard.common.config.StoreSettings;
import io.rollguard.common.config.Urls;
import io.rollguard.common.registry.Backends;
import java.time.Clock;

/**
 * Where the anomaly store keeps its scores: its reader, its writer and a line saying which.
 *
 * @param reader what the verdict and {@code /metrics} read
 * @param writer what the sink writes
 * @param description for a start-up line (credentials redacted)
 */
public record ScoreStore(ScoreReader reader, ScoreWriter writer, String description) {

  /** In Redis, on the process's one pool: the store vertex's, always. */
  public static ScoreStore redis(
      Backends backends, StoreSettings settings, Clock clock, StoreMetrics metrics) {
    StoreKeys keys = new StoreKeys(backends.redisSettings().keyPrefix());
    return new ScoreStore(
        new AnomalyStoreReader(backends.redis(), keys),
        new AnomalyStoreWriter(
            backends.redis(),
            keys,
            settings.historyLength(),
            settings.historyTtl(),
            clock,
            metrics),
        "Redis store at " + Urls.redact(backends.redisSettings().url()));
  }

  /**
   * A local run's: in the shared Redis when the registry is there too, else in this process's
   * memory.
   */
  public static ScoreStore on(
      Backends backends, StoreSettings settings, Clock clock, StoreMetrics metrics) {
    if (backends.shared()) {
      return redis(backends, settings, clock, metrics);
    }
    InMemoryAnomalyStore memory =
        new InMemoryAnomalyStore(settings.historyLength(), settings.historyTtl(), clock);
    return new ScoreStore(memory, memory, "in-memory store");
  }
}
