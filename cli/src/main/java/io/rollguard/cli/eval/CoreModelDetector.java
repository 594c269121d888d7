package io.rollguard.cli.eval;

import io.rollguard.cli.backtest.Backtest;
import io.rollguard.cli.backtest.RetrainingScorer;
import io.rollguard.cli.backtest.ScoredSeries;
import io.rollguard.cli.csv.MetricTable;
import io.rollguard.common.detect.MetricDef;
import io.rollguard.common.detect.ModelBundle;
import io.rollguard.common.detect.TrainingOptions;
import io.rollguard.common.detect.TrainingSummary;
import java.util.List;
import java.util.Locale;

/**
 * A Rollguard model exactly as {@code cli backtest} runs it: {@link Backtest#train} then causal
 * {@link Backtest#score}; the score is the unified 0-10 score and the alarm the bundle's own rule.
 */
public final class CoreModelDetector implements Detector {

  private final TrainingOptions options;
  private final long stepMillis;
  private final int smoothingSpan;
  private final String name;
  private int retrainEverySteps;
  private int lookbackSteps;

  /**
   * Follow the trainer's lifecycle ({@link RetrainingScorer}): retrain every {@code everySteps}
   * test rows on the trailing {@code lookbackSteps}; {@code everySteps} 0 keeps the single training
   * on the whole train split.
   */
  public CoreModelDetector retraining(int everySteps, int lookbackSteps) {
    if (everySteps < 0 || (everySteps > 0 && lookbackSteps <= 0)) {
      throw new IllegalArgumentException(
          "retrain every " + everySteps + " steps on " + lookbackSteps + " steps");
    }
    this.retrainEverySteps = everySteps;
    this.lookbackSteps = lookbackSteps;
    return this;
  }

  public CoreModelDetector(TrainingOptions options, long stepMillis, int smoothingSpan) {
    this(options, stepMillis, smoothingSpan, options.modelKind());
  }

  /**
   * @param baseName report name before the smoothing suffix, e.g. {@code ae@2}
   */
  public CoreModelDetector(
      TrainingOptions options, long stepMillis, int smoothingSpan, String baseName) {
    this.options = options;
    this.stepMillis = stepMillis;
    this.smoothingSpan = smoothingSpan;
    this.name = baseName + (smoothingSpan > 1 ? "+smooth" + smoothingSpan : "");
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public DetectorOutput run(MetricTable train, MetricTable test) {
    List<MetricDef> metrics = Backtest.allColumns(train);
    if (retrainEverySteps > 0) {
      List<String> names = metrics.stream().map(MetricDef::name).toList();
      RetrainingScorer.Result r =
          RetrainingScorer.score(
              train.select(names).values(),
              Backtest.align(test, train, metrics).values(),
              metrics,
              options,
              retrainEverySteps,
              lookbackSteps,
              smoothingSpan);
      return new DetectorOutput(
          r.scores().unified(),
          r.scores().alarm(),
          r.trainMillis(),
          0,
          r.trainings() + " trainings, " + r.guarded() + " guarded, " + r.accepted() + " accepted",
          r.scores().attribution());
    }
    long t0 = System.nanoTime();
    ModelBundle bundle = Backtest.train(train, metrics, options, stepMillis);
    long t1 = System.nanoTime();
    ScoredSeries s =
        Backtest.score(
            bundle, Backtest.align(test, train, metrics), stepMillis, smoothingSpan, 0, null);
    long t2 = System.nanoTime();
    TrainingSummary sum = bundle.summary();
    String note =
        String.format(
            Locale.ROOT,
            "%s%s",
            sum.components() > 0 ? "k=" + sum.components() : "",
            sum.epochs() > 0 ? " ep=" + sum.epochs() : "");
    return new DetectorOutput(
        s.unified(),
        s.alarm(),
        (t1 - t0) / 1_000_000,
        (t2 - t1) / 1_000_000,
        note.trim(),
        s.attribution());
  }
}
