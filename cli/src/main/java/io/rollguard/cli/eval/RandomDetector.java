package io.rollguard.cli.eval;

import io.rollguard.cli.csv.MetricTable;
import java.util.Random;

/**
 * The random-score floor: uniform [0, 1) per row from one seeded generator shared by all entities
 * (in the order they are run), with the same label-free rule as the anchor (alarm above the q99.9
 * of as many random "train" scores as there are train rows).
 */
public final class RandomDetector implements Detector {

  private final Random random;

  public RandomDetector(long seed) {
    this.random = new Random(seed);
  }

  @Override
  public String name() {
    return "random";
  }

  @Override
  public DetectorOutput run(MetricTable train, MetricTable test) {
    double[] trainScores = new double[train.rows()];
    for (int i = 0; i < trainScores.length; i++) {
      trainScores[i] = random.nextDouble();
    }
    double threshold = Quantile.linear(trainScores, PcaAnchorDetector.TRAIN_QUANTILE);
    double[] scores = new double[test.rows()];
    boolean[] alarms = new boolean[scores.length];
    for (int i = 0; i < scores.length; i++) {
      scores[i] = random.nextDouble();
      alarms[i] = scores[i] > threshold;
    }
    return new DetectorOutput(scores, alarms, 0, 0, "", null);
  }
}
