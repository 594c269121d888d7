package io.rollguard.cli.eval;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Score-quality diagnostics that look at the labels to place the threshold (evaluation.md §3.2):
 * point-wise best-F1 over all thresholds cut between distinct scores, and AUPRC as average
 * precision. Tied scores are one threshold step (like scikit-learn), so a constant score cannot
 * look good. NaN scores rank lowest.
 */
public final class ThresholdFreeMetrics {

  private ThresholdFreeMetrics() {}

  /**
   * Highest point-wise F1 of "alarm when score >= s" over every distinct score s; 0 if no positive.
   */
  public static double bestF1(double[] scores, boolean[] labels) {
    return bestCut(scores, labels)[0];
  }

  /**
   * The score s at which "alarm when score >= s" reaches the best F1 (the oracle threshold), NaN if
   * nothing is labelled. A diagnostic: compared with the detector's own alert level it shows
   * whether the label-free threshold is too strict or too loose.
   */
  public static double bestF1Threshold(double[] scores, boolean[] labels) {
    return bestCut(scores, labels)[1];
  }

  /** {best F1, score at which it is reached}. */
  private static double[] bestCut(double[] scores, boolean[] labels) {
    PointMetrics.requireSameLength(scores.length, labels.length);
    long positives = countPositives(labels);
    if (positives == 0) {
      return new double[] {0, Double.NaN};
    }
    double bestAt = Double.NaN;
    int[] order = descending(scores);
    long tp = 0;
    long fp = 0;
    double best = 0;
    int i = 0;
    while (i < order.length) {
      double s = key(scores[order[i]]);
      while (i < order.length && key(scores[order[i]]) == s) {
        if (labels[order[i]]) {
          tp++;
        } else {
          fp++;
        }
        i++;
      }
      double f1 = PointMetrics.f1(tp, fp, positives - tp);
      if (f1 > best) {
        best = f1;
        bestAt = s;
      }
    }
    return new double[] {best, bestAt};
  }

  /**
   * Average precision: sum over distinct thresholds (descending) of (recall gain) x (precision at
   * that threshold); without ties this is the mean precision at each positive in score order.
   */
  public static double averagePrecision(double[] scores, boolean[] labels) {
    PointMetrics.requireSameLength(scores.length, labels.length);
    long positives = countPositives(labels);
    if (positives == 0) {
      return 0;
    }
    int[] order = descending(scores);
    long tp = 0;
    long fp = 0;
    double ap = 0;
    int i = 0;
    while (i < order.length) {
      double s = key(scores[order[i]]);
      long tpBefore = tp;
      while (i < order.length && key(scores[order[i]]) == s) {
        if (labels[order[i]]) {
          tp++;
        } else {
          fp++;
        }
        i++;
      }
      if (tp > tpBefore) {
        ap += (tp - tpBefore) / (double) positives * (tp / (double) (tp + fp));
      }
    }
    return ap;
  }

  private static long countPositives(boolean[] labels) {
    long n = 0;
    for (boolean l : labels) {
      n += l ? 1 : 0;
    }
    return n;
  }

  private static double key(double s) {
    return Double.isNaN(s) ? Double.NEGATIVE_INFINITY : s;
  }

  private static int[] descending(double[] scores) {
    Integer[] boxed = IntStream.range(0, scores.length).boxed().toArray(Integer[]::new);
    Arrays.sort(boxed, Comparator.comparingDouble((Integer i) -> key(scores[i])).reversed());
    int[] out = new int[boxed.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = boxed[i];
    }
    return out;
  }
}
