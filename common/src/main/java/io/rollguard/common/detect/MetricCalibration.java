package io.rollguard.common.detect;

/**
 * One metric's part of a {@link CalibrationData}. Validated, with the metric's index in the
 * message, by {@link CalibrationData}.
 *
 * @param direction which deviations count
 * @param weight the metric's share in the unified score (> 0)
 * @param errorScale the metric's typical window error on the calibration tail (> 0): its window
 *     error is divided by it, so metrics the model reconstructs well and badly become comparable
 * @param typical the normalised error that scores 0
 * @param threshold the normalised error that scores 5
 * @param shiftCenter median of the fast level-shift test's recent mean residual on the tail
 * @param shiftScale robust sd of that mean (> 0)
 * @param shiftThreshold the shift test's threshold in those standard units (> 0)
 */
public record MetricCalibration(
    Direction direction,
    double weight,
    double errorScale,
    double typical,
    double threshold,
    double shiftCenter,
    double shiftScale,
    double shiftThreshold) {

  /** A metric calibration whose fast level-shift test is neutral (used when the test is off). */
  public static MetricCalibration withoutShiftTest(
      Direction direction, double weight, double errorScale, double typical, double threshold) {
    return new MetricCalibration(direction, weight, errorScale, typical, threshold, 0.0, 1.0, 1.0);
  }
}
