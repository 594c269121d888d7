package io.rollguard.common.registry;

import io.rollguard.common.detect.DetectorTrainer;
import io.rollguard.common.detect.MetricDef;
import io.rollguard.common.detect.ModelBundle;
import io.rollguard.common.detect.TrainingOptions;
import java.util.List;
import java.util.Random;

/** Small real bundles for registry tests: trained on seeded correlated data, so they score. */
final class Bundles {

  static final List<MetricDef> METRICS =
      List.of(MetricDef.of("latency"), MetricDef.of("errors"), MetricDef.of("cpu"));

  private Bundles() {}

  static ModelBundle trained(long seed) {
    Random random = new Random(seed);
    double[][] history = new double[600][METRICS.size()];
    for (int t = 0; t < history.length; t++) {
      double load = Math.sin(t / 60.0) + random.nextGaussian() * 0.1;
      history[t][0] = 0.2 + 0.05 * load + random.nextGaussian() * 0.01;
      history[t][1] = 0.01 + 0.002 * load + random.nextGaussian() * 0.001;
      history[t][2] = 0.5 + 0.2 * load + random.nextGaussian() * 0.02;
    }
    return DetectorTrainer.train(
        history, METRICS, TrainingOptions.builder().windowLength(24).build());
  }

  static double[][] window(int length, double latencyShift) {
    double[][] w = new double[length][METRICS.size()];
    for (int t = 0; t < length; t++) {
      w[t][0] = 0.2 + latencyShift;
      w[t][1] = 0.01;
      w[t][2] = 0.5;
    }
    return w;
  }
}
