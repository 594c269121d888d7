package io.rollguard.common.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fallback scorer (robust z against the window) and its calibration. */
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
    List<MetricDef> defs =
        List.of(
            new MetricDef("a", 1, Direction.BOTH, TransformKind.NONE),
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
}
