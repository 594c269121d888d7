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
