package io.rollguard.common.detect;

import java.util.List;
import java.util.Objects;

/**
 * Everything needed to score one key: metric definitions (column order), transforms, model,
 * calibration and the training summary. Immutable; {@link BundleCodec} stores it as one artifact.
 */
public final class ModelBundle {

  private final List<MetricDef> metrics;
  private final FittedTransforms transforms;
  private final AnomalyModel model;
  private final Calibration calibration;
  private final TrainingSummary summary;

  public ModelBundle(
      List<MetricDef> metrics,
      FittedTransforms transforms,
      AnomalyModel model,
      Calibration calibration,
      TrainingSummary summary) {
    this.metrics = List.copyOf(metrics);
    this.transforms = Objects.requireNonNull(transforms, "transforms");
    this.model = Objects.requireNonNull(model, "model");
    this.calibration = Objects.requireNonNull(calibration, "calibration");
    this.summary = Objects.requireNonNull(summary, "summary");
    int m = this.metrics.size();
    if (transforms.metricCount() != m
        || model.metricCount() != m
        || calibration.metricCount() != m) {
      throw new IllegalArgumentException(
          "transforms, model and calibration must all cover the " + m + " metrics");
    }
    if (model.windowLength() != calibration.windowLength()) {
      throw new IllegalArgumentException(
          "model window length "
              + model.windowLength()
              + " differs from calibration window length "
              + calibration.windowLength());
    }
  }

  public List<MetricDef> metrics() {
    return metrics;
  }

  /**
   * Whether this bundle can score a window with these columns and rows: the same metrics in the
   * same order and the same window length (a bundle trained before a configuration change cannot).
   */
  public boolean fits(List<String> windowMetrics, int rows) {
    return windowLength() == rows && metricNames().equals(windowMetrics);
  }

  public List<String> metricNames() {
    return metrics.stream().map(MetricDef::name).toList();
  }

  public FittedTransforms transforms() {
    return transforms;
  }

  public AnomalyModel model() {
    return model;
  }

  public Calibration calibration() {
    return calibration;
  }

  public TrainingSummary summary() {
    return summary;
  }

  public int windowLength() {
    return model.windowLength();
  }

  /** The three stages in order on a raw window {@code [W x metrics]} (NaN = missing). */
  public WindowScore scoreRawWindow(double[][] rawWindow) {
    int w = windowLength();
    int m = metrics.size();
    AnomalyModel.checkShape(rawWindow, w, m);
    double[] flat = new double[w * m];
    double[] row = new double[m];
    for (int t = 0; t < w; t++) {
      transforms.applyRow(rawWindow[t], row);
      System.arraycopy(row, 0, flat, t * m, m);
    }
    double[] res = new double[w * m];
    model.residualsFlat(flat, res);
    return calibration.scoreFlat(res);
  }
}
