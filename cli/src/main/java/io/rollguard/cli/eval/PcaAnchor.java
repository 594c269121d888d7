package io.rollguard.cli.eval;

import smile.feature.extraction.PCA;
import smile.math.matrix.Matrix;

/**
 * The project's PCA anchor (evaluation.md §3.2), reproduced exactly so every report can print it
 * next to the detector: z-score with the TRAIN mean and sd (sd < 1e-8 -> 1), PCA of the scaled
 * train matrix, k = fewest components reaching 90% cumulative explained variance, score = squared
 * reconstruction error per row. Per-row (not windowed), as the anchor is. A baseline only; the
 * product's models live in {@code io.rollguard.common.detect}.
 *
 * <p>Missing cells (SMD has none) are imputed with the train mean, i.e. 0 after scaling.
 */
public final class PcaAnchor {

  static final double VARIANCE_TARGET = 0.9;
  private static final double MIN_SD = 1e-8;

  private final double[] mean;
  private final double[] sd;
  private final double[] center;
  private final Matrix projection;
  private final int components;

  private PcaAnchor(
      double[] mean, double[] sd, double[] center, Matrix projection, int components) {
    this.mean = mean;
    this.sd = sd;
    this.center = center;
    this.projection = projection;
    this.components = components;
  }

  public static PcaAnchor fit(double[][] train) {
    int d = train[0].length;
    double[] mean = new double[d];
    double[] sd = new double[d];
    for (int j = 0; j < d; j++) {
      double s = 0;
      int n = 0;
      for (double[] row : train) {
        if (!Double.isNaN(row[j])) {
          s += row[j];
          n++;
        }
      }
      mean[j] = n == 0 ? 0 : s / n;
      double ss = 0;
      for (double[] row : train) {
        if (!Double.isNaN(row[j])) {
          ss += (row[j] - mean[j]) * (row[j] - mean[j]);
        }
      }
      double v = n == 0 ? 0 : Math.sqrt(ss / n); // population sd, as NumPy's default
      sd[j] = v < MIN_SD ? 1 : v;
    }
    double[][] scaled = new double[train.length][];
    for (int i = 0; i < train.length; i++) {
      scaled[i] = scale(train[i], mean, sd);
    }
    PCA pca = PCA.fit(scaled);
    double[] cumulative = pca.cumulativeVarianceProportion();
    int k = cumulative.length;
    for (int i = 0; i < cumulative.length; i++) {
      if (cumulative[i] >= VARIANCE_TARGET) {
        k = i + 1;
        break;
      }
    }
    PCA projected = pca.getProjection(k);
    return new PcaAnchor(mean, sd, projected.center(), projected.projection, k);
  }

  public int components() {
    return components;
  }

  /** Squared reconstruction error of one raw row. */
  public double score(double[] raw) {
    double[] x = scale(raw, mean, sd);
    for (int j = 0; j < x.length; j++) {
      x[j] -= center[j];
    }
    double[] z = projection.mv(x);
    double[] back = projection.tv(z);
    double err = 0;
    for (int j = 0; j < x.length; j++) {
      double r = x[j] - back[j];
      err += r * r;
    }
    return err;
  }

  public double[] scoreAll(double[][] rows) {
    double[] out = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      out[i] = score(rows[i]);
    }
    return out;
  }

  private static double[] scale(double[] raw, double[] mean, double[] sd) {
    double[] x = new double[raw.length];
    for (int j = 0; j < raw.length; j++) {
      x[j] = Double.isNaN(raw[j]) ? 0 : (raw[j] - mean[j]) / sd[j];
    }
    return x;
  }
}
