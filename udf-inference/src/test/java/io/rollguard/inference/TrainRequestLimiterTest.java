package io.rollguard.inference;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import io.rollguard.common.registry.EntityId;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TrainRequestLimiterTest {

  @Test
  void theTrainRequestLimiterLetsOneRequestPerEntityAndIntervalThrough() {
    AtomicLong nanos = new AtomicLong(1);
    Ticker ticker = nanos::get;
    TrainRequestLimiter limiter = new TrainRequestLimiter(Duration.ofMinutes(15), 100, ticker);
    EntityId cart = new EntityId("shop", "cart");
    EntityId checkout = new EntityId("shop", "checkout");
    assertTrue(limiter.tryAcquire(cart));
    assertFalse(limiter.tryAcquire(cart));
    assertTrue(limiter.tryAcquire(checkout), "entities are limited independently");
    nanos.addAndGet(Duration.ofMinutes(15).plusSeconds(1).toNanos());
    assertTrue(limiter.tryAcquire(cart), "after the interval the entity may ask again");
  }
}
