package io.rollguard.inference.trainer;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.stage.Rejection;

/**
 * The trainer's metrics; labels are bounded enums, never entities: {@code
 * rollguard_trainer_requests_total{outcome}} (a {@link TrainingOutcome} or {@code
 * rejected_<reason>} for undecodable requests), {@code rollguard_trainer_duration_seconds{outcome}}
 * (from dequeue to outcome, every outcome, so failures that take long are visible) and {@code
 * rollguard_trainer_in_flight} (trainings queued or running in this pod).
 */
public final class TrainerMetrics {

  public static final String REQUESTS = "rollguard_trainer_requests_total";
  public static final String DURATION = "rollguard_trainer_duration_seconds";

  private final Counter requests;
  private final Histogram duration;
  private final Gauge inFlight;

  public TrainerMetrics(PrometheusRegistry registry) {
    requests =
        Counter.builder()
            .name(REQUESTS)
            .help("Train requests by outcome")
            .labelNames("outcome")
            .register(registry);
    duration =
        Histogram.builder()
            .name(DURATION)
            .help(
                "Time from picking a train request up to its outcome (fetch, fit, save), by outcome")
            .labelNames("outcome")
            .classicUpperBounds(0.01, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900)
            .register(registry);
    inFlight =
        Gauge.builder()
            .name("rollguard_trainer_in_flight")
            .help("Trainings queued or running in this pod")
            .register(registry);
    for (TrainingOutcome outcome : TrainingOutcome.values()) {
      requests.initLabelValues(outcome.label());
      duration.initLabelValues(outcome.label());
    }
    for (Rejection rejection : Rejection.values()) {
      requests.initLabelValues(rejection.outcomeLabel());
    }
  }

  void outcome(TrainingOutcome outcome, double seconds) {
    requests.labelValues(outcome.label()).inc();
    duration.labelValues(outcome.label()).observe(seconds);
  }

  /** An outcome decided without any work (nothing to time). */
  void outcome(TrainingOutcome outcome) {
    requests.labelValues(outcome.label()).inc();
  }

  public void rejected(Rejection rejection) {
    requests.labelValues(rejection.outcomeLabel()).inc();
  }

  void inFlight(int value) {
    inFlight.set(value);
  }
}
