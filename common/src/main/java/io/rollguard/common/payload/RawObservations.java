package io.rollguard.common.payload;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;

/**
 * What udf-postprocess needs of a window's raw values, carried in {@link InferenceResult} instead
 * of the whole {@code [rows x metrics]} matrix: per metric, the newest row's value (for the
 * record's observed values that the canary judgment compares) and the latest value observed
 * anywhere in the window (for the static limits), and how many cells held a value (for the record's
 * coverage).
 *
 * <p>Why not the matrix: the numbers' text is most of a map vertex's CPU, and these 2 x metrics
 * numbers say all that postprocess used of the rows x metrics raw values; at 8 metrics x 12 steps
 * the message shrinks by a third (docs/vertices.md, Performance).
 *
 * <p>Vectors are in the order of {@link InferenceResult#metrics()}; {@code NaN} (JSON {@code null})
 * is a missing value, infinities are refused. The arrays are not copied: the producer hands them
 * over.
 *
 * @param newest the newest row's raw values ({@code NaN} where that cell is missing)
 * @param latest per metric the newest non-missing raw value in the window ({@code NaN} if none)
 * @param presentCells how many of the window's cells held a value
 */
public record RawObservations(
    @JsonProperty(required = true) double[] newest,
    @JsonProperty(required = true) double[] latest,
    @JsonProperty(required = true) int presentCells) {

  public RawObservations {
    if (newest == null || latest == null) {
      throw new IllegalArgumentException("newest and latest are required");
    }
    if (newest.length != latest.length) {
      throw new IllegalArgumentException(
          "newest and latest must name the same metrics, got "
              + newest.length
              + " and "
              + latest.length
              + " values");
    }
    if (presentCells < 0) {
      throw new IllegalArgumentException("presentCells must be >= 0, got " + presentCells);
    }
    for (int j = 0; j < newest.length; j++) {
      if (Double.isInfinite(newest[j]) || Double.isInfinite(latest[j])) {
        throw new IllegalArgumentException(
            "raw values must be finite or missing, metric "
                + j
                + " has "
                + newest[j]
                + " and "
                + latest[j]);
      }
      if (!Double.isNaN(newest[j]) && Double.compare(newest[j], latest[j]) != 0) {
        throw new IllegalArgumentException(
            "latest["
                + j
                + "] must equal newest["
                + j
                + "] when the newest row has a value, got "
                + latest[j]
                + " and "
                + newest[j]);
      }
    }
  }

  /** The observations of a raw window {@code [rows x metrics]} ({@code NaN} = missing). */
  public static RawObservations of(double[][] raw) {
    int metrics = raw.length == 0 ? 0 : raw[0].length;
    double[] newest = new double[metrics];
    double[] latest = new double[metrics];
    Arrays.fill(newest, Double.NaN);
    Arrays.fill(latest, Double.NaN);
    if (raw.length > 0) {
      System.arraycopy(raw[raw.length - 1], 0, newest, 0, metrics);
    }
    int present = 0;
    for (int i = raw.length - 1; i >= 0; i--) {
      double[] row = raw[i];
      for (int j = 0; j < metrics; j++) {
        if (!Double.isNaN(row[j])) {
          present++;
          if (Double.isNaN(latest[j])) {
            latest[j] = row[j];
          }
        }
      }
    }
    return new RawObservations(newest, latest, present);
  }

  public int metricCount() {
    return newest.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RawObservations r
        && presentCells == r.presentCells
        && Arrays.equals(newest, r.newest)
        && Arrays.equals(latest, r.latest);
  }

  @Override
  public int hashCode() {
    return (Arrays.hashCode(newest) * 31 + Arrays.hashCode(latest)) * 31 + presentCells;
  }

  @Override
  public String toString() {
    return "RawObservations[newest="
        + Arrays.toString(newest)
        + " latest="
        + Arrays.toString(latest)
        + " presentCells="
        + presentCells
        + "]";
  }
}
