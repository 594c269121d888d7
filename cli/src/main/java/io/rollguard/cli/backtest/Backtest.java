package io.rollguard.cli.backtest;

import io.rollguard.cli.csv.MetricTable;
import io.rollguard.common.detect.DetectorTrainer;
import io.rollguard.common.detect.MetricDef;
import io.rollguard.common.detect.ModelBundle;
import io.rollguard.common.detect.TrainingOptions;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Train on one table, score another causally, with the detection core's own classes ({@link
 * DetectorTrainer}, {@link ModelBundle}); this class only lines up columns and time.
 */
public final class Backtest {

  private Backtest() {}

  /** Every column of the train table as a metric with weight 1, both directions, no transform. */
  public static List<MetricDef> allColumns(MetricTable train) {
    return train.metrics().stream().map(MetricDef::of).toList();
  }

  /**
   * {@code table}'s columns in the order of {@code metrics}. When both files have a header, columns
   * are matched by name; when either has none, by position (the column counts must then agree).
   */
  public static MetricTable align(MetricTable table, MetricTable train, List<MetricDef> metrics) {
    List<String> names = metrics.stream().map(MetricDef::name).toList();
    if (table.hasHeader() && train.hasHeader()) {
      return table.select(names);
    }
    if (table.metrics().size() != train.metrics().size()) {
      throw new IllegalArgumentException(
          table.source()
              + " has "
              + table.metrics().size()
              + " metric columns but "
              + train.source()
              + " has "
              + train.metrics().size()
              + " (without a header on both files, columns are matched by position)");
    }
    MetricTable renamed =
        new MetricTable(
            table.source(),
            train.metrics(),
            table.timestamps(),
            table.values(),
            table.unreadableCells(),
            table.hasHeader());
    return renamed.select(names);
  }

  /** Trains on the whole train table (gaps in its timestamps become missing rows). */
  public static ModelBundle train(
      MetricTable train, List<MetricDef> metrics, TrainingOptions opts, long stepMillis) {
    MetricTable aligned = train.select(metrics.stream().map(MetricDef::name).toList());
    RowSteps grid = RowSteps.of(aligned, stepMillis);
    double[][] history = grid.regrid(aligned.values(), metrics.size());
    long[] timestamps = null;
    if (aligned.hasTimestamps()) {
      timestamps = new long[history.length];
      for (int s = 0; s < timestamps.length; s++) {
        timestamps[s] = aligned.timestamps()[0] + s * stepMillis;
      }
    }
    return DetectorTrainer.train(history, timestamps, metrics, opts);
  }

  /**
   * Scores every row of {@code test} following the trainer's lifecycle ({@link RetrainingScorer}):
   * TEST continues TRAIN in time (both are put on the step grid; when both have timestamps, the
   * steps between them are missing rows, at most a lookback of them), the first model is trained on
   * the trailing {@code lookbackSteps} of TRAIN and replaced every {@code everySteps}.
   *
   * @param test already aligned to {@code metrics}
   */
  public static RetrainingScorer.Result retraining(
      MetricTable train,
      MetricTable test,
      List<MetricDef> metrics,
      TrainingOptions opts,
      long stepMillis,
      int everySteps,
      int lookbackSteps,
      int smoothingSpan) {
    MetricTable alignedTrain = train.select(metrics.stream().map(MetricDef::name).toList());
    int m = metrics.size();
    double[][] history = RowSteps.of(alignedTrain, stepMillis).regrid(alignedTrain.values(), m);
    RowSteps testGrid = RowSteps.of(test, stepMillis);
    double[][] scored = testGrid.regrid(test.values(), m);
    int gap = 0;
    if (alignedTrain.hasTimestamps() && test.hasTimestamps() && alignedTrain.rows() > 0) {
      long[] a = alignedTrain.timestamps();
      long[] b = test.timestamps();
      long steps = Math.round((b[0] - a[a.length - 1]) / (double) stepMillis);
      if (steps < 1) {
        throw new IllegalArgumentException(
            test.source()
                + " starts before "
                + train.source()
                + " ends: with retraining, TEST must continue TRAIN in time (or use --retrain-every 0)");
      }
      gap = (int) Math.min(steps - 1, lookbackSteps);
    }
    double[][] before = new double[history.length + gap][];
    System.arraycopy(history, 0, before, 0, history.length);
    for (int g = history.length; g < before.length; g++) {
      before[g] = new double[m];
      java.util.Arrays.fill(before[g], Double.NaN);
    }
    RetrainingScorer.Result r =
        RetrainingScorer.score(
            before, scored, metrics, opts, everySteps, lookbackSteps, smoothingSpan);
    // Back from grid steps to the table's rows.
    ScoredSeries g = r.scores();
    int n = test.rows();
    double[] unified = new double[n];
    boolean[] alarm = new boolean[n];
    double[][] perMetric = new double[n][];
    double[][] attribution = new double[n][];
    int first = n;
    for (int i = 0; i < n; i++) {
      int slot = testGrid.slot(i);
      unified[i] = g.unified()[slot];
      alarm[i] = g.alarm()[slot];
      perMetric[i] = g.perMetric()[slot];
      attribution[i] = g.attribution()[slot];
      if (first == n && slot >= g.firstScoredRow()) {
        first = i;
      }
    }
    return r.withScores(
        new ScoredSeries(g.metrics(), unified, alarm, perMetric, attribution, first));
  }

  /** Scores every row of {@code test} (already aligned to the bundle's metrics). */
  public static ScoredSeries score(
      ModelBundle bundle,
      MetricTable test,
      long stepMillis,
      int smoothingSpan,
      int progressEvery,
      IntConsumer progress) {
    return CausalScorer.score(
        bundle,
        test.values(),
        RowSteps.of(test, stepMillis),
        smoothingSpan,
        progressEvery,
        progress);
  }
}
