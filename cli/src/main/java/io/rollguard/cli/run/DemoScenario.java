package io.rollguard.cli.run;

import io.rollguard.cli.scenario.Effect;
import io.rollguard.cli.scenario.Scenario;
import io.rollguard.cli.scenario.ServiceMetric;
import io.rollguard.cli.scenario.ServiceProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The scenarios {@code rollguard run} replays: a web service with a daily traffic cycle and noise,
 * {@code historyDays} of stable-only history (what the model trains on), then a canary phase where
 * a stable and a canary run side by side.
 *
 * @param kind which canary: with the injected regression, or identical to the stable
 * @param scenario the generator's spec
 * @param onsetStep canary-phase step where the regression starts, or -1 for a clean canary
 * @param description one line for the console and the report
 */
record DemoScenario(Kind kind, Scenario scenario, int onsetStep, String description) {

  /** The {@code --scenario} choices. */
  enum Kind {
    /**
     * The canary's p99 latency rises by 400 ms and 3% of its requests fail, from {@link
     * #ONSET_STEP}.
     */
    REGRESSION,
    /** The canary behaves like the stable: only noise. */
    CLEAN;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The first history row: a Monday at midnight UTC, so day and week cycles start at their trough.
   */
  static final Instant HISTORY_START = Instant.parse("2026-01-05T00:00:00Z");

  /** The canary starts at 10:00 on the day after the history, when traffic is rising. */
  static final Duration CANARY_TIME_OF_DAY = Duration.ofHours(10);

  /**
   * Twenty healthy minutes first, so the report shows the canary before and after the regression.
   */
  static final int ONSET_STEP = 20;

  static final double LATENCY_INCREASE_MS = 400;
  static final double ERROR_RATIO = 0.03;

  DemoScenario {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(scenario, "scenario");
  }

  /**
   * @param metricNames the configured metrics, in column order; each must be one the generator
   *     emits ({@link ServiceMetric})
   */
  static DemoScenario of(
      Kind kind,
      long seed,
      int historyDays,
      int canarySteps,
      Duration step,
      List<String> metricNames) {
    if (historyDays < 1) {
      throw new IllegalArgumentException("--history-days must be >= 1, got " + historyDays);
    }
    if (canarySteps < 1) {
      throw new IllegalArgumentException("--canary-minutes must be >= 1, got " + canarySteps);
    }
    long historySteps =
        Duration.ofDays(historyDays).plus(CANARY_TIME_OF_DAY).toMillis() / step.toMillis();
    if (historySteps > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "--history-days " + historyDays + " is too long for step " + step);
    }
    List<ServiceMetric> metrics = new ArrayList<>();
    for (String name : metricNames) {
      metrics.add(serviceMetric(name));
    }
    List<Effect> canaryEffects = new ArrayList<>();
    int onset = -1;
    String description;
    if (kind == Kind.REGRESSION) {
      onset = Math.min(ONSET_STEP, canarySteps / 3);
      canaryEffects.add(Effect.latencyIncreaseMs(onset, LATENCY_INCREASE_MS));
      canaryEffects.add(Effect.errorRatio(onset, ERROR_RATIO));
      description =
          String.format(
              Locale.ROOT,
              "from canary minute %d the canary's latency rises by %.0f ms and %.0f%% of its requests fail (baseline %.1f%%)",
              onset * step.toSeconds() / 60,
              LATENCY_INCREASE_MS,
              ERROR_RATIO * 100,
              ServiceProfile.webService().errorRatio() * 100);
    } else {
      description = "the canary behaves like the stable (same traffic, same noise level)";
    }
    Scenario scenario =
        new Scenario(
            "rollguard-run-" + kind.label(),
            seed,
            HISTORY_START,
            step,
            (int) historySteps,
            canarySteps,
            ServiceProfile.webService(),
            metrics,
            List.of(),
            canaryEffects,
            0.0);
    return new DemoScenario(kind, scenario, onset, description);
  }

  private static ServiceMetric serviceMetric(String name) {
    for (ServiceMetric m : ServiceMetric.values()) {
      if (m.metricName().equals(name)) {
        return m;
      }
    }
    List<String> known = new ArrayList<>();
    for (ServiceMetric m : ServiceMetric.values()) {
      known.add(m.metricName());
    }
    throw new IllegalArgumentException(
        "metrics: the scenario generator cannot produce metric '"
            + name
            + "'; the embedded scenario knows "
            + known
            + " (use the default config, or --prometheus-url)");
  }
}
