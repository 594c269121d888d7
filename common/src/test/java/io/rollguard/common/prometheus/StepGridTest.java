package io.rollguard.common.prometheus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StepGridTest {

  @Test
  void alignedRoundsStartUpAndEndDownToStepBoundaries() {
    StepGrid grid =
        StepGrid.aligned(
            Instant.ofEpochMilli(60_001), Instant.ofEpochMilli(299_999), Duration.ofMinutes(1));
    assertEquals(120_000, grid.startMillis());
    assertEquals(240_000, grid.endMillis());
    assertEquals(3, grid.points());
  }

  @Test
  void alignedRejectsARangeWithoutABoundary() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            StepGrid.aligned(
                Instant.ofEpochMilli(1), Instant.ofEpochMilli(59_999), Duration.ofMinutes(1)));
  }

  @Test
  void placePutsNaNWhereAStepIsAbsentAndIgnoresOffGridPoints() {
    StepGrid grid = new StepGrid(0, 10, 5);
    RangeSeries series =
        new RangeSeries(
            Map.of("a", "b"),
            new long[] {0, 15, 20, 40},
            new double[] {1, 99, 2, Double.POSITIVE_INFINITY});
    assertArrayEquals(
        new double[] {1, Double.NaN, 2, Double.NaN, Double.POSITIVE_INFINITY}, grid.place(series));
  }

  @Test
  void indexOfOutsideTheGridIsMinusOne() {
    StepGrid grid = new StepGrid(100, 10, 3);
    assertEquals(-1, grid.indexOf(90));
    assertEquals(-1, grid.indexOf(130));
    assertEquals(2, grid.indexOf(120));
  }
}
