package io.rollguard.common.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class TrainingRobustnessTest {

  /** 2% of the rows (in bursts, head and tail alike) get large correlated and uncorrelated faults. */
  static double[][] contaminate(double[][] clean, long seed) {
    double[][] x = new double[clean.length][];
    for (int i = 0; i < clean.length; i++) {
      x[i] = clean[i].clone();
    }
    Random rnd = new Random(seed);
    int bursts = clean.length / 500;
    for (int b = 0; b < bursts; b++) {
      int start = rnd.nextInt(clean.length - 10);
      int metric = rnd.nextInt(SyntheticSeries.METRICS);
      double shift = (rnd.nextBoolean() ? 1 : -1) * (5 + 10 * rnd.nextDouble());
      for (int t = start; t < start + 10; t++) {
        x[t][metric] += shift;
      }
    }
    return x;
  }

  @Test
  void anomaliesInTheHistoryBarelyMoveThresholdsOrDetection() {
    ModelBundle clean = AnomalyModelsTest.trained("pca");
    ModelBundle dirty = DetectorTrainer.train(contaminate(AnomalyModelsTest.HISTORY, 5), SyntheticSeries.metrics(),
        AnomalyModelsTest.options("pca"));
    double ratio = dirty.calibration().unifiedThreshold() / clean.calibration().unifiedThreshold();
    assertTrue(ratio > 0.8 && ratio < 1.25, "unified threshold moved by a factor " + ratio);
    for (int j = 0; j < SyntheticSeries.METRICS; j++) {
      // Per-metric thresholds only drive per-metric scores (not the alarm); the model itself may
      // legitimately differ a little, so a looser band.
      double r = dirty.calibration().metricThreshold(j) / clean.calibration().metricThreshold(j);
      assertTrue(r > 0.5 && r < 2, "metric " + j + " threshold moved by a factor " + r);
    }
    double[] cleanScores = SyntheticSeries.unifiedScores(dirty, SyntheticSeries.generate(4000, 77));
    int alarms = 0;
    for (double s : cleanScores) {
      alarms += s >= dirty.calibration().alertLevel() ? 1 : 0;
    }
    assertTrue(alarms <= cleanScores.length * 0.005, "contaminated training: " + alarms + " alarms on clean data");
    assertTrue(dirty.summary().trimmedWindows() > 0);
    double[][] win = SyntheticSeries.window(AnomalyModelsTest.FRESH, 1000, clean.windowLength());
    for (double[] row : win) {
      row[0] += 1.5;
    }
    assertTrue(dirty.scoreRawWindow(win).alarm(), "the contaminated model still catches a correlation break");
  }

  @Test
  void tooShortHistoryFailsWithAClearMessage() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DetectorTrainer.train(SyntheticSeries.generate(40, 1), SyntheticSeries.metrics(), TrainingOptions.defaults()));
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
    ModelBundle b = DetectorTrainer.train(h, ts, SyntheticSeries.metrics(), AnomalyModelsTest.options("baseline"));
    TrainingSummary s = b.summary();
    assertEquals("baseline", s.modelKind());
    assertEquals(h.length, s.rows());
    assertEquals(ts[0], s.firstTimestampMillis());
    assertEquals(ts[ts.length - 1], s.lastTimestampMillis());
    assertEquals(1.0 - 1.0 / (h.length * SyntheticSeries.METRICS), s.coverage(), 1e-12);
    assertEquals(800 - 8 + 1, s.holdoutWindows());
  }
}
