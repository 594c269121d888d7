package io.rollguard.window;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

/** Reads counter values from a registry the way a scrape sees them. */
final class Counters {

  private Counters() {}

  /**
   * The value of counter {@code name} (as registered, e.g. {@code rollguard_window_samples_total})
   * at {@code label=value}; fails if the series does not exist.
   */
  static double value(PrometheusRegistry registry, String name, String label, String value) {
    String baseName = name.endsWith("_total") ? name.substring(0, name.length() - 6) : name;
    for (MetricSnapshot snapshot : registry.scrape()) {
      if (snapshot instanceof CounterSnapshot counter
          && counter.getMetadata().getName().equals(baseName)) {
        for (CounterSnapshot.CounterDataPointSnapshot point : counter.getDataPoints()) {
          if (value.equals(point.getLabels().get(label))) {
            return point.getValue();
          }
        }
      }
    }
    throw new AssertionError("no series " + name + "{" + label + "=\"" + value + "\"}");
  }
}
