package io.rollguard.inference;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rollguard.common.registry.EntityId;
import io.rollguard.testsupport.SettableTicker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TrainRequestLimiterTest {

  @Test
  void theTrainRequestLimiterLetsOneRequestPerEntityAndIntervalThrough() {
    SettableTicker ticker = new SettableTicker();
    ticker.advance(Duration.ofNanos(1));
    TrainRequestLimiter limiter = new TrainRequestLimiter(Duration.ofMinutes(15), 100, ticker);
    EntityId cart = new EntityId("shop", "cart");
    EntityId checkout = new EntityId("shop", "checkout");
    assertTrue(limiter.tryAcquire(cart));
    assertFalse(limiter.tryAcquire(cart));
    assertTrue(limiter.tryAcquire(checkout), "entities are limited independently");
    ticker.advance(Duration.ofMinutes(15).plusSeconds(1));
    assertTrue(limiter.tryAcquire(cart), "after the interval the entity may ask again");
  }
}
