package io.rollguard.common.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where model bundles are kept, and the per-pod cache in front of the registry.
 *
 * @param directory root of the directory backend (used when {@code backend} is {@code directory})
 * @param bundleTtl how long a saved bundle version lives
 */
public record RegistrySettings(
    Backend backend, Path directory, Duration bundleTtl, CacheSettings cache) {

  public enum Backend {
    /** A local or mounted directory (the embedded default, one pod or a shared volume). */
    DIRECTORY,
    /** Redis (production: every replica sees the same bundles). */
    REDIS
  }

  /**
   * The Caffeine cache of bundles in each pod.
   *
   * @param maxSize most bundles held (bounds the pod's memory, not the number of entities)
   * @param expireAfter a bundle not read for this long is dropped
   * @param refreshAfter a bundle older than this is reloaded in the background on its next read
   */
  public record CacheSettings(long maxSize, Duration expireAfter, Duration refreshAfter) {
    public CacheSettings {
      Objects.requireNonNull(expireAfter, "expireAfter");
      Objects.requireNonNull(refreshAfter, "refreshAfter");
    }
  }

  public RegistrySettings {
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(bundleTtl, "bundleTtl");
    Objects.requireNonNull(cache, "cache");
  }
}
