package io.rollguard.common.detect;

import smile.math.blas.UPLO;
import smile.math.matrix.Matrix;

/**
 * PCA reconstruction of flattened windows: residual = {@code (x - mean) - P^T P (x - mean)} with
 * {@code P} the top-k principal directions (k x d). Scoring is two plain matrix-vector loops over a
 * precomputed projection (no BLAS call, no allocation besides the k-vector), about 2·k·d
 * multiply-adds per window.
 */
final class PcaModel implements AnomalyModel {

  private final int windowLength;
  private final int metrics;
  private final double[] mean; // d
  private final double[] components; // k x d, row-major, orthonormal rows
  private final int k;

  public PcaModel(int windowLength, int metrics, double[] mean, double[] components, int k) {
    int d = windowLength * metrics;
    if (mean.length != d) {
      throw new IllegalArgumentException(
          "PCA mean has " + mean.length + " entries, expected W*metrics=" + d);
    }
    if (k < 0 || k > d || components.length != (long) k * d) {
      throw new IllegalArgumentException(
          "PCA components must be k x d with k <= d = "
              + k
              + " x "
              + d
              + ", got "
              + components.length
              + " values");
    }
    this.windowLength = windowLength;
    this.metrics = metrics;
    this.mean = mean.clone();
    this.components = components.clone();
    this.k = k;
  }

  @Override
  public String kind() {
    return "pca";
  }

  @Override
  public int windowLength() {
    return windowLength;
  }

  @Override
  public int metricCount() {
    return metrics;
  }

  public int components() {
    return k;
  }

  public double[] mean() {
    return mean.clone();
  }

  /** Principal directions, k x d row-major (a copy). */
  public double[] componentMatrix() {
    return components.clone();
  }

  @Override
  public void residualsFlat(double[] window, double[] out) {
    int d = mean.length;
    // Missing cells are imputed with the training median (0 in normalised space) so they do not
    // distort the projection more than necessary; their own residual is reported as NaN below.
    for (int i = 0; i < d; i++) {
      double v = window[i];
      out[i] = (Double.isNaN(v) ? 0.0 : v) - mean[i];
    }
    double[] z = new double[k];
    for (int c = 0; c < k; c++) {
      z[c] = Stats.dot(components, c * d, out, d);
    }
    for (int c = 0; c < k; c++) {
      double zc = z[c];
      int off = c * d;
      for (int i = 0; i < d; i++) {
        out[i] -= components[off + i] * zc;
      }
    }
    for (int i = 0; i < d; i++) {
      if (Double.isNaN(window[i])) {
        out[i] = Double.NaN;
      }
    }
  }

  /** Result of a PCA fit: the model plus what model selection saw. */
  record Fit(PcaModel model, double[] cvErrorByGrid, int[] grid) {}

  /**
   * Fits on {@code train}, chooses k on {@code holdout}, drops the {@code trimFraction} worst
   * training windows and fits again (k re-chosen), so anomalies in the history do not become
   * components.
   */
  static Fit fit(
      WindowSet train,
      WindowSet holdout,
      double trimFraction,
      double tolerance,
      boolean robustTail) {
    double cvTrim = robustTail ? CV_TRIM : 0.0;
    Eigen e = eigen(train);
    int k = chooseK(e, holdout, tolerance, cvTrim).chosen;
    if (trimFraction > 0) {
      PcaModel first = e.model(k);
      int[] keep = WindowSet.keepBelowTrim(train.meanSquaredResiduals(first), trimFraction);
      e = eigen(train.subset(keep));
    }
    Selection sel = chooseK(e, holdout, tolerance, cvTrim);
    return new Fit(e.model(sel.chosen), sel.errors, sel.grid);
  }

  /** Mean and eigen-decomposition of the window covariance (descending eigenvalues). */
  private record Eigen(
      int windowLength, int metrics, double[] mean, double[][] vectors, double[] values) {
    /** vectors[c] = c-th principal direction (length d). */
    PcaModel model(int k) {
      int d = mean.length;
      double[] p = new double[k * d];
      for (int c = 0; c < k; c++) {
        System.arraycopy(vectors[c], 0, p, c * d, d);
      }
      return new PcaModel(windowLength, metrics, mean, p, k);
    }
  }

  /**
   * Cap on windows entering the covariance: stride-1 windows overlap in W-1 of W rows, so an evenly
   * spaced subset of this size estimates the same covariance at a fraction of the n*d^2 cost.
   */
  private static final int COVARIANCE_MAX_WINDOWS = 4096;

  private static Eigen eigen(WindowSet all) {
    WindowSet set = all.evenSubset(COVARIANCE_MAX_WINDOWS);
    int d = set.dimension();
    int n = set.size();
    double[] mean = new double[d];
    double[] x = new double[d];
    for (int i = 0; i < n; i++) {
      set.flattenImputed(i, x);
      for (int a = 0; a < d; a++) {
        mean[a] += x[a];
      }
    }
    for (int a = 0; a < d; a++) {
      mean[a] /= Math.max(1, n);
    }
    // Lower triangle of the covariance in plain loops: deterministic (no threaded BLAS reduction)
    // and fast enough (n*d^2/2 multiply-adds).
    double[][] cov = new double[d][];
    for (int a = 0; a < d; a++) {
      cov[a] = new double[a + 1];
    }
    for (int i = 0; i < n; i++) {
      set.flattenImputed(i, x);
      for (int a = 0; a < d; a++) {
        x[a] -= mean[a];
      }
      for (int a = 0; a < d; a++) {
        double xa = x[a];
        if (xa == 0.0) {
          continue;
        }
        double[] row = cov[a];
        for (int b = 0; b <= a; b++) {
          row[b] += xa * x[b];
        }
      }
    }
    Matrix c = new Matrix(d, d);
    double norm = 1.0 / Math.max(1, n - 1);
    for (int a = 0; a < d; a++) {
      for (int b = 0; b <= a; b++) {
        double v = cov[a][b] * norm;
        c.set(a, b, v);
        c.set(b, a, v);
      }
    }
    c.uplo(UPLO.LOWER);
    Matrix.EVD evd = c.eigen(false, true, true).sort();
    Matrix v = evd.Vr;
    double[][] vectors = new double[d][d];
    for (int col = 0; col < d; col++) {
      for (int a = 0; a < d; a++) {
        vectors[col][a] = v.get(a, col);
      }
    }
    return new Eigen(set.windowLength, set.metrics, mean, vectors, evd.wr.clone());
  }

  private record Selection(int chosen, int[] grid, double[] errors) {}

  /**
   * Small ridge keeps the leave-one-metric-out solve defined when a component lives in one metric.
   */
  private static final double CV_RIDGE = 1e-3;

  /**
   * Cap on held-out windows used for model selection; evenly spaced so the choice is deterministic.
   */
  private static final int CV_MAX_WINDOWS = 1000;

  /**
   * Chooses k by leave-one-metric-out prediction on the held-out windows: in window i the metric
   * {@code i mod M} is hidden in every row, its values are predicted from the other cells through
   * the k-component subspace (least squares on the observed coordinates), and the squared
   * prediction error is summed. Too few components miss the cross-metric structure, too many fit
   * the visible cells' noise and predict the hidden metric worse, so the curve has a real minimum
   * (unlike the plain reconstruction error, which always falls with k). The fewest components
   * within {@code tolerance} (relative) of the minimum win. With {@code cvTrim > 0} the worst
   * windows are left out of the per-k mean.
   */
  private static Selection chooseK(Eigen e, WindowSet holdout, double tolerance, double cvTrim) {
    int d = e.mean.length;
    int w = e.windowLength;
    int m = e.metrics;
    int kmax = Math.min(d - 1, 160);
    if (kmax < 1 || holdout.size() == 0) {
      return new Selection(Math.max(0, Math.min(1, d - 1)), new int[0], new double[0]);
    }
    int[] grid = grid(kmax);
    // Cholesky factors of (I - Ph^T Ph + ridge I) per (grid k, hidden metric j).
    double[][][] chol = new double[grid.length][m][];
    for (int g = 0; g < grid.length; g++) {
      int k = grid[g];
      for (int j = 0; j < m; j++) {
        double[] a = new double[k * k];
        for (int p = 0; p < k; p++) {
          for (int q = 0; q <= p; q++) {
            double s = 0;
            for (int t = 0; t < w; t++) {
              int idx = t * m + j;
              s += e.vectors[p][idx] * e.vectors[q][idx];
            }
            double val = (p == q ? 1.0 + CV_RIDGE : 0.0) - s;
            a[p * k + q] = val;
            a[q * k + p] = val;
          }
        }
        chol[g][j] = cholesky(a, k);
      }
    }
    int n = holdout.size();
    int step = Math.max(1, n / CV_MAX_WINDOWS);
    int used = (n + step - 1) / step;
    // Per-window errors, so the aggregate can drop the worst windows: anomalies in the tail would
    // otherwise dominate a plain sum and favour too few components.
    double[][] perWindow = new double[grid.length][used];
    double[] perWindow0 = new double[used];
    boolean[] valid = new boolean[used];
    double[] raw = new double[d];
    double[] xc = new double[d];
    double[] visible = new double[d];
    double[] z = new double[kmax];
    double[] sol = new double[kmax];
    for (int i = 0, count = 0; i < n; i += step, count++) {
      int j = count % m;
      holdout.flatten(i, raw);
      boolean anyHidden = false;
      for (int a = 0; a < d; a++) {
        double v = raw[a];
        xc[a] = (Double.isNaN(v) ? 0.0 : v) - e.mean[a];
      }
      for (int t = 0; t < w; t++) {
        if (!Double.isNaN(raw[t * m + j])) {
          anyHidden = true;
        }
      }
      if (!anyHidden) {
        continue;
      }
      valid[count] = true;
      // z = V^T x with the hidden metric's cells zeroed = Po^T xo
      // Hide metric j: zero its cells in a copy, then z = V^T x = Po^T xo.
      System.arraycopy(xc, 0, visible, 0, d);
      for (int t = 0; t < w; t++) {
        visible[t * m + j] = 0.0;
      }
      for (int c = 0; c < kmax; c++) {
        double s = 0;
        double[] vc = e.vectors[c];
        for (int a = 0; a < d; a++) {
          s += vc[a] * visible[a];
        }
        z[c] = s;
      }
      for (int t = 0; t < w; t++) {
        int idx = t * m + j;
        if (!Double.isNaN(raw[idx])) {
          perWindow0[count] += xc[idx] * xc[idx];
        }
      }
      for (int g = 0; g < grid.length; g++) {
        int k = grid[g];
        System.arraycopy(z, 0, sol, 0, k);
        choleskySolve(chol[g][j], k, sol);
        for (int t = 0; t < w; t++) {
          int idx = t * m + j;
          if (Double.isNaN(raw[idx])) {
            continue;
          }
          double pred = 0;
          for (int c = 0; c < k; c++) {
            pred += e.vectors[c][idx] * sol[c];
          }
          double diff = xc[idx] - pred;
          perWindow[g][count] += diff * diff;
        }
      }
    }
    int validCount = 0;
    for (boolean v : valid) {
      validCount += v ? 1 : 0;
    }
    if (validCount == 0) {
      return new Selection(1, grid, new double[grid.length]);
    }
    double err0 = trimmedValidMean(perWindow0, valid, cvTrim);
    double[] err = new double[grid.length];
    for (int g = 0; g < grid.length; g++) {
      err[g] = trimmedValidMean(perWindow[g], valid, cvTrim);
    }
    double best = err0;
    for (double v : err) {
      best = Math.min(best, v);
    }
    int chosen = grid[grid.length - 1];
    for (int g = 0; g < grid.length; g++) {
      if (err[g] <= best * (1 + tolerance)) {
        chosen = grid[g];
        break;
      }
    }
    return new Selection(chosen, grid, err);
  }

  /**
   * Share of the worst held-out windows left out of the selection criterion when the tail is
   * treated as possibly contaminated ({@link TrainingOptions#robustTail()}): anomaly bursts in the
   * tail would otherwise dominate the sum and favour too few components.
   */
  static final double CV_TRIM = 0.05;

  private static double trimmedValidMean(double[] values, boolean[] valid, double trim) {
    double[] v = new double[values.length];
    int n = 0;
    for (int i = 0; i < values.length; i++) {
      if (valid[i]) {
        v[n++] = values[i];
      }
    }
    v = java.util.Arrays.copyOf(v, n);
    java.util.Arrays.sort(v);
    int keep = Math.max(1, n - (int) Math.floor(n * trim));
    double s = 0;
    for (int i = 0; i < keep; i++) {
      s += v[i];
    }
    return s / keep;
  }

  /** Candidate component counts: every k up to 8, then about 20% apart. */
  static int[] grid(int kmax) {
    java.util.List<Integer> g = new java.util.ArrayList<>();
    int k = 1;
    while (k <= kmax) {
      g.add(k);
      k = k < 8 ? k + 1 : (int) Math.ceil(k * 1.2);
    }
    if (g.get(g.size() - 1) != kmax) {
      g.add(kmax);
    }
    return g.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Lower Cholesky factor of a symmetric positive-definite k x k matrix (row-major). */
  private static double[] cholesky(double[] a, int k) {
    double[] l = new double[k * k];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j <= i; j++) {
        double s = a[i * k + j];
        for (int p = 0; p < j; p++) {
          s -= l[i * k + p] * l[j * k + p];
        }
        if (i == j) {
          l[i * k + i] = Math.sqrt(Math.max(s, 1e-12));
        } else {
          l[i * k + j] = s / l[j * k + j];
        }
      }
    }
    return l;
  }

  /** Solves L L^T x = b in place (first k entries of b). */
  private static void choleskySolve(double[] l, int k, double[] b) {
    for (int i = 0; i < k; i++) {
      double s = b[i];
      for (int p = 0; p < i; p++) {
        s -= l[i * k + p] * b[p];
      }
      b[i] = s / l[i * k + i];
    }
    for (int i = k - 1; i >= 0; i--) {
      double s = b[i];
      for (int p = i + 1; p < k; p++) {
        s -= l[p * k + i] * b[p];
      }
      b[i] = s / l[i * k + i];
    }
  }
}
