package io.rollguard.cli.backtest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rollguard.cli.csv.MetricTable;
import io.rollguard.cli.scenario.Effect;
import io.rollguard.cli.scenario.Scenario;
import io.rollguard.cli.scenario.ScenarioData;
import io.rollguard.cli.scenario.ServiceMetric;
import io.rollguard.common.detect.MetricDef;
import io.rollguard.common.detect.ModelBundle;
import io.rollguard.common.detect.TrainingOptions;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetrainingScorerTest {

  static final TrainingOptions OPTS =
      TrainingOptions.builder().modelKind("pca").windowLength(12).build();

  static ScenarioData data(List<Effect> canary) {
    return Scenario.of("r", 4, 2 * 1440, 2 * 1440, List.of(), canary)
        .withMetrics(ServiceMetric.core())
        .generate();
  }

  static List<MetricDef> metrics(ScenarioData d) {
    return d.history().metrics().stream().map(MetricDef::of).toList();
  }

  @Test
  void oneTrainingOnTheWholeTrainSplitScoresLikeTheSingleTrainingBacktest() {
    ScenarioData d = data(List.of(Effect.errorRatio(600, 0.08)));
    double[][] train = d.history().values();
    double[][] test = d.canary().values();
    RetrainingScorer.Result r =
        RetrainingScorer.score(train, test, metrics(d), OPTS, test.length, train.length, 1);
    ModelBundle bundle =
        Backtest.train(
            new MetricTable("h", d.history().metrics(), null, train, 0, true),
            metrics(d),
            OPTS,
            60_000);
    ScoredSeries single =
        CausalScorer.score(
            bundle, new MetricTable("t", d.canary().metrics(), null, test, 0, true), 60_000, 1);
    assertEquals(1, r.trainings());
    // The first W - 1 test rows have a full window here (the train tail is their context).
    for (int t = 11; t < test.length; t++) {
      assertEquals(single.unified()[t], r.scores().unified()[t], 0.0, "row " + t);
      assertEquals(single.alarm()[t], r.scores().alarm()[t], "row " + t);
    }
    assertEquals(0, r.scores().firstScoredRow());
  }

  @Test
  void retrainingOnTheTrailingHistoryAbsorbsALastingChangeWhereOneTrainingAlarmsForEver() {
    // The canary's error ratio moves to 3% at test row 600 and stays: after a retraining without
    // the guard that sees a day of it, the new level is normal (no labels are used).
    ScenarioData d = data(List.of(Effect.errorRatio(600, 0.03)));
    double[][] train = d.history().values();
    double[][] test = d.canary().values();
    RetrainingScorer.Result once =
        RetrainingScorer.score(train, test, metrics(d), OPTS, test.length, 4 * 1440, 1);
    TrainingOptions unguarded = OPTS.toBuilder().maxExcludedFraction(0).build();
    RetrainingScorer.Result daily =
        RetrainingScorer.score(train, test, metrics(d), unguarded, 1440, 4 * 1440, 1);
    assertEquals(2, daily.trainings());
    // With the guard (the default) the young shift (15% of the 4-day lookback) is left out of the
    // retraining; RetrainingBacktestTest shows what that does to the alarms end to end.
    RetrainingScorer.Result guarded =
        RetrainingScorer.score(train, test, metrics(d), OPTS, 1440, 4 * 1440, 1);
    assertEquals(1, guarded.guarded());
    boolean[] lastDayOnce = Arrays.copyOfRange(once.scores().alarm(), 1440 + 720, 2 * 1440);
    boolean[] lastDayDaily = Arrays.copyOfRange(daily.scores().alarm(), 1440 + 720, 2 * 1440);
    assertTrue(
        count(lastDayOnce) > 600,
        "one training keeps alarming on the new level: " + count(lastDayOnce));
    assertTrue(count(lastDayDaily) < 60, "the daily retraining learned it: " + count(lastDayDaily));
    // Before the first retraining both score with the same model.
    assertArrayEquals(
        Arrays.copyOfRange(once.scores().unified(), 0, 1440),
        Arrays.copyOfRange(daily.scores().unified(), 0, 1440));
  }

  private static int count(boolean[] a) {
    int n = 0;
    for (boolean b : a) {
      n += b ? 1 : 0;
    }
    return n;
  }
}
