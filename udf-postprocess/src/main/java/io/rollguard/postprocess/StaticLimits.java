package io.rollguard.postprocess;

import io.rollguard.common.config.MetricSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The configured static limits as a fail-safe: a metric whose newest observed raw value in the
 * window is above its {@code staticLimit.max} or below its {@code staticLimit.min} has breached,
 * whatever the model or fallback says (e.g. a 30% error ratio during the first minutes of a new
 * app, before any history exists). Raw values are in the metric's own unit, before any transform.
 */
public final class StaticLimits {

  private final MetricSpec.StaticLimit[] limits;

  public StaticLimits(List<MetricSpec> metrics) {
    limits = new MetricSpec.StaticLimit[metrics.size()];
    for (int j = 0; j < limits.length; j++) {
      limits[j] = metrics.get(j).staticLimit();
    }
  }

  /** Whether any metric has a limit at all (if not, raw values are not needed). */
  public boolean any() {
    for (MetricSpec.StaticLimit limit : limits) {
      if (limit != null) {
        return true;
      }
    }
    return false;
  }

  /**
   * Indices of the metrics whose newest observed value in the window ({@code latest}, by metric,
   * NaN = none; see {@code RawObservations#latest}) breaches its limit; empty when none does.
   */
  public List<Integer> breaches(double[] latest) {
    List<Integer> out = new ArrayList<>(0);
    for (int j = 0; j < limits.length; j++) {
      MetricSpec.StaticLimit limit = limits[j];
      if (limit == null) {
        continue;
      }
      double newest = latest[j];
      if (Double.isNaN(newest)) {
        continue;
      }
      if ((limit.max() != null && newest > limit.max())
          || (limit.min() != null && newest < limit.min())) {
        out.add(j);
      }
    }
    return out;
  }
}
