package io.rollguard.inference.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rollguard.common.prometheus.StepGrid;
import io.rollguard.common.registry.EntityId;
import io.rollguard.testsupport.SettableClock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The in-memory training guard and the row selection of the history. */
class TrainerPartsTest {

  static final EntityId CART = new EntityId("shop", "cart");

  @Test
  void theLocalGuardGivesOneLeasePerEntityUntilReleasedOrExpired() {
    SettableClock clock = new SettableClock(1_000_000);
    LocalTrainingGuard guard = new LocalTrainingGuard(clock);
    Optional<TrainingGuard.Lease> first = guard.tryLease(CART, Duration.ofMinutes(1));
    assertTrue(first.isPresent());
    assertTrue(guard.tryLease(CART, Duration.ofMinutes(1)).isEmpty());
    assertTrue(guard.tryLease(new EntityId("shop", "other"), Duration.ofMinutes(1)).isPresent());
    assertTrue(first.get().renew(Duration.ofMinutes(1)));
    first.get().close();
    Optional<TrainingGuard.Lease> second = guard.tryLease(CART, Duration.ofMinutes(1));
    assertTrue(second.isPresent(), "released");
    clock.advance(Duration.ofMinutes(2));
    Optional<TrainingGuard.Lease> third = guard.tryLease(CART, Duration.ofMinutes(1));
    assertTrue(third.isPresent(), "expired");
    assertFalse(
        second.get().renew(Duration.ofMinutes(1)),
        "an expired holder cannot renew a lease taken over");
  }

  @Test
  void theLocalBackOffEndsByItself() {
    SettableClock clock = new SettableClock(1_000_000);
    LocalTrainingGuard guard = new LocalTrainingGuard(clock);
    assertFalse(guard.inBackoff(CART));
    guard.backOff(CART, Duration.ofMinutes(15));
    assertTrue(guard.inBackoff(CART));
    clock.advance(Duration.ofMinutes(15));
    assertFalse(guard.inBackoff(CART));
  }

  @Test
  void eachRowComesFromOneKeyPreferringStableAndMissingRowsAtTheEndsAreTrimmed() {
    StepGrid grid = new StepGrid(0, 60_000, 6);
    PrometheusHistorySource.KeySeries stable = new PrometheusHistorySource.KeySeries(true, 2);
    PrometheusHistorySource.KeySeries canary = new PrometheusHistorySource.KeySeries(false, 2);
    // Row 0 and 5: no data anywhere. Row 1-2: both keys. Row 3: only canary. Row 4: stable has one
    // metric.
    for (int t = 1; t <= 4; t++) {
      canary.put(0, t, 100 + t);
      canary.put(1, t, 200 + t);
    }
    stable.put(0, 1, 1);
    stable.put(1, 1, 2);
    stable.put(0, 2, 3);
    stable.put(1, 2, 4);
    stable.put(0, 4, 5);
    History h = PrometheusHistorySource.assemble(grid, List.of(canary, stable), 2, 4, 0);
    assertEquals(4, h.rows());
    assertEquals(60_000, h.timestamps()[0]);
    assertArrayEquals(new double[] {1, 2}, h.values()[0]);
    assertArrayEquals(new double[] {3, 4}, h.values()[1]);
    assertArrayEquals(new double[] {103, 203}, h.values()[2], "only the canary had data");
    assertEquals(5, h.values()[3][0], "the stable key wins even with fewer metrics");
    assertTrue(Double.isNaN(h.values()[3][1]), "and the row is not mixed with the canary's");
    assertEquals(7 / 8.0, h.coverage(), 1e-12);
  }
}
