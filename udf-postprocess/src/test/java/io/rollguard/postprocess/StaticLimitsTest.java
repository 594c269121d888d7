package io.rollguard.postprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rollguard.common.config.MetricSpec;
import io.rollguard.common.payload.RawObservations;
import java.util.List;
import org.junit.jupiter.api.Test;

class StaticLimitsTest {

  @Test
  void staticLimitsLookAtTheNewestObservedRawValue() {
    MetricSpec withMax =
        new MetricSpec(
            "errors",
            "q",
            "1",
            1,
            MetricSpec.Direction.UP,
            MetricSpec.Transform.NONE,
            new MetricSpec.StaticLimit(0.2, null));
    MetricSpec withMin =
        new MetricSpec(
            "rate",
            "q",
            "1",
            1,
            MetricSpec.Direction.DOWN,
            MetricSpec.Transform.NONE,
            new MetricSpec.StaticLimit(null, 1.0));
    StaticLimits limits = new StaticLimits(List.of(withMax, withMin));
    assertTrue(limits.any());
    double[][] raw = {{0.5, 5}, {0.1, 5}, {Double.NaN, 0.5}};
    // errors: newest observed is 0.1 (row 2 missing) -> fine; rate: 0.5 < 1 -> breach.
    assertEquals(List.of(1), limits.breaches(RawObservations.of(raw).latest()));
    assertFalse(
        new StaticLimits(
                List.of(
                    new MetricSpec(
                        "x",
                        "q",
                        "1",
                        1,
                        MetricSpec.Direction.UP,
                        MetricSpec.Transform.NONE,
                        null)))
            .any());
  }
}
