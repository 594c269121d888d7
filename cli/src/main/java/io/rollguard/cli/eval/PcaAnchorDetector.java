package io.rollguard.cli.eval;

import io.rollguard.cli.csv.MetricTable;

/**
 * The PCA anchor with its label-free rule: alarm when the score exceeds the train scores' q99.9.
 */
public final class PcaAnchorDetector implements Detector {

  static final double TRAIN_QUANTILE = 0.999;

  @Override
  public String name() {
    return "pca-anchor";
  }

  @Override
  public DetectorOutput run(MetricTable train, MetricTable test) {
    long t0 = System.nanoTime();
    PcaAnchor anchor = PcaAnchor.fit(train.values());
    double threshold = Quantile.linear(anchor.scoreAll(train.values()), TRAIN_QUANTILE);
    long t1 = System.nanoTime();
    double[] scores = anchor.scoreAll(test.values());
    boolean[] alarms = new boolean[scores.length];
    for (int i = 0; i < scores.length; i++) {
      alarms[i] = scores[i] > threshold;
    }
    long t2 = System.nanoTime();
    return new DetectorOutput(
        scores,
        alarms,
        (t1 - t0) / 1_000_000,
        (t2 - t1) / 1_000_000,
        "k=" + anchor.components(),
        null);
  }
}
