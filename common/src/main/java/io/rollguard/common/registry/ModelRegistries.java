package io.rollguard.common.registry;

import com.github.benmanes.caffeine.cache.Ticker;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.config.RegistrySettings;
import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.redis.RedisConnectionSettings;
import io.rollguard.common.redis.RedisConnections;
import java.time.Clock;
import java.util.concurrent.ForkJoinPool;

/** Builds the configured registry backend and the per-pod cache in front of it. */
public final class ModelRegistries {

  private ModelRegistries() {}

  /** The backend named by {@code registry.backend}; the caller closes it. */
  public static ModelRegistry open(RollguardConfig config, Clock clock) {
    RegistrySettings settings = config.registry();
    return switch (settings.backend()) {
      case DIRECTORY ->
          new DirectoryModelRegistry(settings.directory(), settings.bundleTtl(), clock);
      case REDIS ->
          new RedisModelRegistry(
              RedisConnections.open(RedisConnectionSettings.from(config.redis())),
              config.redis().keyPrefix(),
              settings.bundleTtl(),
              clock);
    };
  }

  /**
   * The cache per {@code registry.cache}, refreshing on the common pool, never on a caller's
   * thread.
   */
  public static BundleCache cache(
      RollguardConfig config, ModelRegistry registry, PrometheusRegistry metrics) {
    RegistrySettings.CacheSettings cache = config.registry().cache();
    return new BundleCache(
        registry,
        cache.maxSize(),
        cache.refreshAfter(),
        cache.expireAfter(),
        ForkJoinPool.commonPool(),
        Ticker.systemTicker(),
        metrics);
  }
}
