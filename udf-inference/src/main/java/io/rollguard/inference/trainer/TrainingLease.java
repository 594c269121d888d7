package io.rollguard.inference.trainer;

import io.rollguard.common.registry.EntityId;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/**
 * One training per entity at a time across every trainer replica: a Redis {@code SET key token NX
 * PX ttl} lease with a random owner token.
 *
 * <p>Release and renewal are compare-and-act Lua scripts on the token, so a trainer whose lease
 * already expired (a long GC pause, a slow fit) can never delete or extend the lease another
 * replica took over since. A trainer that dies simply lets the lease expire.
 *
 * <p>Key: {@code {prefix}train-lease:{namespace:app}}.
 */
public final class TrainingLease {

  private static final String RELEASE =
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";
  private static final String RENEW =
      "if redis.call('GET', KEYS[1]) == ARGV[1] then "
          + "return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final UnifiedJedis redis;
  private final String keyPrefix;
  private final String ownerPrefix;

  /**
   * @param ownerName who holds leases taken through this instance, e.g. the pod name; written into
   *     the token so an operator can see who trains an entity
   */
  public TrainingLease(UnifiedJedis redis, String keyPrefix, String ownerName) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
    this.ownerPrefix = Objects.requireNonNull(ownerName, "ownerName") + ":";
  }

  /** A held lease; release it when training ends (success or failure). */
  public final class Held implements AutoCloseable {
    private final EntityId entity;
    private final String token;

    private Held(EntityId entity, String token) {
      this.entity = entity;
      this.token = token;
    }

    public EntityId entity() {
      return entity;
    }

    public String token() {
      return token;
    }

    /** Extends the lease; false when it was lost (expired and maybe taken by someone else). */
    public boolean renew(Duration ttl) {
      Object result =
          redis.eval(RENEW, List.of(key(entity)), List.of(token, Long.toString(ttl.toMillis())));
      return Long.valueOf(1L).equals(result);
    }

    /** Releases the lease if this holder still owns it; idempotent. */
    @Override
    public void close() {
      redis.eval(RELEASE, List.of(key(entity)), List.of(token));
    }
  }

  /** Tries to take the entity's lease for {@code ttl}; empty when another holder has it. */
  public Optional<Held> tryAcquire(EntityId entity, Duration ttl) {
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("lease ttl must be > 0, got " + ttl);
    }
    byte[] nonce = new byte[12];
    RANDOM.nextBytes(nonce);
    String token = ownerPrefix + HexFormat.of().formatHex(nonce);
    String reply = redis.set(key(entity), token, SetParams.setParams().nx().px(ttl.toMillis()));
    return "OK".equals(reply) ? Optional.of(new Held(entity, token)) : Optional.empty();
  }

  /** The current holder's token, if any (for logs and tests). */
  public Optional<String> holder(EntityId entity) {
    return Optional.ofNullable(redis.get(key(entity)));
  }

  String key(EntityId entity) {
    return keyPrefix + "train-lease:{" + entity.namespace() + ":" + entity.app() + "}";
  }
}
