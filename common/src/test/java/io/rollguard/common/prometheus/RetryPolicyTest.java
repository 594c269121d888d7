package io.rollguard.common.prometheus;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  @Test
  void backoffGrowsExponentiallyUpToTheCap() {
    RetryPolicy policy = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofMillis(350));
    for (int i = 0; i < 200; i++) {
      assertTrue(policy.backoffAfter(1).toMillis() <= 100);
      assertTrue(policy.backoffAfter(2).toMillis() <= 200);
      assertTrue(policy.backoffAfter(9).toMillis() <= 350);
    }
  }

  @Test
  void rejectsInvalidSettings() {
    assertThrows(
        IllegalArgumentException.class, () -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO));
    assertThrows(
        IllegalArgumentException.class,
        () -> new RetryPolicy(2, Duration.ofSeconds(2), Duration.ofSeconds(1)));
  }
}
