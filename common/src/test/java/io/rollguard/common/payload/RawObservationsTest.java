package io.rollguard.common.payload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RawObservationsTest {

  private static final double NA = Double.NaN;

  @Test
  void newestRowLatestValuePerMetricAndPresentCells() {
    double[][] raw = {
      {1, 10, NA},
      {2, NA, NA},
      {3, NA, NA}
    };
    RawObservations observed = RawObservations.of(raw);
    assertArrayEquals(new double[] {3, NA, NA}, observed.newest());
    // metric 1 was last seen two rows back, metric 2 never.
    assertArrayEquals(new double[] {3, 10, NA}, observed.latest());
    assertEquals(4, observed.presentCells());
    assertEquals(3, observed.metricCount());
  }

  @Test
  void anEmptyWindowHasNoMetricsAndNoCells() {
    RawObservations observed = RawObservations.of(new double[0][]);
    assertEquals(0, observed.metricCount());
    assertEquals(0, observed.presentCells());
  }

  @Test
  void theFactoryDoesNotAliasTheWindow() {
    double[][] raw = {{1, 2}};
    RawObservations observed = RawObservations.of(raw);
    raw[0][0] = 99;
    assertEquals(1, observed.newest()[0]);
  }

  @Test
  void latestMustAgreeWithAPresentNewestValue() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new RawObservations(new double[] {1, NA}, new double[] {2, 5}, 2));
    assertTrue(e.getMessage().contains("latest[0] must equal newest[0]"), e.getMessage());
  }

  @Test
  void infinitiesAreRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> RawObservations.of(new double[][] {{Double.POSITIVE_INFINITY, 1}, {NA, 2}}));
    assertTrue(e.getMessage().contains("finite or missing"), e.getMessage());
  }

  @Test
  void equalByContent() {
    assertEquals(
        new RawObservations(new double[] {NA, 1}, new double[] {3, 1}, 2),
        new RawObservations(new double[] {NA, 1}, new double[] {3, 1}, 2));
    assertEquals(
        new RawObservations(new double[] {NA, 1}, new double[] {3, 1}, 2).hashCode(),
        new RawObservations(new double[] {NA, 1}, new double[] {3, 1}, 2).hashCode());
  }
}
