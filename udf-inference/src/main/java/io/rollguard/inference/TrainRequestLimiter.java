package io.rollguard.inference;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.rollguard.common.registry.EntityId;
import java.time.Duration;
import java.util.Objects;

/**
 * At most one train request per entity and interval from this pod. Every window of an untrained
 * entity (one per scoring key and step) would otherwise emit a request; the trainer de-duplicates
 * with its lease anyway, but the requests would still fill the train edge.
 *
 * <p>A Caffeine cache with expire-after-write: the first window of an entity inserts it and emits;
 * windows within {@code interval} find it and do not; after the interval the next window emits
 * again, which is the retry if a training was skipped or failed (the trainer backs off for {@code
 * training.retryBackoff}, which is why that is the interval used). Bounded: when more entities are
 * remembered than {@code maxEntities}, the least recently added are forgotten, which at worst emits
 * an extra request. Thread-safe ({@code putIfAbsent} on the cache's map is atomic).
 */
public final class TrainRequestLimiter {

  private final Cache<EntityId, Boolean> recent;

  public TrainRequestLimiter(Duration interval, long maxEntities, Ticker ticker) {
    Objects.requireNonNull(interval, "interval");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("train request interval must be > 0, got " + interval);
    }
    if (maxEntities < 1) {
      throw new IllegalArgumentException("maxEntities must be >= 1, got " + maxEntities);
    }
    this.recent =
        Caffeine.newBuilder()
            .expireAfterWrite(interval)
            .maximumSize(maxEntities)
            .ticker(Objects.requireNonNull(ticker, "ticker"))
            .build();
  }

  /**
   * The limiter the inference vertex uses: interval {@code training.retryBackoff}, at most ten
   * times {@code registry.cache.maxSize} entities remembered.
   */
  public static TrainRequestLimiter of(io.rollguard.common.config.RollguardConfig config) {
    return new TrainRequestLimiter(
        config.training().retryBackoff(),
        config.registry().cache().maxSize() * 10,
        Ticker.systemTicker());
  }

  /**
   * True when this pod has not asked for {@code entity} within the interval (and records it now).
   */
  public boolean tryAcquire(EntityId entity) {
    return recent.asMap().putIfAbsent(entity, Boolean.TRUE) == null;
  }
}
