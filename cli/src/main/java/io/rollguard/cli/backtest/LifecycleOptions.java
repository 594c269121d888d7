package io.rollguard.cli.backtest;

import io.rollguard.common.config.Durations;
import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.detect.TrainingOptions;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The model lifecycle options shared by {@code backtest} and {@code evaluate smd}: how often the
 * backtest retrains ({@link RetrainingScorer}) and the retraining guard, both defaulting to the
 * configuration's, i.e. what the trainer does.
 */
public final class LifecycleOptions {

  @Option(
      names = "--retrain-every",
      paramLabel = "DURATION",
      description =
          "retrain every DURATION of test data on the trailing training.lookback (train rows, then"
              + " test rows already scored), as the trainer does (default: the config's"
              + " training.retrainEvery); 0 = one training on the whole train split")
  String retrainEvery;

  @Option(
      names = "--max-excluded-fraction",
      paramLabel = "F",
      description =
          "the retraining guard: a retraining leaves out the sustained alarms of the serving model"
              + " while they cover at most F of its history; 0 = off (default: the config's"
              + " training.maxExcludedFraction)")
  Double maxExcludedFraction;

  /** The retraining period: the option ("0" = one training) or the config's. */
  public Duration every(RollguardConfig config) {
    if (retrainEvery == null) {
      return config.training().retrainEvery();
    }
    String text = retrainEvery.strip();
    return text.equals("0") ? Duration.ZERO : Durations.parse(text);
  }

  /** {@code options} with the guard option applied, if given. */
  public TrainingOptions.Builder apply(TrainingOptions.Builder options) {
    if (maxExcludedFraction != null) {
      options.maxExcludedFraction(maxExcludedFraction);
    }
    return options;
  }
}
