package io.rollguard.common.detect;

import java.util.Random;
import smile.base.mlp.ActivationFunction;
import smile.base.mlp.Cost;
import smile.base.mlp.HiddenLayer;
import smile.base.mlp.InputLayer;
import smile.base.mlp.Layer;
import smile.base.mlp.MultilayerPerceptron;
import smile.base.mlp.OutputFunction;
import smile.base.mlp.OutputLayer;
import smile.math.TimeFunction;

/**
 * Training side of the autoencoder: Smile 3.1.1's {@link MultilayerPerceptron} driven through its
 * protected propagate/backpropagate/update hooks with target = input ({@code smile.regression.MLP}
 * is single-output, so it cannot reconstruct a vector). Hidden layers use {@link CorrectTanh}
 * because Smile 3.1.1's built-in tanh multiplies by (1-y)^2 instead of 1-y^2. Weights are
 * initialised from our own seeded {@link Random} (not Smile's global RNG) so a seed fully
 * determines the result; they are exported to {@link AutoencoderModel} for scoring.
 */
final class SmileAutoencoder extends MultilayerPerceptron {
  private static final long serialVersionUID = 1L;

  /** tanh with the derivative written in terms of the output: f'(x) = 1 - y^2. */
  static final class CorrectTanh implements ActivationFunction {
    private static final long serialVersionUID = 1L;

    @Override
    public String name() {
      return "tanh";
    }

    @Override
    public void f(double[] x) {
      for (int i = 0; i < x.length; i++) {
        x[i] = Stats.tanh(x[i]);
      }
    }

    @Override
    public void g(double[] g, double[] y) {
      for (int i = 0; i < g.length; i++) {
        g[i] *= 1.0 - y[i] * y[i];
      }
    }
  }

  /** Access to a layer's weights for seeding, snapshots and export. */
  private interface WeightAccess {
    double[] exportWeights();

    double[] exportBias();

    void importWeights(double[] w, double[] b);
  }

  private static final class Hidden extends HiddenLayer implements WeightAccess {
    private static final long serialVersionUID = 1L;

    Hidden(int n, int p, Random rnd) {
      super(n, p, 0.0, new CorrectTanh());
      glorot(this, n, p, rnd);
    }

    @Override
    public double[] exportWeights() {
      return export(weight, n, p);
    }

    @Override
    public double[] exportBias() {
      return bias.clone();
    }

    @Override
    public void importWeights(double[] w, double[] b) {
      load(weight, n, p, w);
      System.arraycopy(b, 0, bias, 0, n);
    }
  }

  private static final class Output extends OutputLayer implements WeightAccess {
    private static final long serialVersionUID = 1L;

    Output(int n, int p, Random rnd) {
      super(n, p, OutputFunction.LINEAR, Cost.MEAN_SQUARED_ERROR);
      glorot(this, n, p, rnd);
    }

    @Override
    public double[] exportWeights() {
      return export(weight, n, p);
    }

    @Override
    public double[] exportBias() {
      return bias.clone();
    }

    @Override
    public void importWeights(double[] w, double[] b) {
      load(weight, n, p, w);
      System.arraycopy(b, 0, bias, 0, n);
    }
  }

  private static void glorot(WeightAccess layer, int n, int p, Random rnd) {
    double r = Math.sqrt(6.0 / (n + p));
    double[] w = new double[n * p];
    for (int i = 0; i < w.length; i++) {
      w[i] = (2 * rnd.nextDouble() - 1) * r;
    }
    layer.importWeights(w, new double[n]);
  }

  private static double[] export(smile.math.matrix.Matrix m, int n, int p) {
    double[] w = new double[n * p];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < p; j++) {
        w[i * p + j] = m.get(i, j);
      }
    }
    return w;
  }

  private static void load(smile.math.matrix.Matrix m, int n, int p, double[] w) {
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < p; j++) {
        m.set(i, j, w[i * p + j]);
      }
    }
  }

  private final int[] sizes;

  private SmileAutoencoder(int[] sizes, Layer[] layers) {
    super(layers);
    this.sizes = sizes;
    // Momentum SGD converged best in the Smile 3.1.1 study (smile-ml.md §2a).
    setLearningRate(TimeFunction.constant(0.01));
    setMomentum(TimeFunction.constant(0.9));
  }

  static SmileAutoencoder create(int[] sizes, long seed) {
    Random rnd = new Random(seed);
    Layer[] layers = new Layer[sizes.length];
    layers[0] = new InputLayer(sizes[0]);
    for (int l = 1; l < sizes.length - 1; l++) {
      layers[l] = new Hidden(sizes[l], sizes[l - 1], rnd);
    }
    int last = sizes.length - 1;
    layers[last] = new Output(sizes[last], sizes[last - 1], rnd);
    return new SmileAutoencoder(sizes.clone(), layers);
  }

  /**
   * One mini-batch step. {@code mask[i]} false = the cell was missing: its target is set to the
   * network's own output so it contributes no gradient (masked loss, no zero-filled targets).
   */
  void trainBatch(double[][] inputs, boolean[][] masks, int count) {
    for (int s = 0; s < count; s++) {
      double[] x = inputs[s];
      propagate(x, true);
      double[] target = this.target.get();
      double[] out = output.output();
      boolean[] mask = masks[s];
      for (int i = 0; i < x.length; i++) {
        target[i] = mask[i] ? x[i] : out[i];
      }
      backpropagate(false);
    }
    update(count);
    t++;
  }

  /** Layer l of sizes (1 = first hidden); Smile keeps the output layer outside {@code net}. */
  private WeightAccess layer(int l) {
    return l == sizes.length - 1 ? (WeightAccess) output : (WeightAccess) net[l];
  }

  /** Current weights as an inference model. */
  AutoencoderModel export(int windowLength, int metrics) {
    double[][] w = new double[sizes.length - 1][];
    double[][] b = new double[sizes.length - 1][];
    for (int l = 1; l < sizes.length; l++) {
      WeightAccess a = layer(l);
      w[l - 1] = a.exportWeights();
      b[l - 1] = a.exportBias();
    }
    return new AutoencoderModel(windowLength, metrics, sizes, w, b);
  }

  /** Restores weights from an exported model (used to roll back to the best epoch). */
  void restore(AutoencoderModel m) {
    for (int l = 1; l < sizes.length; l++) {
      layer(l).importWeights(m.weights(l - 1), m.biases(l - 1));
    }
  }
}
