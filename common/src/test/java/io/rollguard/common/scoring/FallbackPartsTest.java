package io.rollguard.common.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import io.rollguard.common.config.MetricSpec;
import io.rollguard.common.detect.Calibration;
import io.rollguard.common.detect.Direction;
import io.rollguard.common.detect.MetricDef;
import io.rollguard.common.detect.TransformKind;
import io.rollguard.common.detect.WindowScore;
import io.rollguard.common.registry.EntityId;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The fallback scorer, its calibration, the static limits and the train-request limiter. */
class FallbackPartsTest {

  private static final TransformKind[] TWO_PLAIN = {TransformKind.NONE, TransformKind.NONE};

  /** 12 rows: metric 0 noisy around 100, metric 1 constant 5; NaN in row 2 of metric 0. */
  private static double[][] window() {
    double[] noise = {0.3, -0.8, 0.5, 1.1, -0.4, 0.2, -1.0, 0.6, -0.2, 0.9, -0.6, 0.1};
    double[][] w = new double[12][2];
    for (int i = 0; i < 12; i++) {
      w[i][0] = 100 + noise[i];
      w[i][1] = 5;
    }
    w[2][0] = Double.NaN;
    return w;
  }

  @Test
  void robustZMeasuresTheNewestRowsAgainstTheEarlierOnesAndKeepsMissingCellsMissing() {
    double[][] w = window();
    for (int i = 9; i < 12; i++) {
      w[i][0] += 20;
    }
    double[][] z = new RobustZ(TWO_PLAIN, 3, 10).score(w);
    assertTrue(Double.isNaN(z[2][0]));
    for (int i = 0; i < 9; i++) {
      if (i != 2) {
        assertTrue(Math.abs(z[i][0]) < 3, "reference rows are ordinary: " + Arrays.toString(z[i]));
      }
    }
    for (int i = 9; i < 12; i++) {
      assertEquals(10.0, z[i][0], "a 20-unit shift on ~0.6 noise is clipped at 10");
    }
    // A constant column: floor scale (1% of 5), every row z = 0.
    assertEquals(0.0, z[11][1]);
  }

  @Test
  void robustZHandlesAMetricWithoutAnyValue() {
    double[][] w = window();
    for (double[] row : w) {
      row[1] = Double.NaN;
    }
    double[][] z = new RobustZ(TWO_PLAIN, 3, 10).score(w);
    for (double[] row : z) {
      assertTrue(Double.isNaN(row[1]));
    }
  }

  @Test
  void theFallbackCalibrationPutsOrdinaryNoiseAtZeroAndASustainedThreeSigmaShiftAtFive() {
    List<MetricDef> defs = List.of(new MetricDef("a", 1, Direction.BOTH, TransformKind.NONE),
        new MetricDef("b", 1, Direction.UP, TransformKind.NONE));
    Calibration calibration = FallbackCalibration.create(defs, 12);
    double[][] noise = new double[12][2];
    for (double[] row : noise) {
      row[0] = 0.9;
      row[1] = -3; // an improvement for an "up" metric
    }
    WindowScore calm = calibration.score(noise);
    assertEquals(0.0, calm.unified());
    assertEquals(0.0, calm.perMetric()[1]);
    double[][] shifted = new double[12][2];
    for (int i = 12 - FallbackCalibration.scoredRows(12); i < 12; i++) {
      shifted[i][0] = 3;
    }
    assertEquals(5.0, calibration.score(shifted).perMetric()[0], 1e-9);
  }

  @Test
  void staticLimitsLookAtTheNewestObservedRawValue() {
    MetricSpec withMax = new MetricSpec("errors", "q", "1", 1, MetricSpec.Direction.UP,
        MetricSpec.Transform.NONE, new MetricSpec.StaticLimit(0.2, null));
    MetricSpec withMin = new MetricSpec("rate", "q", "1", 1, MetricSpec.Direction.DOWN,
        MetricSpec.Transform.NONE, new MetricSpec.StaticLimit(null, 1.0));
    StaticLimits limits = new StaticLimits(List.of(withMax, withMin));
    assertTrue(limits.any());
    double[][] raw = {{0.5, 5}, {0.1, 5}, {Double.NaN, 0.5}};
    // errors: newest observed is 0.1 (row 2 missing) -> fine; rate: 0.5 < 1 -> breach.
    assertEquals(List.of(1), limits.breaches(raw));
    assertFalse(new StaticLimits(List.of(new MetricSpec("x", "q", "1", 1, MetricSpec.Direction.UP,
        MetricSpec.Transform.NONE, null))).any());
  }

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
