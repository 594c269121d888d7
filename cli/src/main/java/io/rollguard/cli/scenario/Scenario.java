package io.rollguard.cli.scenario;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A reproducible stable-vs-canary experiment: {@code historySteps} of stable-only history (what a
 * model trains on), then {@code canarySteps} where a stable and a canary run side by side on the
 * same traffic. Shared effects (e.g. a traffic surge) hit both roles; canary effects (the
 * regressions) hit only the canary and label its rows. Same spec and seed = same numbers, on any
 * JVM.
 *
 * @param name short identifier, used in reports
 * @param seed seeds every random stream of the scenario
 * @param start timestamp of the first history row
 * @param step spacing of rows (e.g. one minute)
 * @param historySteps rows of stable-only history before the canary starts, >= 0
 * @param canarySteps rows of the canary phase, > 0
 * @param profile how the healthy service behaves
 * @param metrics which metrics to emit, in column order (non-empty, no duplicates)
 * @param sharedEffects effects on stable and canary during the canary phase (not regressions)
 * @param canaryEffects effects on the canary only
 * @param missingFraction probability that a cell is missing (NaN), in [0, 1)
 * @param pods how many pods each role runs; every per-pod metric is an average over them, so a role
 *     with fewer pods is noisier (see {@link Pods})
 */
public record Scenario(
    String name,
    long seed,
    Instant start,
    Duration step,
    int historySteps,
    int canarySteps,
    ServiceProfile profile,
    List<ServiceMetric> metrics,
    List<Effect> sharedEffects,
    List<Effect> canaryEffects,
    double missingFraction,
    Pods pods) {

  /**
   * Pods per role. The profile's noise figures are those of one pod; a role's series average its
   * pods, so their noise shrinks with the square root of the pod count, and its error ratio counts
   * the requests of all its pods. The history is the stable's. {@link #SINGLE} (one pod each)
   * reproduces the generator's series from before pod counts existed.
   */
  public record Pods(int stable, int canary) {
    public static final Pods SINGLE = new Pods(1, 1);

    public Pods {
      if (stable < 1 || canary < 1) {
        throw new IllegalArgumentException(
            "scenario field 'pods' needs >= 1 pod per role, got "
                + stable
                + " stable and "
                + canary
                + " canary");
      }
    }
  }

  /** A scenario whose roles run one pod each (the original generator). */
  public Scenario(
      String name,
      long seed,
      Instant start,
      Duration step,
      int historySteps,
      int canarySteps,
      ServiceProfile profile,
      List<ServiceMetric> metrics,
      List<Effect> sharedEffects,
      List<Effect> canaryEffects,
      double missingFraction) {
    this(
        name,
        seed,
        start,
        step,
        historySteps,
        canarySteps,
        profile,
        metrics,
        sharedEffects,
        canaryEffects,
        missingFraction,
        Pods.SINGLE);
  }

  public Scenario {
    Objects.requireNonNull(name, "scenario field 'name' is null");
    Objects.requireNonNull(start, "scenario field 'start' is null");
    Objects.requireNonNull(step, "scenario field 'step' is null");
    Objects.requireNonNull(profile, "scenario field 'profile' is null");
    if (step.isNegative() || step.isZero()) {
      throw new IllegalArgumentException("scenario field 'step' must be > 0, got " + step);
    }
    if (historySteps < 0) {
      throw new IllegalArgumentException(
          "scenario field 'historySteps' must be >= 0, got " + historySteps);
    }
    if (canarySteps <= 0) {
      throw new IllegalArgumentException(
          "scenario field 'canarySteps' must be > 0, got " + canarySteps);
    }
    metrics = List.copyOf(Objects.requireNonNull(metrics, "scenario field 'metrics' is null"));
    if (metrics.isEmpty() || metrics.stream().distinct().count() != metrics.size()) {
      throw new IllegalArgumentException(
          "scenario field 'metrics' must be non-empty without duplicates");
    }
    sharedEffects =
        List.copyOf(
            Objects.requireNonNull(sharedEffects, "scenario field 'sharedEffects' is null"));
    canaryEffects =
        List.copyOf(
            Objects.requireNonNull(canaryEffects, "scenario field 'canaryEffects' is null"));
    if (!(missingFraction >= 0 && missingFraction < 1)) {
      throw new IllegalArgumentException(
          "scenario field 'missingFraction' must be in [0, 1), got " + missingFraction);
    }
    Objects.requireNonNull(pods, "scenario field 'pods' is null");
  }

  /**
   * The common case: one-minute steps starting 2026-01-05T00:00Z (a Monday, midnight so the daily
   * cycle starts at its trough), the web-service profile, all eight metrics, no missing cells.
   */
  public static Scenario of(
      String name,
      long seed,
      int historySteps,
      int canarySteps,
      List<Effect> sharedEffects,
      List<Effect> canaryEffects) {
    return new Scenario(
        name,
        seed,
        Instant.parse("2026-01-05T00:00:00Z"),
        Duration.ofMinutes(1),
        historySteps,
        canarySteps,
        ServiceProfile.webService(),
        ServiceMetric.all(),
        sharedEffects,
        canaryEffects,
        0.0);
  }

  public Scenario withMetrics(List<ServiceMetric> newMetrics) {
    return new Scenario(
        name,
        seed,
        start,
        step,
        historySteps,
        canarySteps,
        profile,
        newMetrics,
        sharedEffects,
        canaryEffects,
        missingFraction,
        pods);
  }

  public Scenario withMissingFraction(double fraction) {
    return new Scenario(
        name,
        seed,
        start,
        step,
        historySteps,
        canarySteps,
        profile,
        metrics,
        sharedEffects,
        canaryEffects,
        fraction,
        pods);
  }

  public Scenario withSeed(long newSeed) {
    return new Scenario(
        name,
        newSeed,
        start,
        step,
        historySteps,
        canarySteps,
        profile,
        metrics,
        sharedEffects,
        canaryEffects,
        missingFraction,
        pods);
  }

  public Scenario withPods(Pods newPods) {
    return new Scenario(
        name,
        seed,
        start,
        step,
        historySteps,
        canarySteps,
        profile,
        metrics,
        sharedEffects,
        canaryEffects,
        missingFraction,
        newPods);
  }

  /** Timestamp of the first canary-phase row. */
  public Instant canaryStart() {
    return start.plus(step.multipliedBy(historySteps));
  }

  /** Metric names in column order. */
  public List<String> metricNames() {
    return metrics.stream().map(ServiceMetric::metricName).toList();
  }

  /** Generates the three series; deterministic in the spec. */
  public ScenarioData generate() {
    return ScenarioGenerator.generate(this);
  }
}
