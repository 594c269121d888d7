package io.rollguard.common.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How the trainer builds a model bundle for one entity.
 *
 * @param lookback history used for one training (all versions together)
 * @param minCoverage fraction of (time, metric) cells that must be present in the history
 * @param retrainEvery age after which a bundle is stale and a new one is requested
 * @param holdoutFraction tail of the history held back for model selection and calibration
 * @param seed seed of every random choice, so a training is reproducible
 * @param model the model kind
 * @param concurrency trainings one pod runs at the same time
 * @param leaseTtl how long one training may hold the entity's lease before another pod may take it
 * @param retryBackoff wait after a failed or short-data attempt before the entity is tried again
 * @param maxExcludedFraction the retraining guard: a retraining leaves out of its history the
 *     windows the serving model alarmed on, as long as they cover at most this share of the
 *     history; above it the entity has changed (drift), not misbehaved, and the whole history is
 *     learned. 0 switches the guard off. In [0, 1).
 */
public record TrainingSettings(
    Duration lookback,
    double minCoverage,
    Duration retrainEvery,
    double holdoutFraction,
    long seed,
    ModelKind model,
    int concurrency,
    Duration leaseTtl,
    Duration retryBackoff,
    double maxExcludedFraction) {

  /** {@code training.holdoutFraction} when the config does not set it. */
  public static final double DEFAULT_HOLDOUT_FRACTION = 0.2;

  /** {@code training.seed} when the config does not set it. */
  public static final long DEFAULT_SEED = 42;

  /**
   * {@code training.maxExcludedFraction} when the config does not set it: an anomaly is what the
   * minority of the history does; once the serving model disagrees with half of it, the history is
   * the new normal (the breakdown point of a robust estimate).
   */
  public static final double DEFAULT_MAX_EXCLUDED_FRACTION = 0.5;

  /** The model kinds (see architecture §5). */
  public enum ModelKind {
    /** PCA reconstruction on robust-scaled windows (the default). */
    PCA,
    /** Dense autoencoder on the same windows. */
    AE,
    /** Robust per-metric baseline (median / MAD). */
    BASELINE
  }

  public TrainingSettings {
    Objects.requireNonNull(lookback, "lookback");
    Objects.requireNonNull(retrainEvery, "retrainEvery");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(leaseTtl, "leaseTtl");
    Objects.requireNonNull(retryBackoff, "retryBackoff");
    if (!(maxExcludedFraction >= 0 && maxExcludedFraction < 1)) {
      throw new IllegalArgumentException(
          "maxExcludedFraction must be in [0, 1), got " + maxExcludedFraction);
    }
  }
}
