package io.rollguard.cli.eval;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * HitRate@P% of an attribution (OmniAnomaly's explanation metric, evaluation.md §4.6): at a
 * labelled row whose segment blames g metrics, rank the metrics by the detector's attribution at
 * that row and take the top {@code floor(P% x g)}; the hit rate is the share of the g blamed
 * metrics among them. Averaged over every labelled row that has an attribution (rows after the
 * first full window). Ties keep column order and NaN ranks last, so an all-zero attribution cannot
 * score by luck of sorting.
 */
public final class HitRate {

  private HitRate() {}

  /**
   * The mean hit rate at P% over the labelled rows.
   *
   * @param attribution per row, per metric share of the score (rows with a null entry are skipped)
   * @param percent P, e.g. 100 or 150
   * @return the mean hit rate, or NaN when no labelled row has an attribution
   */
  public static double of(double[][] attribution, List<Interpretation> labels, double percent) {
    double sum = 0;
    long rows = 0;
    for (Interpretation label : labels) {
      int g = label.dims().length;
      int k = (int) Math.floor(percent / 100.0 * g);
      for (int t = label.start(); t < Math.min(label.end(), attribution.length); t++) {
        double[] a = attribution[t];
        if (a == null) {
          continue;
        }
        int[] top =
            IntStream.range(0, a.length)
                .boxed()
                .sorted(
                    Comparator.comparingDouble(
                            (Integer j) -> Double.isNaN(a[j]) ? Double.NEGATIVE_INFINITY : a[j])
                        .reversed())
                .limit(k)
                .mapToInt(Integer::intValue)
                .toArray();
        int hits = 0;
        for (int d : label.dims()) {
          if (Arrays.stream(top).anyMatch(x -> x == d)) {
            hits++;
          }
        }
        sum += hits / (double) g;
        rows++;
      }
    }
    return rows == 0 ? Double.NaN : sum / rows;
  }
}
