package io.rollguard.common.detect;

import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.config.TrainingSettings;
import io.rollguard.common.config.WindowSettings;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * How {@link DetectorTrainer} fits a detector. Every field is validated here so a bad value fails
 * when the options are built, naming the field.
 *
 * <p>Production options come from the configuration ({@link #from(RollguardConfig)}); a {@link
 * #builder()} starts from the named {@code DEFAULT_*} values, whose window length, seed and holdout
 * fraction are the configuration's own defaults, so the core and a deployed Rollguard agree.
 *
 * @param modelKind {@code pca} (default multivariate model), {@code ae} (dense autoencoder) or
 *     {@code baseline} (robust per-metric z-score, cold start / fallback)
 * @param windowLength W, rows per window (the models see {@code W x metrics} flattened row-major)
 * @param seed seed for every random choice (AE initial weights and batch order); same seed, same
 *     history, same options = bit-identical bundle body
 * @param holdoutFraction share of the history's rows, taken from its END, that the model never
 *     trains on: PCA components and AE early stopping are chosen on it and thresholds are
 *     calibrated on it (out of sample). In (0, 0.5].
 * @param trimFraction share of the worst-reconstructed training windows dropped before the final
 *     fit, so anomalies inside the training history do not teach the model to reconstruct them. In
 *     [0, 0.2).
 * @param clipBound normalised values are clipped to {@code [-clipBound, clipBound]} (robust z
 *     units) so one wild value (or a column that was constant in training) cannot dominate every
 *     score
 * @param thresholdSigmas the alert threshold (score 5) sits this many robust standard deviations
 *     above the median of the log window error on the calibration tail, in [1, 20]
 * @param thresholdMargin the unified threshold is then multiplied by this factor, {@code >= 1}:
 *     production data drift away from the calibration tail, the margin keeps that drift from
 *     alarming (2 by default, chosen on SMD, docs/scoring.md)
 * @param alertLevel unified score at or above which a window alarms, in (0, 10]; 5 = the calibrated
 *     threshold itself
 * @param pcaGainTolerance PCA keeps the fewest components whose held-out leave-one-metric-out
 *     prediction error is within this relative tolerance of the best component count, in (0, 1)
 * @param aeMaxEpochs upper bound on autoencoder epochs (early stopping usually ends sooner)
 * @param scoredRows how many of the window's most recent rows enter the window error; 0 = all W.
 *     Fewer rows react faster to a fresh change, more rows are steadier.
 * @param shiftRows rows of the fast level-shift test on metrics with a declared direction (UP or
 *     DOWN); 0 switches it off. In [0, windowLength].
 * @param shiftSigmas the fast test fires at this many robust standard deviations of the recent mean
 *     residual (or at the largest value seen on the calibration tail, if higher), {@code > 0}
 * @param robustTail treat the held-back tail as possibly containing anomaly bursts: PCA's component
 *     choice ignores the worst 5% of tail windows and a metric's error scale may not exceed 6 times
 *     its bulk level. Default false: on SMD it cost point-wise F1 0.31 -> 0.26 at the alarm rule;
 *     without it, anomalies covering more than ~1% of the tail make the detector less sensitive
 *     (docs/scoring.md). Anomalies in the training part are handled either way (trim + refit).
 * @param maxExcludedFraction the retraining guard ({@link DetectorTrainer#retrain}): windows the
 *     serving model alarmed on are left out of a retraining while they cover at most this share of
 *     the history; 0 = off. In [0, 1). {@code training.maxExcludedFraction} in the configuration.
 */
public record TrainingOptions(
    String modelKind,
    int windowLength,
    long seed,
    double holdoutFraction,
    double trimFraction,
    double clipBound,
    double thresholdSigmas,
    double thresholdMargin,
    double alertLevel,
    double pcaGainTolerance,
    int aeMaxEpochs,
    int scoredRows,
    int shiftRows,
    double shiftSigmas,
    boolean robustTail,
    double maxExcludedFraction) {

  public static final Set<String> MODEL_KINDS = Set.of("pca", "ae", "baseline");

  public TrainingOptions {
    Objects.requireNonNull(modelKind, "modelKind");
    if (!MODEL_KINDS.contains(modelKind)) {
      throw new IllegalArgumentException(
          "modelKind must be one of pca, ae, baseline; got '" + modelKind + "'");
    }
    if (windowLength < 1 || windowLength > 1440) {
      throw new IllegalArgumentException("windowLength must be in [1, 1440], got " + windowLength);
    }
    if (!(holdoutFraction > 0 && holdoutFraction <= 0.5)) {
      throw new IllegalArgumentException(
          "holdoutFraction must be in (0, 0.5], got " + holdoutFraction);
    }
    if (!(trimFraction >= 0 && trimFraction < 0.2)) {
      throw new IllegalArgumentException("trimFraction must be in [0, 0.2), got " + trimFraction);
    }
    if (!(clipBound > 0) || Double.isInfinite(clipBound)) {
      throw new IllegalArgumentException("clipBound must be a finite number > 0, got " + clipBound);
    }
    if (!(thresholdSigmas >= 1 && thresholdSigmas <= 20)) {
      throw new IllegalArgumentException(
          "thresholdSigmas must be in [1, 20], got " + thresholdSigmas);
    }
    if (!(thresholdMargin >= 1) || Double.isInfinite(thresholdMargin)) {
      throw new IllegalArgumentException(
          "thresholdMargin must be a finite number >= 1, got " + thresholdMargin);
    }
    if (!(alertLevel > 0 && alertLevel <= 10)) {
      throw new IllegalArgumentException("alertLevel must be in (0, 10], got " + alertLevel);
    }
    if (!(pcaGainTolerance > 0 && pcaGainTolerance < 1)) {
      throw new IllegalArgumentException(
          "pcaGainTolerance must be in (0, 1), got " + pcaGainTolerance);
    }
    if (aeMaxEpochs < 1) {
      throw new IllegalArgumentException("aeMaxEpochs must be >= 1, got " + aeMaxEpochs);
    }
    if (shiftRows < 0 || shiftRows > windowLength) {
      throw new IllegalArgumentException(
          "shiftRows must be in [0, windowLength=" + windowLength + "], got " + shiftRows);
    }
    if (!(shiftSigmas > 0) || Double.isInfinite(shiftSigmas)) {
      throw new IllegalArgumentException(
          "shiftSigmas must be a finite number > 0, got " + shiftSigmas);
    }
    if (scoredRows < 0 || scoredRows > windowLength) {
      throw new IllegalArgumentException(
          "scoredRows must be in [0, windowLength=" + windowLength + "], got " + scoredRows);
    }
    if (!(maxExcludedFraction >= 0 && maxExcludedFraction < 1)) {
      throw new IllegalArgumentException(
          "maxExcludedFraction must be in [0, 1), got " + maxExcludedFraction);
    }
  }

  /** {@code pca}: the default multivariate model. */
  public static final String DEFAULT_MODEL_KIND = "pca";

  /** Drop the 2% worst-reconstructed training windows before the final fit. */
  public static final double DEFAULT_TRIM_FRACTION = 0.02;

  public static final double DEFAULT_CLIP_BOUND = 10.0;

  /** Chosen on the shared SMD machines (docs/scoring.md). */
  public static final double DEFAULT_THRESHOLD_SIGMAS = 4.0;

  /** Chosen on the shared SMD machines (docs/scoring.md). */
  public static final double DEFAULT_THRESHOLD_MARGIN = 2.0;

  /** The calibrated threshold itself. */
  public static final double DEFAULT_ALERT_LEVEL = 5.0;

  public static final double DEFAULT_PCA_GAIN_TOLERANCE = 0.1;

  public static final int DEFAULT_AE_MAX_EPOCHS = 40;

  /** 0 = every row of the window enters the window error. */
  public static final int DEFAULT_SCORED_ROWS = 0;

  public static final int DEFAULT_SHIFT_ROWS = 5;

  public static final double DEFAULT_SHIFT_SIGMAS = 4.25;

  /** Off: on SMD it cost point-wise F1 0.31 -> 0.26 (see {@code robustTail} above). */
  public static final boolean DEFAULT_ROBUST_TAIL = false;

  /**
   * The trainer's options for a configuration: its model kind, window length, seed, holdout
   * fraction and retraining guard, the rest at their defaults.
   */
  public static TrainingOptions from(RollguardConfig config) {
    TrainingSettings training = config.training();
    return builder()
        .modelKind(training.model().name().toLowerCase(Locale.ROOT))
        .windowLength(config.window().lengthSteps())
        .seed(training.seed())
        .holdoutFraction(training.holdoutFraction())
        .maxExcludedFraction(training.maxExcludedFraction())
        .build();
  }

  /** A builder at the {@code DEFAULT_*} values. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds {@link TrainingOptions}; {@link #build()} validates. */
  public static final class Builder {
    private String modelKind = DEFAULT_MODEL_KIND;
    private int windowLength = WindowSettings.DEFAULT_LENGTH_STEPS;
    private long seed = TrainingSettings.DEFAULT_SEED;
    private double holdoutFraction = TrainingSettings.DEFAULT_HOLDOUT_FRACTION;
    private double trimFraction = DEFAULT_TRIM_FRACTION;
    private double clipBound = DEFAULT_CLIP_BOUND;
    private double thresholdSigmas = DEFAULT_THRESHOLD_SIGMAS;
    private double thresholdMargin = DEFAULT_THRESHOLD_MARGIN;
    private double alertLevel = DEFAULT_ALERT_LEVEL;
    private double pcaGainTolerance = DEFAULT_PCA_GAIN_TOLERANCE;
    private int aeMaxEpochs = DEFAULT_AE_MAX_EPOCHS;
    private int scoredRows = DEFAULT_SCORED_ROWS;
    private int shiftRows = DEFAULT_SHIFT_ROWS;
    private double shiftSigmas = DEFAULT_SHIFT_SIGMAS;
    private boolean robustTail = DEFAULT_ROBUST_TAIL;
    private double maxExcludedFraction = TrainingSettings.DEFAULT_MAX_EXCLUDED_FRACTION;

    private Builder() {}

    private Builder(TrainingOptions o) {
      modelKind = o.modelKind;
      windowLength = o.windowLength;
      seed = o.seed;
      holdoutFraction = o.holdoutFraction;
      trimFraction = o.trimFraction;
      clipBound = o.clipBound;
      thresholdSigmas = o.thresholdSigmas;
      thresholdMargin = o.thresholdMargin;
      alertLevel = o.alertLevel;
      pcaGainTolerance = o.pcaGainTolerance;
      aeMaxEpochs = o.aeMaxEpochs;
      scoredRows = o.scoredRows;
      shiftRows = o.shiftRows;
      shiftSigmas = o.shiftSigmas;
      robustTail = o.robustTail;
      maxExcludedFraction = o.maxExcludedFraction;
    }

    public Builder modelKind(String kind) {
      this.modelKind = kind;
      return this;
    }

    /** The scored and shift-test rows are capped at the window length when built. */
    public Builder windowLength(int w) {
      this.windowLength = w;
      return this;
    }

    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    public Builder holdoutFraction(double f) {
      this.holdoutFraction = f;
      return this;
    }

    public Builder alertLevel(double level) {
      this.alertLevel = level;
      return this;
    }

    public Builder aeMaxEpochs(int epochs) {
      this.aeMaxEpochs = epochs;
      return this;
    }

    public Builder robustTail(boolean robust) {
      this.robustTail = robust;
      return this;
    }

    public Builder maxExcludedFraction(double f) {
      this.maxExcludedFraction = f;
      return this;
    }

    public TrainingOptions build() {
      return new TrainingOptions(
          modelKind,
          windowLength,
          seed,
          holdoutFraction,
          trimFraction,
          clipBound,
          thresholdSigmas,
          thresholdMargin,
          alertLevel,
          pcaGainTolerance,
          aeMaxEpochs,
          Math.min(scoredRows, windowLength),
          Math.min(shiftRows, windowLength),
          shiftSigmas,
          robustTail,
          maxExcludedFraction);
    }
  }

  /** Rows of a window that enter the window error. */
  public int effectiveScoredRows() {
    return scoredRows == 0 ? windowLength : scoredRows;
  }
}
