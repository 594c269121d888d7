package io.rollguard.cli.backtest;

import io.rollguard.cli.csv.MetricTable;
import io.rollguard.common.detect.AnomalyModel;
import io.rollguard.common.detect.FittedTransforms;
import io.rollguard.common.detect.ModelBundle;
import io.rollguard.common.detect.ScoreSmoother;
import io.rollguard.common.detect.WindowScore;
import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * Scores a test table causally with a trained bundle: the score of row t is the score of the window
 * of the W grid steps ending at row t, so it depends on rows {@code <= t} only.
 *
 * <p>It runs exactly the vertices' three stages from the bundle: {@link FittedTransforms#applyRow}
 * (udf-preprocess), {@link AnomalyModel#residualsFlat} (udf-inference) and {@code
 * Calibration.scoreFlat} (udf-postprocess), followed by the detector's alarm rule across windows,
 * the detector's {@link ScoreSmoother} rule on one series ({@link ScoreSmoother#defaults} unless a
 * smoothing span is asked for). The transforms are per row, so each row is transformed once and
 * windows are assembled from transformed rows; a test checks this equals {@link
 * ModelBundle#scoreRawWindow} window by window.
 */
public final class CausalScorer {

  private CausalScorer() {}

  /**
   * Scores a test table with a trained bundle, one causal window per row.
   *
   * @param test table whose columns are already in the bundle's metric order
   * @param grid where each test row sits in time
   * @param smoothingSpan windows averaged before the alarm rule; 1 = none (the core's default rule)
   * @param progress called with the number of rows done, every {@code progressEvery} rows
   */
  public static ScoredSeries score(
      ModelBundle bundle,
      double[][] test,
      RowSteps grid,
      int smoothingSpan,
      int progressEvery,
      IntConsumer progress) {
    int w = bundle.windowLength();
    int m = bundle.metrics().size();
    int n = test.length;
    if (grid.rows() != n) {
      throw new IllegalArgumentException("grid has " + grid.rows() + " rows, table has " + n);
    }
    FittedTransforms transforms = bundle.transforms();
    AnomalyModel model = bundle.model();
    double[][] normalised = new double[n][m];
    for (int i = 0; i < n; i++) {
      transforms.applyRow(test[i], normalised[i]);
    }
    ScoreSmoother smoother = rule(bundle, smoothingSpan);
    double[] unified = new double[n];
    boolean[] alarm = new boolean[n];
    double[][] perMetric = new double[n][m];
    double[][] attribution = new double[n][];
    double[] window = new double[w * m];
    double[] residuals = new double[w * m];
    int firstScored = n;
    int previousSlot = Integer.MIN_VALUE;
    for (int t = 0; t < n; t++) {
      int end = grid.slot(t);
      int start = end - w + 1;
      if (start >= 0) {
        if (firstScored == n) {
          firstScored = t;
        }
        Arrays.fill(window, Double.NaN);
        for (int r = t; r >= 0 && grid.slot(r) >= start; r--) {
          System.arraycopy(normalised[r], 0, window, (grid.slot(r) - start) * m, m);
        }
        model.residualsFlat(window, residuals);
        WindowScore s = bundle.calibration().scoreFlat(residuals);
        if (previousSlot != Integer.MIN_VALUE && end - previousSlot > 1) {
          smoother.reset(); // a gap: the previous windows are not the ones just before this one
        }
        s = smoother.add(s);
        previousSlot = end;
        unified[t] = s.unified();
        alarm[t] = s.alarm();
        perMetric[t] = s.perMetric().clone();
        attribution[t] = s.attribution().clone();
      }
      if (progress != null && progressEvery > 0 && (t + 1) % progressEvery == 0) {
        progress.accept(t + 1);
      }
    }
    return new ScoredSeries(
        bundle.metricNames(), unified, alarm, perMetric, attribution, firstScored);
  }

  /**
   * The alarm rule across windows: the core's default ({@link ScoreSmoother#defaults}) for span 1,
   * else the same hysteresis with a trailing mean over {@code span} windows.
   */
  public static ScoreSmoother rule(ModelBundle bundle, int span) {
    if (span < 1) {
      throw new IllegalArgumentException("smoothing span must be >= 1, got " + span);
    }
    ScoreSmoother defaults = ScoreSmoother.defaults(bundle.calibration());
    return span == 1
        ? defaults
        : new ScoreSmoother(span, defaults.alertLevel(), defaults.clearLevel());
  }

  /** Convenience for tables without timestamps or already on the grid. */
  public static ScoredSeries score(
      ModelBundle bundle, MetricTable test, long stepMillis, int smoothingSpan) {
    return score(bundle, test.values(), RowSteps.of(test, stepMillis), smoothingSpan, 0, null);
  }
}
