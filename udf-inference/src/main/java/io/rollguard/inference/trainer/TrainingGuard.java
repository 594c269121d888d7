package io.rollguard.inference.trainer;

import io.rollguard.common.registry.Backends;
import io.rollguard.common.registry.EntityId;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Who may train an entity now: a lease (one training per entity at a time) and a back-off (no new
 * attempt for a while after a failed or short-data one). {@link RedisTrainingGuard} shares both
 * across every trainer replica; {@link LocalTrainingGuard} is for one trainer process (the embedded
 * directory registry).
 */
public interface TrainingGuard {

  /**
   * The guard for these backends: in the shared Redis when the registry is shared (every trainer
   * replica sees the same leases), else in this process.
   *
   * @param owner written into lease tokens, so an operator sees who trains an entity
   */
  static TrainingGuard on(Backends backends, String owner, Clock clock) {
    return backends
        .sharedRedis()
        .<TrainingGuard>map(
            redis -> new RedisTrainingGuard(redis, backends.redisSettings().keyPrefix(), owner))
        .orElseGet(() -> new LocalTrainingGuard(clock));
  }

  /** A held lease; closing releases it. */
  interface Lease extends AutoCloseable {
    /** Extends the lease; false when it was lost (expired, maybe taken over). */
    boolean renew(Duration ttl);

    @Override
    void close();
  }

  /**
   * Takes the entity's lease for {@code ttl}; empty when another trainer holds it.
   *
   * @throws GuardUnavailableException when the guard's store cannot be reached
   */
  Optional<Lease> tryLease(EntityId entity, Duration ttl);

  /** Whether the entity is backing off after a failed or short-data attempt. */
  boolean inBackoff(EntityId entity);

  /** Starts a back-off of {@code duration} for the entity. */
  void backOff(EntityId entity, Duration duration);

  /** The guard's store (Redis) could not be reached. */
  final class GuardUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public GuardUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
