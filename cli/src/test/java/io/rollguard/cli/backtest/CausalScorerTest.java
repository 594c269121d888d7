package io.rollguard.cli.backtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rollguard.cli.csv.MetricTable;
import io.rollguard.cli.scenario.Effect;
import io.rollguard.cli.scenario.Scenario;
import io.rollguard.cli.scenario.ScenarioData;
import io.rollguard.cli.scenario.ServiceMetric;
import io.rollguard.common.detect.MetricDef;
import io.rollguard.common.detect.ModelBundle;
import io.rollguard.common.detect.ScoreSmoother;
import io.rollguard.common.detect.TrainingOptions;
import io.rollguard.common.detect.WindowScore;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CausalScorerTest {

  private static MetricTable table(io.rollguard.cli.scenario.SeriesRows rows) {
    return new MetricTable("t", rows.metrics(), rows.timestamps(), rows.values(), 0, true);
  }

  @Test
  void eachRowScoresExactlyLikeTheBundleOnTheWindowEndingThere() {
    ScenarioData d =
        Scenario.of("e", 3, 2 * 1440, 120, List.of(), List.of(Effect.errorRatio(60, 0.08)))
            .withMetrics(ServiceMetric.core())
            .withMissingFraction(0.02)
            .generate();
    List<MetricDef> metrics = d.history().metrics().stream().map(MetricDef::of).toList();
    MetricTable train = table(d.history());
    ModelBundle bundle =
        Backtest.train(train, metrics, TrainingOptions.builder().windowLength(24).build(), 60_000);
    MetricTable test = table(d.canary());
    ScoredSeries s = CausalScorer.score(bundle, test, 60_000, 1);
    int w = bundle.windowLength();
    assertEquals(w - 1, s.firstScoredRow());
    ScoreSmoother rule = ScoreSmoother.defaults(bundle.calibration());
    int alarms = 0;
    for (int t = w - 1; t < test.rows(); t++) {
      WindowScore ref = bundle.scoreRawWindow(Arrays.copyOfRange(test.values(), t - w + 1, t + 1));
      assertEquals(ref.unified(), s.unified()[t], 0.0, "row " + t);
      assertEquals(rule.add(ref).alarm(), s.alarm()[t], "row " + t);
      alarms += s.alarm()[t] ? 1 : 0;
      for (int j = 0; j < metrics.size(); j++) {
        assertEquals(ref.perMetric()[j], s.perMetric()[t][j], 0.0, "row " + t + " metric " + j);
      }
    }
    assertTrue(
        alarms > 0, "the error-ratio jump must alarm, or the alarm comparison proves nothing");
  }

  @Test
  void stepGridRejectsTimestampsThatDoNotIncrease() {
    MetricTable t =
        new MetricTable(
            "dup.csv",
            List.of("a"),
            new long[] {0, 60_000, 60_000},
            new double[][] {{1}, {2}, {3}},
            0,
            true);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RowSteps.of(t, 60_000));
    assertEquals(true, e.getMessage().contains("dup.csv"));
  }

  @Test
  void stepGridPlacesRowsAndFillsGapsWithNaN() {
    MetricTable t =
        new MetricTable(
            "g",
            List.of("a"),
            new long[] {0, 60_000, 240_000},
            new double[][] {{1}, {2}, {5}},
            0,
            true);
    RowSteps g = RowSteps.of(t, 60_000);
    assertEquals(4, g.slot(2));
    double[][] grid = g.regrid(t.values(), 1);
    assertEquals(5, grid.length);
    assertEquals(2.0, grid[1][0]);
    assertEquals(true, Double.isNaN(grid[2][0]) && Double.isNaN(grid[3][0]));
    assertEquals(5.0, grid[4][0]);
  }
}
