package io.rollguard.cli.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rollguard.cli.csv.MetricTable;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PcaAnchorTest {

  /** Points on the line y = 2x (+ tiny noise) and a constant third column. */
  private static double[][] line(int n, long seed) {
    Random r = new Random(seed);
    double[][] x = new double[n][];
    for (int i = 0; i < n; i++) {
      double t = r.nextGaussian();
      x[i] = new double[] {t, 2 * t + 1e-3 * r.nextGaussian(), 7.0};
    }
    return x;
  }

  @Test
  void oneComponentExplainsALineAndOffLinePointsScoreHigh() {
    PcaAnchor a = PcaAnchor.fit(line(500, 1));
    assertEquals(1, a.components());
    assertTrue(a.score(new double[] {0.5, 1.0, 7.0}) < 1e-3);
    // (1, -2) is orthogonal to the line: in z units the error is about 2 x (1/sd)^2 per axis.
    assertTrue(a.score(new double[] {1.0, -2.0, 7.0}) > 1.0);
    // A constant training column (sd 0 -> 1) does not crash and a change in it is an error.
    assertEquals(9.0, a.score(new double[] {0.0, 0.0, 10.0}), 0.05);
  }

  @Test
  void detectorAlarmsAboveTheTrainQuantileOnly() {
    double[][] train = line(2000, 2);
    double[][] test = {{0.1, 0.2, 7.0}, {1.0, -2.0, 7.0}};
    DetectorOutput o = new PcaAnchorDetector().run(table(train), table(test));
    assertFalse(o.alarms()[0]);
    assertTrue(o.alarms()[1]);
    assertEquals("k=1", o.note());
  }

  private static MetricTable table(double[][] v) {
    return new MetricTable("t", List.of("a", "b", "c"), null, v, 0, false);
  }
}
