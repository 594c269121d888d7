package io.rollguard.common.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class TrainingRobustnessTest {

  /**
   * 2% of the rows (10-row bursts, one per 500 rows, head and tail alike; about 3.4% of the
   * windows) get large faults of 5-15 units (25-75 noise sigmas) on one metric.
   */
  static double[][] contaminate(double[][] clean, long seed) {
    return contaminate(clean, seed, clean.length);
  }

  /** As {@link #contaminate(double[][], long)}, bursts only in rows [0, untilRow). */
  static double[][] contaminate(double[][] clean, long seed, int untilRow) {
    double[][] x = new double[clean.length][];
    for (int i = 0; i < clean.length; i++) {
      x[i] = clean[i].clone();
    }
    Random rnd = new Random(seed);
    int bursts = untilRow / 500;
    for (int b = 0; b < bursts; b++) {
      int start = rnd.nextInt(untilRow - 10);
      int metric = rnd.nextInt(SyntheticSeries.METRICS);
      double shift = (rnd.nextBoolean() ? 1 : -1) * (5 + 10 * rnd.nextDouble());
      for (int t = start; t < start + 10; t++) {
        x[t][metric] += shift;
      }
    }
    return x;
  }

  /**
   * The alarm threshold in DATA units: the smallest shift of one metric (in steps of 0.05) that
   * makes at least half of 20 fresh windows alarm. Unlike the stored thresholds (which are in each
   * model's own normalised units) it is comparable between two differently trained bundles.
   */
  static double detectableShift(ModelBundle b, int metric) {
    for (double delta = 0.05; delta < 20; delta += 0.05) {
      int alarms = 0;
      for (int k = 0; k < 20; k++) {
        double[][] win =
            SyntheticSeries.window(AnomalyModelsTest.FRESH, 100 + 90 * k, b.windowLength());
        for (double[] row : win) {
          row[metric] += delta;
        }
        alarms += b.scoreRawWindow(win).alarm() ? 1 : 0;
      }
      if (alarms >= 10) {
        return delta;
      }
    }
    return Double.POSITIVE_INFINITY;
  }

  private static void assertBarelyChanged(ModelBundle clean, ModelBundle dirty) {
    assertTrue(dirty.summary().trimmedWindows() > 0);
    for (int metric : new int[] {0, 2, 4}) {
      double c = detectableShift(clean, metric);
      double d = detectableShift(dirty, metric);
      assertTrue(
          Double.isFinite(c) && Double.isFinite(d), "metric " + metric + ": " + c + " / " + d);
      assertTrue(
          d / c > 0.67 && d / c < 1.5,
          "metric " + metric + ": shift needed to alarm moved from " + c + " to " + d);
    }
    double[] cleanScores = SyntheticSeries.unifiedScores(dirty, SyntheticSeries.generate(4000, 77));
    int alarms = 0;
    for (double s : cleanScores) {
      alarms += s >= dirty.calibration().alertLevel() ? 1 : 0;
    }
    assertTrue(
        alarms <= cleanScores.length * 0.005,
        "contaminated training: " + alarms + " alarms on clean data");
  }

  @Test
  void anomaliesInTheTrainingPartAreTrimmedAway() {
    // Defaults: 2% anomalous rows in the part the model is fitted on (the first 80%).
    int head = (int) (AnomalyModelsTest.HISTORY.length * 0.8);
    ModelBundle dirty =
        DetectorTrainer.train(
            contaminate(AnomalyModelsTest.HISTORY, 5, head),
            SyntheticSeries.metrics(),
            AnomalyModelsTest.options("pca"));
    assertBarelyChanged(AnomalyModelsTest.trained("pca"), dirty);
  }

  @Test
  void robustTailAlsoToleratesAnomaliesInTheCalibrationTail() {
    // 2% anomalous rows everywhere, including the held-back tail used for k and thresholds.
    TrainingOptions robust = AnomalyModelsTest.options("pca").toBuilder().robustTail(true).build();
    ModelBundle clean =
        DetectorTrainer.train(AnomalyModelsTest.HISTORY, SyntheticSeries.metrics(), robust);
    ModelBundle dirty =
        DetectorTrainer.train(
            contaminate(AnomalyModelsTest.HISTORY, 5), SyntheticSeries.metrics(), robust);
    assertBarelyChanged(clean, dirty);
  }

  @Test
  void tooShortHistoryFailsWithAClearMessage() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                DetectorTrainer.train(
                    SyntheticSeries.generate(40, 1),
                    SyntheticSeries.metrics(),
                    TrainingOptions.builder().windowLength(24).build()));
    assertTrue(e.getMessage().contains("needs at least"), e.getMessage());
  }

  @Test
  void summaryDescribesTheRun() {
    long[] ts = new long[AnomalyModelsTest.HISTORY.length];
    for (int i = 0; i < ts.length; i++) {
      ts[i] = 1_700_000_000_000L + 60_000L * i;
    }
    double[][] h = contaminate(AnomalyModelsTest.HISTORY, 9);
    h[10][1] = Double.NaN;
    ModelBundle b =
        DetectorTrainer.train(
            h, ts, SyntheticSeries.metrics(), AnomalyModelsTest.options("baseline"));
    TrainingSummary s = b.summary();
    assertEquals("baseline", s.modelKind());
    assertEquals(h.length, s.rows());
    assertEquals(ts[0], s.firstTimestampMillis());
    assertEquals(ts[ts.length - 1], s.lastTimestampMillis());
    assertEquals(1.0 - 1.0 / (h.length * SyntheticSeries.METRICS), s.coverage(), 1e-12);
    assertEquals(800 - 8 + 1, s.holdoutWindows());
  }
}
