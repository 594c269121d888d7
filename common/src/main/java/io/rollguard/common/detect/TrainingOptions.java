package io.rollguard.common.detect;

import java.util.Objects;
import java.util.Set;

/**
 * How {@link DetectorTrainer} fits a detector. Every field is validated here so a bad value fails
 * when the options are built, naming the field.
 *
 * @param modelKind {@code pca} (default multivariate model), {@code ae} (dense autoencoder) or
 *     {@code baseline} (robust per-metric z-score, cold start / fallback)
 * @param windowLength W, rows per window (the models see {@code W x metrics} flattened row-major);
 *     default 24 (chosen on SMD among 6, 12, 24, 36, 48)
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
    boolean robustTail) {

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
  }

  /**
   * The project defaults for a model kind (tuned on the shared SMD machines, see docs/scoring.md).
   */
  public static TrainingOptions defaults(String modelKind) {
    return new TrainingOptions(
        modelKind, 24, 42L, 0.2, 0.02, 10.0, 4.0, 2.0, 5.0, 0.1, 40, 0, 5, 4.25, false);
  }

  /** {@link #defaults(String)} for the default model, PCA. */
  public static TrainingOptions defaults() {
    return defaults("pca");
  }

  public TrainingOptions withModelKind(String kind) {
    return new TrainingOptions(
        kind,
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
        scoredRows,
        shiftRows,
        shiftSigmas,
        robustTail);
  }

  public TrainingOptions withWindowLength(int w) {
    return new TrainingOptions(
        modelKind,
        w,
        seed,
        holdoutFraction,
        trimFraction,
        clipBound,
        thresholdSigmas,
        thresholdMargin,
        alertLevel,
        pcaGainTolerance,
        aeMaxEpochs,
        Math.min(scoredRows, w),
        Math.min(shiftRows, w),
        shiftSigmas,
        robustTail);
  }

  public TrainingOptions withSeed(long s) {
    return new TrainingOptions(
        modelKind,
        windowLength,
        s,
        holdoutFraction,
        trimFraction,
        clipBound,
        thresholdSigmas,
        thresholdMargin,
        alertLevel,
        pcaGainTolerance,
        aeMaxEpochs,
        scoredRows,
        shiftRows,
        shiftSigmas,
        robustTail);
  }

  public TrainingOptions withHoldoutFraction(double f) {
    return new TrainingOptions(
        modelKind,
        windowLength,
        seed,
        f,
        trimFraction,
        clipBound,
        thresholdSigmas,
        thresholdMargin,
        alertLevel,
        pcaGainTolerance,
        aeMaxEpochs,
        scoredRows,
        shiftRows,
        shiftSigmas,
        robustTail);
  }

  public TrainingOptions withTrimFraction(double f) {
    return new TrainingOptions(
        modelKind,
        windowLength,
        seed,
        holdoutFraction,
        f,
        clipBound,
        thresholdSigmas,
        thresholdMargin,
        alertLevel,
        pcaGainTolerance,
        aeMaxEpochs,
        scoredRows,
        shiftRows,
        shiftSigmas,
        robustTail);
  }

  public TrainingOptions withClipBound(double c) {
    return new TrainingOptions(
        modelKind,
        windowLength,
        seed,
        holdoutFraction,
        trimFraction,
        c,
        thresholdSigmas,
        thresholdMargin,
        alertLevel,
        pcaGainTolerance,
        aeMaxEpochs,
        scoredRows,
        shiftRows,
        shiftSigmas,
        robustTail);
  }

  public TrainingOptions withThreshold(double sigmas, double margin) {
    return new TrainingOptions(
        modelKind,
        windowLength,
        seed,
        holdoutFraction,
        trimFraction,
        clipBound,
        sigmas,
        margin,
        alertLevel,
        pcaGainTolerance,
        aeMaxEpochs,
        scoredRows,
        shiftRows,
        shiftSigmas,
        robustTail);
  }

  public TrainingOptions withAlertLevel(double level) {
    return new TrainingOptions(
        modelKind,
        windowLength,
        seed,
        holdoutFraction,
        trimFraction,
        clipBound,
        thresholdSigmas,
        thresholdMargin,
        level,
        pcaGainTolerance,
        aeMaxEpochs,
        scoredRows,
        shiftRows,
        shiftSigmas,
        robustTail);
  }

  public TrainingOptions withPcaGainTolerance(double t) {
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
        t,
        aeMaxEpochs,
        scoredRows,
        shiftRows,
        shiftSigmas,
        robustTail);
  }

  public TrainingOptions withAeMaxEpochs(int e) {
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
        e,
        scoredRows,
        shiftRows,
        shiftSigmas,
        robustTail);
  }

  public TrainingOptions withScoredRows(int r) {
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
        r,
        shiftRows,
        shiftSigmas,
        robustTail);
  }

  /** Fast level-shift test settings; {@code rows = 0} switches it off. */
  public TrainingOptions withShiftTest(int rows, double sigmas) {
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
        scoredRows,
        rows,
        sigmas,
        robustTail);
  }

  public TrainingOptions withRobustTail(boolean robust) {
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
        scoredRows,
        shiftRows,
        shiftSigmas,
        robust);
  }

  /** Rows of a window that enter the window error. */
  public int effectiveScoredRows() {
    return scoredRows == 0 ? windowLength : scoredRows;
  }
}
