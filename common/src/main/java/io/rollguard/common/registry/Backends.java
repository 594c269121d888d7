package io.rollguard.common.registry;

import com.github.benmanes.caffeine.cache.Ticker;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.config.RedisSettings;
import io.rollguard.common.config.RegistrySettings;
import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.config.Urls;
import io.rollguard.common.redis.RedisConnections;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ForkJoinPool;
import redis.clients.jedis.JedisPooled;

/**
 * The shared state one process reaches through its configuration: at most one Redis connection pool
 * and the model registry that {@code registry.backend} selects. Every vertex main and the local run
 * open it once and close it at exit; the modules build their own parts on it (the trainer's lease,
 * the anomaly store's reader and writer, the source's offset).
 *
 * <p>With {@code registry.backend: redis} (a cluster: every pod shares one registry) the registry,
 * the training lease and the anomaly store all use the one pool. With {@code directory} (local
 * runs) nothing needs Redis unless a part asks for it ({@link #redis()}). Each part is opened on
 * first use (a vertex that never asks for the registry never touches its directory or Redis keys),
 * and a pool connects on its first command.
 */
public final class Backends implements AutoCloseable {

  private final RollguardConfig config;
  private final Clock clock;
  private ModelRegistry registry;
  private JedisPooled redis;

  private Backends(RollguardConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  /** The backends {@code config} selects; the caller closes them. */
  public static Backends open(RollguardConfig config, Clock clock) {
    return new Backends(config, clock);
  }

  /** The model registry of {@code registry.backend}, opened on the first call. */
  public synchronized ModelRegistry registry() {
    if (registry == null) {
      RegistrySettings settings = config.registry();
      registry =
          switch (settings.backend()) {
            case DIRECTORY ->
                new DirectoryModelRegistry(settings.directory(), settings.bundleTtl(), clock);
            case REDIS ->
                new RedisModelRegistry(
                    redis(), config.redis().keyPrefix(), settings.bundleTtl(), clock);
          };
    }
    return registry;
  }

  /** Whether the registry lives in Redis, shared by every pod (then so do leases and the store). */
  public boolean shared() {
    return config.registry().backend() == RegistrySettings.Backend.REDIS;
  }

  /**
   * The process's one Redis pool ({@code redis.*}), opened on the first call.
   *
   * @throws IllegalStateException when {@code redis.url} is a Redis Cluster node, which Rollguard
   *     cannot use (checked when the server answers)
   */
  public synchronized JedisPooled redis() {
    if (redis == null) {
      JedisPooled pool = RedisConnections.open(config.redis());
      try {
        RedisConnections.requireStandalone(pool, config.redis());
      } catch (IllegalStateException e) {
        pool.close();
        throw e;
      }
      redis = pool;
    }
    return redis;
  }

  /** The {@code redis} settings the pool is opened with (key prefix, URL for messages). */
  public RedisSettings redisSettings() {
    return config.redis();
  }

  /** The Redis pool when the registry is shared, else empty. */
  public Optional<JedisPooled> sharedRedis() {
    return shared() ? Optional.of(redis()) : Optional.empty();
  }

  /**
   * The per-pod bundle cache of {@code registry.cache} in front of the registry, refreshing on the
   * common pool, never on a caller's thread.
   */
  public BundleCache bundleCache(PrometheusRegistry metrics) {
    RegistrySettings.CacheSettings cache = config.registry().cache();
    return new BundleCache(
        registry(),
        cache.maxSize(),
        cache.refreshAfter(),
        cache.expireAfter(),
        ForkJoinPool.commonPool(),
        Ticker.systemTicker(),
        metrics);
  }

  /** What the registry is, for a start-up line (credentials redacted). */
  public String describe() {
    return shared()
        ? "Redis registry at " + Urls.redact(config.redis().url())
        : "directory registry " + config.registry().directory();
  }

  @Override
  public synchronized void close() {
    if (registry != null) {
      registry.close();
    }
    if (redis != null) {
      redis.close();
    }
  }
}
