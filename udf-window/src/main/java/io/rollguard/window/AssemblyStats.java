package io.rollguard.window;

/**
 * What happened to the samples of one window during assembly.
 *
 * @param samples samples handed to the assembler
 * @param duplicates samples whose timestamp an earlier sample already had (HA Prometheus pairs);
 *     they only fill values the first one lacked, they never overwrite
 * @param outOfWindow samples whose timestamp lies outside {@code [start, end)}; ignored
 * @param nonFiniteValues NaN or infinite values, treated as missing
 * @param observedCells cells holding a sampled value
 * @param filledCells cells forward-filled from an earlier observed value
 * @param totalCells rows times metrics
 */
public record AssemblyStats(
    int samples,
    int duplicates,
    int outOfWindow,
    int nonFiniteValues,
    int observedCells,
    int filledCells,
    int totalCells) {

  /** Covered (observed or filled) cells over all cells; 0 for a window without cells. */
  public double coverage() {
    return totalCells == 0 ? 0.0 : (double) (observedCells + filledCells) / totalCells;
  }
}
