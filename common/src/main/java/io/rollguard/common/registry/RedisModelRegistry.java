package io.rollguard.common.registry;

import io.rollguard.common.detect.BundleCodec;
import io.rollguard.common.detect.BundleFormatException;
import io.rollguard.common.detect.ModelBundle;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Bundles in Redis, shared by every pod. Key layout (documented in {@code docs/model-registry.md}):
 *
 * <pre>
 *   {prefix}model:{namespace:app}:v:{version}   bundle bytes (BundleCodec format)   PX = bundle TTL
 *   {prefix}model:{namespace:app}:latest        version id (UTF-8)                  PX = bundle TTL
 * </pre>
 *
 * <p>The {@code {namespace:app}} hash tag keeps an entity's keys in one Redis Cluster slot, which
 * the save script needs. Both keys are written by one Lua script, version first, with the same
 * {@code PX} in the same server instant: they expire together, so {@code latest} can never point at
 * an expired version.
 *
 * <p>The Redis pool is the caller's ({@link Backends} owns it in the vertices): the registry does
 * not close it.
 */
public final class RedisModelRegistry implements ModelRegistry {

  private static final byte[] SAVE_SCRIPT =
      ("redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3]); "
              + "redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3]); return 1")
          .getBytes(StandardCharsets.UTF_8);

  private final UnifiedJedis redis;
  private final String keyPrefix;
  private final Duration bundleTtl;
  private final Clock clock;

  public RedisModelRegistry(UnifiedJedis redis, String keyPrefix, Duration bundleTtl, Clock clock) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
    this.bundleTtl = Objects.requireNonNull(bundleTtl, "bundleTtl");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (bundleTtl.isNegative() || bundleTtl.isZero()) {
      throw new IllegalArgumentException("registry.bundleTtl must be > 0, got " + bundleTtl);
    }
  }

  @Override
  public StoredBundle save(EntityId entity, ModelBundle bundle) throws RegistryException {
    byte[] encoded = BundleCodec.encode(bundle);
    BundleVersion version = BundleVersion.create(clock.instant(), BundleCodec.checksumHex(encoded));
    byte[] versionId = version.id().getBytes(StandardCharsets.UTF_8);
    try {
      redis.eval(
          SAVE_SCRIPT,
          List.of(versionKey(entity, version), latestKey(entity)),
          List.of(
              encoded,
              versionId,
              Long.toString(bundleTtl.toMillis()).getBytes(StandardCharsets.UTF_8)));
    } catch (JedisException e) {
      throw new RegistryException(
          "redis: cannot save bundle for " + entity + ": " + e.getMessage(), e);
    }
    return new StoredBundle(entity, version, bundle);
  }

  @Override
  public Optional<StoredBundle> loadLatest(EntityId entity) throws RegistryException {
    byte[] pointer;
    try {
      pointer = redis.get(latestKey(entity));
    } catch (JedisException e) {
      throw new RegistryException(
          "redis: cannot read latest for " + entity + ": " + e.getMessage(), e);
    }
    if (pointer == null) {
      return Optional.empty();
    }
    BundleVersion version;
    try {
      version = BundleVersion.parse(new String(pointer, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new RegistryException(
          "redis: latest pointer of " + entity + " is corrupt: " + e.getMessage(), e);
    }
    return load(entity, version);
  }

  @Override
  public Optional<StoredBundle> load(EntityId entity, BundleVersion version)
      throws RegistryException {
    byte[] encoded;
    try {
      // Sized before it is fetched: a forged or runaway value must not be read into memory.
      long size = redis.strlen(versionKey(entity, version));
      if (size > BundleCodec.MAX_BUNDLE_BYTES) {
        throw new RegistryException(
            "redis: bundle "
                + entity
                + "@"
                + version
                + " rejected: "
                + size
                + " bytes exceed the limit of "
                + BundleCodec.MAX_BUNDLE_BYTES);
      }
      encoded = redis.get(versionKey(entity, version));
    } catch (JedisException e) {
      throw new RegistryException(
          "redis: cannot read bundle " + entity + "@" + version + ": " + e.getMessage(), e);
    }
    if (encoded == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(new StoredBundle(entity, version, BundleCodec.decode(encoded)));
    } catch (BundleFormatException e) {
      throw new RegistryException(
          "redis: bundle " + entity + "@" + version + " rejected: " + e.getMessage(), e);
    }
  }

  @Override
  public List<EntityId> entities() throws RegistryException {
    // {prefix}model:{namespace:app}:latest; SCAN, never KEYS, so a large Redis is not blocked.
    String head = keyPrefix + "model:{";
    String tail = "}:latest";
    List<EntityId> entities = new ArrayList<>();
    for (String key : scan(escapeGlob(head) + "*" + escapeGlob(tail), "entities")) {
      String inner = key.substring(head.length(), key.length() - tail.length());
      int colon = inner.indexOf(':');
      try {
        entities.add(new EntityId(inner.substring(0, colon), inner.substring(colon + 1)));
      } catch (IllegalArgumentException | StringIndexOutOfBoundsException notOurs) {
        // a key that only looks like ours
      }
    }
    entities.sort(Comparator.comparing(EntityId::namespace).thenComparing(EntityId::app));
    return entities;
  }

  @Override
  public List<BundleVersion> versions(EntityId entity) throws RegistryException {
    String head = entityPrefix(entity) + "v:";
    List<BundleVersion> versions = new ArrayList<>();
    for (String key : scan(escapeGlob(head) + "*", "versions of " + entity)) {
      try {
        versions.add(BundleVersion.parse(key.substring(head.length())));
      } catch (IllegalArgumentException notOurs) {
        // a key that only looks like ours
      }
    }
    versions.sort(Comparator.comparing(BundleVersion::id));
    return versions;
  }

  private List<String> scan(String pattern, String what) throws RegistryException {
    List<String> keys = new ArrayList<>();
    ScanParams params = new ScanParams().match(pattern).count(1000);
    String cursor = ScanParams.SCAN_POINTER_START;
    try {
      do {
        ScanResult<String> page = redis.scan(cursor, params);
        keys.addAll(page.getResult());
        cursor = page.getCursor();
      } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    } catch (JedisException e) {
      throw new RegistryException("redis: cannot list " + what + ": " + e.getMessage(), e);
    }
    return keys;
  }

  /** The prefix is configuration: its glob characters must match themselves. */
  private static String escapeGlob(String literal) {
    return literal.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
  }

  @Override
  public String backendName() {
    return "redis";
  }

  byte[] latestKey(EntityId entity) {
    return (entityPrefix(entity) + "latest").getBytes(StandardCharsets.UTF_8);
  }

  byte[] versionKey(EntityId entity, BundleVersion version) {
    return (entityPrefix(entity) + "v:" + version.id()).getBytes(StandardCharsets.UTF_8);
  }

  private String entityPrefix(EntityId entity) {
    return keyPrefix + "model:{" + entity.namespace() + ":" + entity.app() + "}:";
  }
}
