package io.rollguard.common.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CalibrationTest {

  @Test
  void scoreMappingIsMonotoneWithDocumentedAnchors() {
    assertEquals(0.0, Calibration.toScore(0.5, 1, 3), 0.0, "below typical is 0");
    assertEquals(0.0, Calibration.toScore(1, 1, 3), 0.0);
    assertEquals(2.5, Calibration.toScore(2, 1, 3), 1e-12);
    assertEquals(5.0, Calibration.toScore(3, 1, 3), 1e-12, "threshold is 5");
    assertEquals(7.5, Calibration.toScore(1 + 2 * Math.E, 1, 3), 1e-12);
    assertTrue(Double.isNaN(Calibration.toScore(Double.NaN, 1, 3)));
    double prev = -1;
    for (double raw = 0; raw < 1e6; raw = raw * 1.3 + 0.01) {
      double s = Calibration.toScore(raw, 1, 3);
      assertTrue(s >= prev && s < 10, "monotone and below 10 at raw=" + raw);
      prev = s;
    }
    assertTrue(
        Calibration.toScore(1e12, 1, 3) < Calibration.toScore(1e13, 1, 3),
        "never saturates in double precision");
  }

  @Test
  void cleanHeldOutDataRarelyAlarms() {
    ModelBundle b = AnomalyModelsTest.trained("pca");
    double[][] clean = SyntheticSeries.generate(6000, 2024);
    double[] scores = SyntheticSeries.unifiedScores(b, clean);
    int alarms = 0;
    for (double s : scores) {
      if (s >= b.calibration().alertLevel()) {
        alarms++;
      }
    }
    assertTrue(
        alarms <= scores.length * 0.002, alarms + " alarms in " + scores.length + " clean windows");
  }

  @Test
  void directionUpIgnoresDrops() {
    List<MetricDef> defs = new ArrayList<>(SyntheticSeries.metrics());
    defs.set(0, new MetricDef("latency", 1, Direction.UP, TransformKind.NONE));
    ModelBundle b =
        DetectorTrainer.train(AnomalyModelsTest.HISTORY, defs, AnomalyModelsTest.options("pca"));
    double[][] down = SyntheticSeries.window(AnomalyModelsTest.FRESH, 800, b.windowLength());
    double[][] up = SyntheticSeries.window(AnomalyModelsTest.FRESH, 800, b.windowLength());
    for (int t = 0; t < down.length; t++) {
      down[t][0] -= 3;
      up[t][0] += 3;
    }
    WindowScore sDown = b.scoreRawWindow(down);
    WindowScore sUp = b.scoreRawWindow(up);
    assertEquals(
        0.0, sDown.perMetric()[0], 0.0, "a latency drop is an improvement, not an anomaly");
    assertTrue(sUp.perMetric()[0] > 5 && sUp.alarm());
    assertTrue(sDown.unified() < sUp.unified());
  }

  @Test
  void weightsShiftTheUnifiedScore() {
    List<MetricDef> heavy = new ArrayList<>(SyntheticSeries.metrics());
    heavy.set(2, new MetricDef("m2", 10, Direction.BOTH, TransformKind.NONE));
    ModelBundle plain = AnomalyModelsTest.trained("pca");
    ModelBundle weighted =
        DetectorTrainer.train(AnomalyModelsTest.HISTORY, heavy, AnomalyModelsTest.options("pca"));
    double[][] win = SyntheticSeries.window(AnomalyModelsTest.FRESH, 1200, plain.windowLength());
    for (double[] row : win) {
      row[2] += 1.0;
    }
    assertTrue(
        weighted.scoreRawWindow(win).attribution()[2] > plain.scoreRawWindow(win).attribution()[2]);
  }

  @Test
  void metricWithoutDataIsReportedAsNaNAndLeftOutOfTheUnifiedScore() {
    ModelBundle b = AnomalyModelsTest.trained("baseline");
    double[][] win = SyntheticSeries.window(AnomalyModelsTest.FRESH, 300, b.windowLength());
    for (double[] row : win) {
      row[4] = Double.NaN;
    }
    WindowScore s = b.scoreRawWindow(win);
    assertTrue(Double.isNaN(s.perMetric()[4]));
    assertEquals(0.0, s.attribution()[4], 0.0);
    assertTrue(Double.isFinite(s.unified()));
  }

  @Test
  void invalidCalibrationFailsNamingTheField() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new CalibrationData(
                    4,
                    4,
                    List.of(MetricCalibration.withoutShiftTest(Direction.UP, 1, 1, 2, 1)),
                    0,
                    1,
                    5,
                    0));
    assertTrue(e.getMessage().contains("metric 0"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> TrainingOptions.builder().alertLevel(11).build());
    IllegalArgumentException k =
        assertThrows(
            IllegalArgumentException.class,
            () -> TrainingOptions.builder().modelKind("svm").build());
    assertTrue(k.getMessage().contains("modelKind"));
  }
}
