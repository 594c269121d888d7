package io.rollguard.inference.trainer;

import io.rollguard.common.registry.EntityId;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * The guard shared by all trainer replicas through Redis: the lease is {@link TrainingLease}
 * ({@code SET NX PX} with an owner token); the back-off is a key {@code
 * {prefix}train-backoff:{namespace:app}} written with {@code SET PX}, so it ends by itself and
 * every replica sees it.
 */
public final class RedisTrainingGuard implements TrainingGuard {

  private final UnifiedJedis redis;
  private final TrainingLease leases;
  private final String keyPrefix;

  public RedisTrainingGuard(UnifiedJedis redis, String keyPrefix, String ownerName) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
    this.leases = new TrainingLease(redis, keyPrefix, ownerName);
  }

  @Override
  public Optional<Lease> tryLease(EntityId entity, Duration ttl) {
    Optional<TrainingLease.Held> held;
    try {
      held = leases.tryAcquire(entity, ttl);
    } catch (JedisException e) {
      throw new GuardUnavailableException(
          "cannot take the training lease of " + entity + ": " + e.getMessage(), e);
    }
    return held.map(
        h ->
            new Lease() {
              @Override
              public boolean renew(Duration newTtl) {
                try {
                  return h.renew(newTtl);
                } catch (JedisException e) {
                  return false;
                }
              }

              @Override
              public void close() {
                try {
                  h.close();
                } catch (JedisException e) {
                  // The lease expires on its own TTL; nothing else to do.
                }
              }
            });
  }

  @Override
  public boolean inBackoff(EntityId entity) {
    try {
      return redis.exists(backoffKey(entity));
    } catch (JedisException e) {
      throw new GuardUnavailableException(
          "cannot read the back-off of " + entity + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void backOff(EntityId entity, Duration duration) {
    try {
      redis.set(
          backoffKey(entity),
          Long.toString(System.currentTimeMillis()),
          SetParams.setParams().px(Math.max(1, duration.toMillis())));
    } catch (JedisException e) {
      throw new GuardUnavailableException(
          "cannot write the back-off of " + entity + ": " + e.getMessage(), e);
    }
  }

  String backoffKey(EntityId entity) {
    return keyPrefix + "train-backoff:{" + entity.namespace() + ":" + entity.app() + "}";
  }
}
