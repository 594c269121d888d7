package io.rollguard.common.registry;

import io.rollguard.common.detect.ModelBundle;
import java.util.List;
import java.util.Optional;

/**
 * Where model bundles live, one series of versions per entity. Implementations: {@link
 * RedisModelRegistry} (production, shared by all pods) and {@link DirectoryModelRegistry} (the
 * embedded default). Every load verifies the bundle's format version and SHA-256 (through {@link
 * io.rollguard.common.detect.BundleCodec}); a corrupt bundle is a {@link RegistryException}, never
 * a silently wrong model.
 */
public interface ModelRegistry extends AutoCloseable {

  /** Saves a new version: first the version itself, then the {@code latest} pointer. */
  StoredBundle save(EntityId entity, ModelBundle bundle) throws RegistryException;

  /** The version {@code latest} points to; empty when there is none or it has expired. */
  Optional<StoredBundle> loadLatest(EntityId entity) throws RegistryException;

  /** Exactly this version; empty when it does not exist (any more). */
  Optional<StoredBundle> load(EntityId entity, BundleVersion version) throws RegistryException;

  /**
   * Every entity whose {@code latest} version is stored, sorted by namespace and app: for operators
   * ({@code rollguard models list}), not for the hot path (it walks the whole registry).
   */
  List<EntityId> entities() throws RegistryException;

  /** The stored versions of an entity, oldest first; each expires on its own TTL. */
  List<BundleVersion> versions(EntityId entity) throws RegistryException;

  /** A short name for logs and metric labels: {@code redis} or {@code directory}. */
  String backendName();

  @Override
  default void close() {}
}
