package io.rollguard.window;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Objects;

/**
 * The window vertex's counters. Labels are bounded enums only, never per-entity values: a scoring
 * key appears in logs, not in label sets.
 *
 * <p>With sliding windows every sample is handed to each of the {@code lengthSteps} windows that
 * contain it, so sample counts are "sample in a window" events, about {@code lengthSteps} per
 * sample.
 */
final class WindowMetrics {

  static final String SAMPLES = "rollguard_window_samples_total";
  static final String SAMPLES_DISCARDED = "rollguard_window_samples_discarded_total";
  static final String WINDOWS = "rollguard_window_windows_total";

  static final String EMITTED = "emitted";
  static final String ACCEPTED = "accepted";
  static final String DUPLICATE = "duplicate";
  static final String OUT_OF_WINDOW = "out_of_window";

  private final Counter samples;
  private final Counter samplesDiscarded;
  private final Counter windows;

  WindowMetrics(PrometheusRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    samples =
        Counter.builder()
            .name(SAMPLES)
            .help(
                "Input messages per window they fall in, by outcome: accepted (collected) or"
                    + " rejected_<reason> (skipped)")
            .labelNames("outcome")
            .register(registry);
    samplesDiscarded =
        Counter.builder()
            .name(SAMPLES_DISCARDED)
            .help(
                "Accepted samples not used when the window was assembled: duplicate (same key and"
                    + " timestamp, e.g. HA Prometheus pairs) or out_of_window")
            .labelNames("reason")
            .register(registry);
    windows =
        Counter.builder()
            .name(WINDOWS)
            .help("Closed windows by outcome: emitted or dropped_<reason>")
            .labelNames("outcome")
            .register(registry);
    // Export every series from the start, so rates and alerts see 0 rather than "no data".
    samples.initLabelValues(ACCEPTED);
    for (SampleRejection rejection : SampleRejection.values()) {
      samples.initLabelValues(rejection.outcomeLabel());
    }
    samplesDiscarded.initLabelValues(DUPLICATE);
    samplesDiscarded.initLabelValues(OUT_OF_WINDOW);
    windows.initLabelValues(EMITTED);
    for (DropReason reason : DropReason.values()) {
      windows.initLabelValues(reason.outcomeLabel());
    }
  }

  void sampleAccepted() {
    samples.labelValues(ACCEPTED).inc();
  }

  void sampleRejected(SampleRejection rejection) {
    samples.labelValues(rejection.outcomeLabel()).inc();
  }

  void samplesDiscarded(AssemblyStats stats) {
    if (stats.duplicates() > 0) {
      samplesDiscarded.labelValues(DUPLICATE).inc(stats.duplicates());
    }
    if (stats.outOfWindow() > 0) {
      samplesDiscarded.labelValues(OUT_OF_WINDOW).inc(stats.outOfWindow());
    }
  }

  void windowEmitted() {
    windows.labelValues(EMITTED).inc();
  }

  void windowDropped(DropReason reason) {
    windows.labelValues(reason.outcomeLabel()).inc();
  }
}
