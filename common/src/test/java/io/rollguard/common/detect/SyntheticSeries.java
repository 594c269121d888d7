package io.rollguard.common.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Correlated test metrics: six metrics driven by two latent cycles plus independent noise. */
final class SyntheticSeries {
  static final int METRICS = 6;
  static final double NOISE = 0.2;

  private SyntheticSeries() {}

  static double[][] generate(int rows, long seed) {
    Random rnd = new Random(seed);
    double[][] x = new double[rows][METRICS];
    for (int t = 0; t < rows; t++) {
      double f1 = Math.sin(2 * Math.PI * t / 200.0);
      double f2 = Math.cos(2 * Math.PI * t / 130.0);
      x[t][0] = 10 + 3 * f1 + NOISE * rnd.nextGaussian();
      x[t][1] = 5 + 2 * f1 + f2 + NOISE * rnd.nextGaussian();
      x[t][2] = 2 * f2 + NOISE * rnd.nextGaussian();
      x[t][3] = 20 + 1.5 * f1 - 2 * f2 + NOISE * rnd.nextGaussian();
      x[t][4] = -f1 + NOISE * rnd.nextGaussian();
      x[t][5] = 50 + 4 * (f1 + f2) + NOISE * rnd.nextGaussian();
    }
    return x;
  }

  static List<MetricDef> metrics() {
    List<MetricDef> m = new ArrayList<>();
    for (int j = 0; j < METRICS; j++) {
      m.add(MetricDef.of("m" + j));
    }
    return m;
  }

  static double[][] window(double[][] series, int end, int w) {
    double[][] win = new double[w][];
    for (int t = 0; t < w; t++) {
      win[t] = series[end - w + 1 + t].clone();
    }
    return win;
  }

  /** Unified scores of every full window of {@code series}. */
  static double[] unifiedScores(ModelBundle b, double[][] series) {
    int w = b.windowLength();
    double[] s = new double[series.length - w + 1];
    for (int end = w - 1; end < series.length; end++) {
      s[end - w + 1] = b.scoreRawWindow(window(series, end, w)).unified();
    }
    return s;
  }
}
