package io.rollguard.cli.backtest;

import io.rollguard.common.detect.AnomalyModel;
import io.rollguard.common.detect.DetectorTrainer;
import io.rollguard.common.detect.FittedTransforms;
import io.rollguard.common.detect.MetricDef;
import io.rollguard.common.detect.ModelBundle;
import io.rollguard.common.detect.ScoreSmoother;
import io.rollguard.common.detect.TrainingOptions;
import io.rollguard.common.detect.TrainingSummary;
import io.rollguard.common.detect.WindowScore;
import java.util.Arrays;
import java.util.List;

/**
 * A backtest that follows the model lifecycle of a deployed Rollguard: the trainer retrains an
 * entity every {@code training.retrainEvery} on the trailing {@code training.lookback} of its
 * history, so here the model scoring test row t is the one trained on the {@code lookback} rows
 * before the start of t's retraining period (train rows, then test rows already seen), never on
 * labels; a retraining goes through {@link DetectorTrainer#retrain} with the bundle serving until
 * then, so the trainer's guard leaves out what that bundle alarmed on. Scoring is {@link
 * CausalScorer}'s: the window of the W steps ending at t, the vertices' three stages from the
 * period's bundle, one alarm rule ({@link ScoreSmoother}) across the whole test, as postprocess
 * keeps one per key whatever the bundle version.
 *
 * <p>Rows are grid steps (the tables' regridded values, train then test without a gap, as in the
 * SMD splits).
 */
public final class RetrainingScorer {

  /**
   * What one retraining backtest produced.
   *
   * @param scores the causal scores of every test row
   * @param trainings models trained (the first one included)
   * @param trainMillis total training time
   * @param guarded retrainings that left out windows the serving model alarmed on
   * @param accepted retrainings whose history the serving model alarmed on too much to leave out
   *     (more than {@code maxExcludedFraction}): learned whole, as a lasting change
   * @param last the summary of the last bundle trained
   */
  public record Result(
      ScoredSeries scores,
      int trainings,
      long trainMillis,
      int guarded,
      int accepted,
      TrainingSummary last) {

    /** The same run with its scores replaced (e.g. mapped back from grid steps to table rows). */
    public Result withScores(ScoredSeries mapped) {
      return new Result(mapped, trainings, trainMillis, guarded, accepted, last);
    }
  }

  private RetrainingScorer() {}

  /**
   * Scores {@code test} causally, retraining on the trailing {@code lookback} rows every {@code
   * retrainEvery} rows.
   *
   * @param retrainEvery rows between trainings, > 0
   * @param lookback rows of trailing history per training, > 0
   */
  public static Result score(
      double[][] train,
      double[][] test,
      List<MetricDef> metrics,
      TrainingOptions opts,
      int retrainEvery,
      int lookback,
      int smoothingSpan) {
    if (retrainEvery <= 0 || lookback <= 0) {
      throw new IllegalArgumentException(
          "retrainEvery and lookback must be > 0 rows, got " + retrainEvery + " and " + lookback);
    }
    int m = metrics.size();
    int t0 = train.length;
    int n = test.length;
    double[][] all = new double[t0 + n][];
    System.arraycopy(train, 0, all, 0, t0);
    System.arraycopy(test, 0, all, t0, n);
    int w = opts.windowLength();
    double[] unified = new double[n];
    boolean[] alarm = new boolean[n];
    double[][] perMetric = new double[n][m];
    double[][] attribution = new double[n][];
    int firstScored = n;
    ModelBundle bundle = null;
    ScoreSmoother smoother = null;
    int trainings = 0;
    int guarded = 0;
    int accepted = 0;
    long trainNanos = 0;
    double[] window = new double[w * m];
    double[] residuals = new double[w * m];
    for (int blockStart = 0; blockStart < n; blockStart += retrainEvery) {
      int end = t0 + blockStart;
      int from = Math.max(0, end - lookback);
      long started = System.nanoTime();
      try {
        DetectorTrainer.Retraining r =
            DetectorTrainer.retrain(
                Arrays.copyOfRange(all, from, end), null, metrics, opts, bundle);
        bundle = r.bundle();
        trainings++;
        guarded += r.exclusion().applied() ? 1 : 0;
        accepted += r.exclusion().accepted() ? 1 : 0;
      } catch (IllegalArgumentException e) {
        // Too little usable history: the trainer keeps serving the previous bundle.
        if (bundle == null) {
          throw e;
        }
      }
      trainNanos += System.nanoTime() - started;
      if (smoother == null) {
        smoother = CausalScorer.rule(bundle, smoothingSpan);
      }
      int blockEnd = Math.min(n, blockStart + retrainEvery);
      int contextStart = Math.max(0, t0 + blockStart - w + 1);
      FittedTransforms transforms = bundle.transforms();
      AnomalyModel model = bundle.model();
      double[][] normalised = new double[t0 + blockEnd - contextStart][m];
      for (int r = contextStart; r < t0 + blockEnd; r++) {
        transforms.applyRow(all[r], normalised[r - contextStart]);
      }
      for (int t = blockStart; t < blockEnd; t++) {
        int g = t0 + t;
        int start = g - w + 1;
        if (start < 0) {
          continue;
        }
        firstScored = Math.min(firstScored, t);
        for (int k = 0; k < w; k++) {
          System.arraycopy(normalised[start + k - contextStart], 0, window, k * m, m);
        }
        model.residualsFlat(window, residuals);
        WindowScore s = smoother.add(bundle.calibration().scoreFlat(residuals));
        unified[t] = s.unified();
        alarm[t] = s.alarm();
        perMetric[t] = s.perMetric().clone();
        attribution[t] = s.attribution().clone();
      }
    }
    List<String> names = metrics.stream().map(MetricDef::name).toList();
    return new Result(
        new ScoredSeries(names, unified, alarm, perMetric, attribution, firstScored),
        trainings,
        trainNanos / 1_000_000,
        guarded,
        accepted,
        bundle.summary());
  }
}
