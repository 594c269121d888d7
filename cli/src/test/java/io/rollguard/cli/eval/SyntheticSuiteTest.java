package io.rollguard.cli.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rollguard.cli.backtest.ScoredSeries;
import io.rollguard.cli.scenario.EffectKind;
import io.rollguard.cli.scenario.ScenarioData;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyntheticSuiteTest {

  private static ScoredSeries alarmsAt(int rows, int... alarmed) {
    boolean[] a = new boolean[rows];
    double[] u = new double[rows];
    for (int t : alarmed) {
      a[t] = true;
      u[t] = 6;
    }
    return new ScoredSeries(List.of("m"), u, a, new double[rows][1], new double[rows][1], 0);
  }

  private static final SyntheticSuite.SyntheticCase STEP =
      new SyntheticSuite.SyntheticCase("step", List.of(), List.of(), 10, 10);
  private static final SyntheticSuite.SyntheticCase CLEAN =
      new SyntheticSuite.SyntheticCase("clean", List.of(), List.of(), -1, -1);

  @Test
  void alarmFiveStepsAfterOnsetCountsSixDoesNot() {
    assertTrue(SyntheticSuite.evaluate(STEP, "pca", 1, alarmsAt(30, 15), alarmsAt(30)).detected());
    SyntheticSuite.CaseResult late =
        SyntheticSuite.evaluate(STEP, "pca", 1, alarmsAt(30, 16), alarmsAt(30));
    assertFalse(late.detected());
    assertEquals(6, late.delayFromOnset());
    SyntheticSuite.CaseResult none =
        SyntheticSuite.evaluate(STEP, "pca", 1, alarmsAt(30), alarmsAt(30));
    assertFalse(none.detected());
    assertEquals(-1, none.delayFromOnset());
  }

  @Test
  void gradualCaseIsJudgedFromItsTwoSigmaPoint() {
    SyntheticSuite.SyntheticCase leak =
        new SyntheticSuite.SyntheticCase("leak", List.of(), List.of(), 10, 16);
    SyntheticSuite.CaseResult r =
        SyntheticSuite.evaluate(leak, "pca", 1, alarmsAt(40, 21), alarmsAt(40));
    assertTrue(r.detected());
    assertEquals(11, r.delayFromOnset());
  }

  @Test
  void falseAlarmsCountBeforeOnsetForARegressionAndOverTheWholeRunForACleanCase() {
    SyntheticSuite.CaseResult r =
        SyntheticSuite.evaluate(STEP, "pca", 1, alarmsAt(30, 2, 3, 12), alarmsAt(30, 3));
    assertEquals(2, r.canaryFalseAlarmRows());
    assertEquals(12, r.firstAlarm());
    assertEquals(1, r.stableAlarmRows());
    SyntheticSuite.CaseResult clean =
        SyntheticSuite.evaluate(CLEAN, "pca", 1, alarmsAt(30, 5, 20), alarmsAt(30, 17, 18, 20));
    assertEquals(2, clean.canaryFalseAlarmRows());
    assertEquals(-1, clean.firstAlarm());
    assertEquals(3, clean.stableAlarmRows());
    assertEquals(6.0, clean.maxCanaryScore());
  }

  @Test
  void theTableReportsTheDetectorOnlyAndNamesNoCanaryVersusStableRule() {
    SyntheticSuite.CaseResult r =
        SyntheticSuite.evaluate(STEP, "pca", 1, alarmsAt(30, 2, 12), alarmsAt(30, 3));
    String table = EvaluateSyntheticCommand.table(List.of(r), 1);
    assertTrue(table.contains("| step | pca | 1/1 | 2 | 1 | 1 | 6.00 |"), table);
    assertFalse(table.toLowerCase(java.util.Locale.ROOT).contains("gate"), table);
  }

  @Test
  void suiteCoversEveryRegressionKindAndTwoCleanCanaries() {
    SyntheticSuite suite = SyntheticSuite.standard();
    List<SyntheticSuite.SyntheticCase> cases = suite.cases();
    assertEquals(5, cases.stream().filter(SyntheticSuite.SyntheticCase::regression).count());
    assertEquals(2, cases.stream().filter(c -> !c.regression()).count());
    for (EffectKind k : EffectKind.values()) {
      if (k == EffectKind.CPU_INCREASE) {
        continue; // added for the canary benchmark (CanaryScenario), not part of this suite
      }
      assertTrue(
          cases.stream()
              .anyMatch(
                  c ->
                      c.canary().stream().anyMatch(e -> e.kind() == k)
                          || c.shared().stream().anyMatch(e -> e.kind() == k)),
          "no case for " + k);
    }
    ScenarioData d = suite.scenario(cases.get(0), 1).generate();
    assertEquals(8 * 1440, d.history().rows());
    assertEquals(120, d.canary().firstLabelledRow());
  }
}
