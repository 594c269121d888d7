package io.rollguard.common.detect;

/**
 * What a training run saw and produced; stored in the bundle for operators and for drift checks.
 *
 * @param modelKind pca, ae or baseline
 * @param rows history rows given to the trainer
 * @param trainWindows windows the final model was fitted on (after trimming)
 * @param holdoutWindows windows in the held-back tail (model selection and calibration)
 * @param trimmedWindows worst training windows dropped before the final fit
 * @param firstTimestampMillis epoch ms of the first history row, or -1 when unknown
 * @param lastTimestampMillis epoch ms of the last history row, or -1 when unknown
 * @param coverage fraction of observed (non-NaN) cells in the history
 * @param trainLoss mean squared residual per observed cell on the training windows (normalised
 *     units)
 * @param holdoutLoss the same on the held-back tail
 * @param components PCA components kept; AE bottleneck width; 0 for the baseline
 * @param epochs AE epochs run (best epoch kept); 0 for other models
 * @param durationMillis wall-clock training time
 * @param seed the seed used
 */
public record TrainingSummary(
    String modelKind,
    int rows,
    int trainWindows,
    int holdoutWindows,
    int trimmedWindows,
    long firstTimestampMillis,
    long lastTimestampMillis,
    double coverage,
    double trainLoss,
    double holdoutLoss,
    int components,
    int epochs,
    long durationMillis,
    long seed) {}
