package io.rollguard.common.registry;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.CacheLoader;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.Ticker;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-pod cache in front of the {@link ModelRegistry}, so the hot path does not touch Redis.
 *
 * <ul>
 *   <li>{@link #latest}: bounded, refreshed in the background {@code refreshAfter} a load (a newly
 *       trained version is picked up without blocking a caller), evicted {@code expireAfter}
 *       without use. "No model" is cached too, so an untrained entity costs one registry read per
 *       refresh period, not one per window.
 *   <li>A failed refresh (registry outage) keeps the cached bundle serving; the failure is counted.
 *       There is deliberately no expire-after-write: an outage must not empty a warm cache.
 *   <li>{@link #pinned}: exact versions are immutable, so they are cached without refresh.
 * </ul>
 *
 * <p>Neither method throws: a registry error with nothing cached is answered as "no bundle" and
 * counted, and the caller falls back (inference scores with the fallback model).
 */
public final class BundleCache {

  private static final Logger LOG = LoggerFactory.getLogger(BundleCache.class);

  private record PinnedKey(EntityId entity, BundleVersion version) {}

  private final ModelRegistry registry;
  private final LoadingCache<EntityId, Optional<StoredBundle>> latest;
  private final Cache<PinnedKey, StoredBundle> pinned;
  private final Counter lookups;
  private final Counter registryErrors;

  /**
   * @param maxEntities bound on cached entities (and on cached pinned versions)
   * @param refreshAfter how long after a load the next access triggers a background reload
   * @param expireAfterIdle how long an entity may go unused before it is evicted
   */
  public BundleCache(
      ModelRegistry registry,
      long maxEntities,
      Duration refreshAfter,
      Duration expireAfterIdle,
      Executor executor,
      Ticker ticker,
      PrometheusRegistry metrics) {
    this.registry = Objects.requireNonNull(registry, "registry");
    if (maxEntities < 1) {
      throw new IllegalArgumentException("registry.cache.maxSize must be >= 1, got " + maxEntities);
    }
    this.lookups =
        Counter.builder()
            .name("rollguard_bundle_lookups_total")
            .help("Bundle lookups by kind (latest or pinned version) and result")
            .labelNames("kind", "result")
            .register(metrics);
    this.registryErrors =
        Counter.builder()
            .name("rollguard_registry_errors_total")
            .help("Registry reads that failed (outage or corrupt bundle), by operation")
            .labelNames("backend", "operation")
            .register(metrics);
    this.latest =
        Caffeine.newBuilder()
            .maximumSize(maxEntities)
            .refreshAfterWrite(refreshAfter)
            .expireAfterAccess(expireAfterIdle)
            .executor(executor)
            .ticker(ticker)
            .build(new LatestLoader());
    this.pinned =
        Caffeine.newBuilder()
            .maximumSize(maxEntities)
            .expireAfterAccess(expireAfterIdle)
            .executor(executor)
            .ticker(ticker)
            .build();
  }

  /**
   * The entity's latest bundle as this pod knows it; empty when there is none or the registry is
   * down with nothing cached.
   */
  public Optional<StoredBundle> latest(EntityId entity) {
    Optional<StoredBundle> cached = latest.getIfPresent(entity);
    if (cached != null) {
      lookups.labelValues("latest", "cache_hit").inc();
      return cached;
    }
    try {
      Optional<StoredBundle> loaded = latest.get(entity);
      lookups.labelValues("latest", loaded.isPresent() ? "loaded" : "missing").inc();
      return loaded;
    } catch (CompletionException | IllegalStateException e) {
      lookups.labelValues("latest", "registry_error").inc();
      return Optional.empty();
    }
  }

  /**
   * Exactly this version (the one preprocess pinned); empty when it does not exist or cannot be
   * read.
   */
  public Optional<StoredBundle> pinned(EntityId entity, BundleVersion version) {
    PinnedKey key = new PinnedKey(entity, version);
    StoredBundle cached = pinned.getIfPresent(key);
    if (cached != null) {
      lookups.labelValues("pinned", "cache_hit").inc();
      return Optional.of(cached);
    }
    // The latest cache very often holds the pinned version already: reuse it, no registry read.
    Optional<StoredBundle> fromLatest = latest.getIfPresent(entity);
    if (fromLatest != null
        && fromLatest.isPresent()
        && fromLatest.get().version().equals(version)) {
      pinned.put(key, fromLatest.get());
      lookups.labelValues("pinned", "cache_hit").inc();
      return fromLatest;
    }
    try {
      Optional<StoredBundle> loaded = registry.load(entity, version);
      loaded.ifPresent(b -> pinned.put(key, b));
      lookups.labelValues("pinned", loaded.isPresent() ? "loaded" : "missing").inc();
      return loaded;
    } catch (RegistryException e) {
      registryErrors.labelValues(registry.backendName(), "load_pinned").inc();
      LOG.warn("registry error loading {}@{}: {}", entity, version, e.getMessage());
      lookups.labelValues("pinned", "registry_error").inc();
      return Optional.empty();
    }
  }

  /** Forgets the entity's latest, e.g. right after this pod saved a new version. */
  public void invalidate(EntityId entity) {
    latest.invalidate(entity);
  }

  /** Number of entities whose latest is cached (for the cache-size gauge and benchmarks). */
  public long size() {
    return latest.estimatedSize();
  }

  private final class LatestLoader implements CacheLoader<EntityId, Optional<StoredBundle>> {
    @Override
    public Optional<StoredBundle> load(EntityId entity) throws RegistryException {
      try {
        return registry.loadLatest(entity);
      } catch (RegistryException e) {
        registryErrors.labelValues(registry.backendName(), "load_latest").inc();
        LOG.warn("registry error loading latest of {}: {}", entity, e.getMessage());
        throw e;
      }
    }

    @Override
    public Optional<StoredBundle> reload(EntityId entity, Optional<StoredBundle> old)
        throws RegistryException {
      // Throwing keeps the old value in the cache: an outage keeps serving what we had.
      return load(entity);
    }
  }
}
