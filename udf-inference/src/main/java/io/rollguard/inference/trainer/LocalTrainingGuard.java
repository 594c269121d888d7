package io.rollguard.inference.trainer;

import io.rollguard.common.registry.EntityId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The guard of a single trainer process (directory registry, local mode): leases and back-offs in
 * memory. With several trainer replicas use the Redis registry, whose guard is shared.
 */
public final class LocalTrainingGuard implements TrainingGuard {

  private final Clock clock;
  private final ConcurrentHashMap<EntityId, Instant> leases = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<EntityId, Instant> backoffs = new ConcurrentHashMap<>();

  public LocalTrainingGuard(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public Optional<Lease> tryLease(EntityId entity, Duration ttl) {
    Instant now = clock.instant();
    Instant[] mine = {null};
    leases.compute(
        entity,
        (e, until) -> {
          if (until != null && until.isAfter(now)) {
            return until;
          }
          mine[0] = now.plus(ttl);
          return mine[0];
        });
    if (mine[0] == null) {
      return Optional.empty();
    }
    Instant[] held = {mine[0]};
    return Optional.of(
        new Lease() {
          @Override
          public boolean renew(Duration newTtl) {
            Instant until = clock.instant().plus(newTtl);
            boolean ok = leases.replace(entity, held[0], until);
            if (ok) {
              held[0] = until;
            }
            return ok;
          }

          @Override
          public void close() {
            leases.remove(entity, held[0]);
          }
        });
  }

  @Override
  public boolean inBackoff(EntityId entity) {
    Instant until = backoffs.get(entity);
    if (until == null) {
      return false;
    }
    if (!until.isAfter(clock.instant())) {
      backoffs.remove(entity, until);
      return false;
    }
    return true;
  }

  @Override
  public void backOff(EntityId entity, Duration duration) {
    backoffs.put(entity, clock.instant().plus(duration));
  }
}
