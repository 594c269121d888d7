package io.rollguard.common.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AnomalyModelsTest {

  static final double[][] HISTORY = SyntheticSeries.generate(4000, 7);
  static final double[][] FRESH = SyntheticSeries.generate(2000, 99);
  private static final Map<String, ModelBundle> CACHE = new HashMap<>();

  static TrainingOptions options(String kind) {
    return TrainingOptions.builder().modelKind(kind).windowLength(8).aeMaxEpochs(15).build();
  }

  static synchronized ModelBundle trained(String kind) {
    return CACHE.computeIfAbsent(
        kind, k -> DetectorTrainer.train(HISTORY, SyntheticSeries.metrics(), options(k)));
  }

  private static double quantile(double[] v, double q) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[(int) Math.floor(q * (s.length - 1))];
  }

  @ParameterizedTest
  @ValueSource(strings = {"pca", "ae"})
  void correlationBreakScoresAboveNormalWindows(String kind) {
    ModelBundle b = trained(kind);
    double[] normal = SyntheticSeries.unifiedScores(b, FRESH);
    double[][] win = SyntheticSeries.window(FRESH, 1000, b.windowLength());
    // +1.5 on metric 0 alone: well inside its marginal range (10 +- 3) but 7.5 noise sigmas off the
    // value the other metrics imply. Only a multivariate model sees it.
    for (double[] row : win) {
      row[0] += 1.5;
    }
    WindowScore s = b.scoreRawWindow(win);
    assertTrue(
        s.unified() > quantile(normal, 0.999),
        kind + ": anomalous " + s.unified() + " vs normal p99.9 " + quantile(normal, 0.999));
    double[][] stronger = SyntheticSeries.window(FRESH, 1000, b.windowLength());
    for (double[] row : stronger) {
      row[0] += 3.0;
    }
    assertTrue(b.scoreRawWindow(stronger).alarm(), kind + ": a 15-noise-sigma break must alarm");
    int top = 0;
    for (int j = 1; j < s.attribution().length; j++) {
      if (s.attribution()[j] > s.attribution()[top]) {
        top = j;
      }
    }
    assertEquals(0, top, "the shifted metric gets the largest attribution");
  }

  @Test
  void baselineFlagsMarginalDeviations() {
    ModelBundle b = trained("baseline");
    double[] normal = SyntheticSeries.unifiedScores(b, FRESH);
    double[][] win = SyntheticSeries.window(FRESH, 1000, b.windowLength());
    for (double[] row : win) {
      row[5] += 40; // ~6 marginal sigmas
    }
    WindowScore s = b.scoreRawWindow(win);
    assertTrue(
        s.unified() > quantile(normal, 0.999), s + " vs normal p99.9 " + quantile(normal, 0.999));
    assertTrue(s.perMetric()[5] > 5, s.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"pca", "ae", "baseline"})
  void missingCellsGetNaNResidualsOnly(String kind) {
    ModelBundle b = trained(kind);
    double[][] raw = SyntheticSeries.window(FRESH, 500, b.windowLength());
    raw[3][2] = Double.NaN;
    double[][] z = b.transforms().apply(raw);
    double[][] r = b.model().residuals(z);
    for (int t = 0; t < r.length; t++) {
      for (int j = 0; j < r[t].length; j++) {
        if (t == 3 && j == 2) {
          assertTrue(Double.isNaN(r[t][j]));
        } else {
          assertTrue(Double.isFinite(r[t][j]), kind + " residual at " + t + "," + j);
        }
      }
    }
    assertTrue(Double.isFinite(b.scoreRawWindow(raw).unified()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"pca", "ae", "baseline"})
  void sameSeedGivesBitIdenticalModels(String kind) {
    ModelBundle a = trained(kind);
    ModelBundle b = DetectorTrainer.train(HISTORY, SyntheticSeries.metrics(), options(kind));
    for (int end : new int[] {10, 333, 1500}) {
      double[][] z = a.transforms().apply(SyntheticSeries.window(FRESH, end, a.windowLength()));
      double[][] ra = a.model().residuals(z);
      double[][] rb = b.model().residuals(z);
      for (int t = 0; t < ra.length; t++) {
        assertArrayEquals(ra[t], rb[t], 0.0);
      }
    }
    assertEquals(
        0,
        Double.compare(
            a.calibration().data().unifiedThreshold(), b.calibration().data().unifiedThreshold()));
  }

  @Test
  void autoencoderSeedMatters() {
    ModelBundle a = trained("ae");
    ModelBundle b =
        DetectorTrainer.train(
            HISTORY, SyntheticSeries.metrics(), options("ae").toBuilder().seed(1234).build());
    double[][] z = a.transforms().apply(SyntheticSeries.window(FRESH, 100, a.windowLength()));
    assertFalse(Arrays.deepEquals(a.model().residuals(z), b.model().residuals(z)));
  }

  @Test
  void pcaChoosesFewComponentsForTwoLatentFactors() {
    ModelBundle b = trained("pca");
    int k = ((PcaModel) b.model()).components();
    // 2 latent cycles seen through 8 lagged rows span a low-dimensional subspace; the held-out
    // leave-one-metric-out criterion must not run to the maximum of 47.
    assertTrue(k >= 2 && k <= 20, "k = " + k);
    assertEquals(k, b.summary().components());
    assertTrue(b.summary().holdoutLoss() < 0.5, "held-out loss " + b.summary().holdoutLoss());
  }

  @Test
  void autoencoderLearnsBetterThanPredictingTheMedian() {
    ModelBundle ae = trained("ae");
    ModelBundle base = trained("baseline");
    assertTrue(
        ae.summary().holdoutLoss() < 0.5 * base.summary().holdoutLoss(),
        "ae " + ae.summary().holdoutLoss() + " vs baseline " + base.summary().holdoutLoss());
    assertTrue(ae.summary().epochs() >= 1);
  }

  @Test
  void correctTanhDerivativeMatchesNumericGradient() {
    SmileAutoencoder.CorrectTanh tanh = new SmileAutoencoder.CorrectTanh();
    double[] x = {-2, -0.5, 0, 0.3, 1.7};
    double[] y = x.clone();
    tanh.f(y);
    double[] g = {1, 1, 1, 1, 1};
    tanh.g(g, y);
    for (int i = 0; i < x.length; i++) {
      double h = 1e-6;
      double numeric = (Math.tanh(x[i] + h) - Math.tanh(x[i] - h)) / (2 * h);
      assertEquals(numeric, g[i], 1e-8);
    }
    // Smile 3.1.1's own tanh multiplies by (1-y)^2 instead: the reason CorrectTanh exists.
    double[] builtin = {1};
    smile.base.mlp.ActivationFunction.tanh().g(builtin, new double[] {0.5});
    assertEquals(0.25, builtin[0], 1e-12);
  }

  @Test
  void layerSizesShrinkToABottleneck() {
    assertArrayEquals(new int[] {192, 24, 12, 24, 192}, DetectorTrainer.aeLayerSizes(192));
    assertArrayEquals(new int[] {912, 32, 12, 32, 912}, DetectorTrainer.aeLayerSizes(912));
    assertArrayEquals(new int[] {48, 8, 4, 8, 48}, DetectorTrainer.aeLayerSizes(48));
  }
}
