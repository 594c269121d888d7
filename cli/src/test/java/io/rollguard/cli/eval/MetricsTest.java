package io.rollguard.cli.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-computed tiny examples for every evaluation metric. */
class MetricsTest {

  private static boolean[] b(int... bits) {
    boolean[] out = new boolean[bits.length];
    for (int i = 0; i < bits.length; i++) {
      out[i] = bits[i] == 1;
    }
    return out;
  }

  // labels: segments [1,3) and [5,6); alarms: runs [0,1), [2,4), [7,8)
  private static final boolean[] LABELS = b(0, 1, 1, 0, 0, 1, 0, 0);
  private static final boolean[] ALARMS = b(1, 0, 1, 1, 0, 0, 0, 1);

  @Test
  void pointMetricsCountEachRow() {
    PointMetrics m = PointMetrics.of(ALARMS, LABELS);
    assertEquals(new PointMetrics(1, 3, 2), m);
    assertEquals(0.25, m.precision(), 1e-12);
    assertEquals(1 / 3.0, m.recall(), 1e-12);
    assertEquals(2 / 7.0, m.f1(), 1e-12);
  }

  @Test
  void pointMetricsWithoutAlarmsOrLabelsAreZeroNotNaN() {
    PointMetrics none = PointMetrics.of(b(0, 0), b(1, 0));
    assertEquals(0, none.precision());
    assertEquals(0, none.f1());
    assertEquals(0, PointMetrics.of(b(1, 0), b(0, 0)).recall());
  }

  @Test
  void eventMetricsFollowTheAnchorDefinitions() {
    EventMetrics e = EventMetrics.of(ALARMS, LABELS, 4);
    assertEquals(2, e.segments());
    assertEquals(1, e.detected());
    assertEquals(List.of(1), e.delays());
    assertEquals(3, e.alarmRuns());
    assertEquals(2, e.falseAlarmRuns()); // [2,4) touches the labelled row 2
    assertEquals(1.0, e.falseAlarmRunsPerDay(), 1e-12); // 2 runs over 8 rows = 2 days
    assertEquals(1.0, e.meanDelay(), 1e-12);
    assertEquals(1 / 3.0, e.alarmRunPrecision(), 1e-12);
  }

  @Test
  void undetectedSeriesHasNaNDelay() {
    EventMetrics e = EventMetrics.of(b(0, 0, 0), b(0, 1, 0), 1440);
    assertEquals(0, e.detected());
    assertTrue(Double.isNaN(e.meanDelay()));
    assertEquals(0, e.falseAlarmRunsPerDay());
  }

  @Test
  void segmentsAreMaximalRunsWithExclusiveEnd() {
    assertEquals(List.of(new Segment(1, 3), new Segment(5, 6)), Segment.fromLabels(LABELS));
    assertEquals(List.of(new Segment(0, 2)), Segment.fromLabels(b(1, 1)));
    assertThrows(IllegalArgumentException.class, () -> new Segment(3, 3));
  }

  @Test
  void bestF1PicksTheBestCutBetweenDistinctScores() {
    double[] scores = {0.9, 0.8, 0.7, 0.1};
    boolean[] labels = b(1, 0, 1, 0);
    // cuts: >=.9 -> 2/3, >=.8 -> 1/2, >=.7 -> 4/5, >=.1 -> 2/3
    assertEquals(0.8, ThresholdFreeMetrics.bestF1(scores, labels), 1e-12);
    assertEquals(0.7, ThresholdFreeMetrics.bestF1Threshold(scores, labels), 1e-12);
    // positives at ranks 1 and 3: (1 + 2/3) / 2
    assertEquals(5 / 6.0, ThresholdFreeMetrics.averagePrecision(scores, labels), 1e-12);
  }

  @Test
  void tiedScoresAreOneThreshold() {
    assertEquals(0.4, ThresholdFreeMetrics.bestF1(new double[] {1, 1, 1, 1}, b(1, 0, 0, 0)), 1e-12);
    assertEquals(
        0.25,
        ThresholdFreeMetrics.averagePrecision(new double[] {1, 1, 1, 1}, b(1, 0, 0, 0)),
        1e-12);
    double[] s = {0.5, 0.5, 0.2};
    boolean[] l = b(1, 0, 1);
    assertEquals(0.8, ThresholdFreeMetrics.bestF1(s, l), 1e-12);
    assertEquals(0.5 * 0.5 + 0.5 * (2 / 3.0), ThresholdFreeMetrics.averagePrecision(s, l), 1e-12);
  }

  @Test
  void perfectScoreGivesOne() {
    double[] s = {0.1, 0.9, 0.8, 0.2};
    boolean[] l = b(0, 1, 1, 0);
    assertEquals(1.0, ThresholdFreeMetrics.bestF1(s, l), 1e-12);
    assertEquals(1.0, ThresholdFreeMetrics.averagePrecision(s, l), 1e-12);
  }

  @Test
  void quantileInterpolatesLinearlyAndIgnoresNaN() {
    double[] v = {4, Double.NaN, 1, 3, 2};
    assertEquals(2.5, Quantile.linear(v, 0.5), 1e-12);
    assertEquals(3.997, Quantile.linear(v, 0.999), 1e-12);
    assertEquals(1, Quantile.linear(v, 0), 1e-12);
    assertEquals(4, Quantile.linear(v, 1), 1e-12);
    assertTrue(Double.isNaN(Quantile.linear(new double[] {Double.NaN}, 0.5)));
  }
}
