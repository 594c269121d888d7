package io.rollguard.cli.eval;

/**
 * Point-wise (no point adjustment) confusion counts and precision / recall / F1 of a 0/1 alarm
 * series against 0/1 labels. Precision is 0 when nothing alarmed and recall 0 when nothing is
 * labelled, so F1 is always defined (0 when there is no true positive).
 */
public record PointMetrics(long truePositives, long falsePositives, long falseNegatives) {

  public static PointMetrics of(boolean[] alarms, boolean[] labels) {
    requireSameLength(alarms.length, labels.length);
    long tp = 0;
    long fp = 0;
    long fn = 0;
    for (int i = 0; i < alarms.length; i++) {
      if (alarms[i] && labels[i]) {
        tp++;
      } else if (alarms[i]) {
        fp++;
      } else if (labels[i]) {
        fn++;
      }
    }
    return new PointMetrics(tp, fp, fn);
  }

  public double precision() {
    return truePositives + falsePositives == 0
        ? 0
        : truePositives / (double) (truePositives + falsePositives);
  }

  public double recall() {
    return truePositives + falseNegatives == 0
        ? 0
        : truePositives / (double) (truePositives + falseNegatives);
  }

  public double f1() {
    return f1(truePositives, falsePositives, falseNegatives);
  }

  static double f1(long tp, long fp, long fn) {
    return tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
  }

  static void requireSameLength(int a, int b) {
    if (a != b) {
      throw new IllegalArgumentException("series lengths differ: " + a + " vs " + b);
    }
  }
}
