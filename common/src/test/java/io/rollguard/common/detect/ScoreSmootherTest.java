package io.rollguard.common.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ScoreSmootherTest {

  private static WindowScore score(double u) {
    return new WindowScore(u, new double[] {u, Double.NaN}, new double[] {1, 0}, u >= 5);
  }

  @Test
  void trailingMeanIsCausal() {
    ScoreSmoother s = new ScoreSmoother(3, 5, 5);
    assertEquals(3.0, s.add(score(3)).unified(), 1e-12);
    assertEquals(4.5, s.add(score(6)).unified(), 1e-12);
    WindowScore third = s.add(score(9));
    assertEquals(6.0, third.unified(), 1e-12);
    assertTrue(third.alarm());
    assertTrue(Double.isNaN(third.perMetric()[1]));
    assertEquals(7.0, s.add(score(6)).unified(), 1e-12, "oldest window dropped");
  }

  @Test
  void hysteresisHoldsTheAlarmUntilTheClearLevel() {
    ScoreSmoother s = new ScoreSmoother(1, 5, 3);
    assertFalse(s.add(score(4.9)).alarm());
    assertTrue(s.add(score(5.0)).alarm());
    assertTrue(s.add(score(3.5)).alarm(), "hovering just under the alert level keeps one alarm");
    assertFalse(s.add(score(2.9)).alarm());
    assertFalse(s.add(score(4.0)).alarm());
    s.add(score(8));
    s.reset();
    assertFalse(s.add(score(4)).alarm());
  }

  @Test
  void defaultsUseTheCalibrationsAlertLevel() {
    ScoreSmoother s = ScoreSmoother.defaults(AnomalyModelsTest.trained("baseline").calibration());
    assertEquals(1, s.span());
    assertEquals(5.0, s.alertLevel(), 0.0);
    assertEquals(2.0, s.clearLevel(), 0.0);
  }
}
