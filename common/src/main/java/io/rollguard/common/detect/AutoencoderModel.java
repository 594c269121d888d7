package io.rollguard.common.detect;

/**
 * Dense autoencoder on flattened windows, inference side: tanh hidden layers and a linear output
 * layer, weights in plain arrays. Training happens in {@link SmileAutoencoder} (Smile's
 * MultilayerPerceptron with a correct tanh derivative); its weights are copied here so scoring is
 * allocation-light plain loops with no JNI call, and a reloaded bundle runs the exact same
 * arithmetic (bit-for-bit identical scores).
 */
final class AutoencoderModel implements AnomalyModel {

  private final int windowLength;
  private final int metrics;
  private final int[] sizes; // layer widths, sizes[0] = sizes[last] = d
  private final double[][] weights; // layer l: sizes[l+1] x sizes[l], row-major
  private final double[][] biases; // layer l: sizes[l+1]
  // Expanding layers (out > in, the decoder) are also kept transposed (in x out): their product is
  // then a sequence of vectorisable axpy loops instead of many short dot products.
  private final double[][] transposed;

  public AutoencoderModel(
      int windowLength, int metrics, int[] sizes, double[][] weights, double[][] biases) {
    int d = windowLength * metrics;
    if (sizes.length < 3 || sizes[0] != d || sizes[sizes.length - 1] != d) {
      throw new IllegalArgumentException(
          "autoencoder layer sizes must start and end with W*metrics="
              + d
              + " and have a hidden layer");
    }
    if (weights.length != sizes.length - 1 || biases.length != sizes.length - 1) {
      throw new IllegalArgumentException(
          "autoencoder needs " + (sizes.length - 1) + " weight matrices and bias vectors");
    }
    for (int l = 0; l < weights.length; l++) {
      if (sizes[l + 1] < 1
          || weights[l].length != (long) sizes[l + 1] * sizes[l]
          || biases[l].length != sizes[l + 1]) {
        throw new IllegalArgumentException(
            "autoencoder layer " + l + " must be " + sizes[l + 1] + " x " + sizes[l]);
      }
    }
    this.windowLength = windowLength;
    this.metrics = metrics;
    this.sizes = sizes.clone();
    this.weights = new double[weights.length][];
    this.biases = new double[biases.length][];
    this.transposed = new double[weights.length][];
    for (int l = 0; l < weights.length; l++) {
      this.weights[l] = weights[l].clone();
      this.biases[l] = biases[l].clone();
      int in = sizes[l];
      int out = sizes[l + 1];
      if (out > in) {
        double[] t = new double[in * out];
        for (int o = 0; o < out; o++) {
          for (int i = 0; i < in; i++) {
            t[i * out + o] = weights[l][o * in + i];
          }
        }
        transposed[l] = t;
      }
    }
  }

  @Override
  public String kind() {
    return "ae";
  }

  @Override
  public int windowLength() {
    return windowLength;
  }

  @Override
  public int metricCount() {
    return metrics;
  }

  public int[] layerSizes() {
    return sizes.clone();
  }

  public double[] weights(int layer) {
    return weights[layer].clone();
  }

  public double[] biases(int layer) {
    return biases[layer].clone();
  }

  /** Width of the narrowest hidden layer. */
  public int bottleneck() {
    int b = Integer.MAX_VALUE;
    for (int l = 1; l < sizes.length - 1; l++) {
      b = Math.min(b, sizes[l]);
    }
    return b;
  }

  @Override
  public void residualsFlat(double[] window, double[] out) {
    int d = sizes[0];
    double[] cur = new double[d];
    for (int i = 0; i < d; i++) {
      double v = window[i];
      cur[i] = Double.isNaN(v) ? 0.0 : v; // training median imputation, see AnomalyModel
    }
    int last = weights.length - 1;
    for (int l = 0; l <= last; l++) {
      int in = sizes[l];
      int outN = sizes[l + 1];
      double[] w = weights[l];
      double[] b = biases[l];
      double[] next = l == last ? out : new double[outN];
      double[] t = transposed[l];
      if (t != null) {
        System.arraycopy(b, 0, next, 0, outN);
        for (int i = 0; i < in; i++) {
          double c = cur[i];
          int off = i * outN;
          for (int o = 0; o < outN; o++) {
            next[o] += t[off + o] * c;
          }
        }
        if (l != last) {
          for (int o = 0; o < outN; o++) {
            next[o] = Stats.tanh(next[o]);
          }
        }
      } else {
        for (int o = 0; o < outN; o++) {
          double s = b[o] + Stats.dot(w, o * in, cur, in);
          next[o] = l == last ? s : Stats.tanh(s);
        }
      }
      cur = next;
    }
    for (int i = 0; i < d; i++) {
      double v = window[i];
      out[i] = Double.isNaN(v) ? Double.NaN : v - out[i];
    }
  }
}
