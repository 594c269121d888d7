package io.rollguard.cli.eval;

import io.rollguard.cli.scenario.Effect;
import io.rollguard.cli.scenario.Scenario;
import io.rollguard.cli.scenario.ServiceMetric;
import io.rollguard.cli.scenario.ServiceProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One scenario of the canary benchmark ({@code evaluate canary}, issue 9): a service with a daily
 * cycle and noise, {@code historyDays} of stable history, then a {@link #CANARY_STEPS}-minute
 * canary phase where 1 canary pod runs next to {@link #STABLE_PODS} stable pods (every metric a
 * per-pod average, so the lone canary pod is about three times as noisy as the stable), starting at
 * {@code canaryTimeOfDay} UTC. Effects start at canary minute {@code onset}, when the canary's
 * windows are full.
 *
 * @param expectation what the verdict must do
 * @param deadline minutes after onset by which a must-fail scenario must have failed
 * @param injectedMetric the metric a single-metric regression changes (the fail's top metric must
 *     be it); null when several change or none
 */
public record CanaryScenario(
    String name,
    Expectation expectation,
    List<Effect> shared,
    List<Effect> canary,
    int onset,
    int deadline,
    Duration canaryTimeOfDay,
    int historyDays,
    String injectedMetric) {

  /** The benchmark's gates. */
  public enum Expectation {
    /** Must fail within the deadline (and never before onset). */
    MUST_FAIL,
    /** Reported, not gated. */
    REPORTED,
    /** Must never fail. */
    NEVER_FAIL,
    /** No model can be trained (no history): must never fail; inconclusive or pass. */
    COLD_START
  }

  public static final int CANARY_STEPS = 60;
  public static final int ONSET = 20;
  public static final int DEADLINE = 10;
  public static final int STABLE_PODS = 10;
  public static final int CANARY_PODS = 1;

  /** A Monday at 00:00 UTC: the first day of every history. */
  static final Instant DAY0 = Instant.parse("2026-01-05T00:00:00Z");

  static final Duration STEP = Duration.ofMinutes(1);
  static final Duration MORNING = Duration.ofHours(10);
  static final Duration PEAK = Duration.ofHours(12);
  static final Duration TROUGH = Duration.ZERO;
  static final int HISTORY_DAYS = 8;

  public CanaryScenario {
    Objects.requireNonNull(expectation, "expectation");
    shared = List.copyOf(shared);
    canary = List.copyOf(canary);
  }

  /** The benchmark's scenarios, in report order. */
  public static List<CanaryScenario> all() {
    String lat = ServiceMetric.LATENCY_P99.metricName();
    String err = ServiceMetric.ERROR_RATIO.metricName();
    String rate = ServiceMetric.REQUEST_RATE.metricName();
    String cpu = ServiceMetric.CPU_USAGE.metricName();
    String mem = ServiceMetric.MEMORY_WORKING_SET.metricName();
    int o = ONSET;
    List<CanaryScenario> s = new ArrayList<>();
    s.add(
        mustFail("p99 latency +2 sigma", List.of(Effect.latencyShiftSigmas(o, 2)), DEADLINE, lat));
    s.add(
        mustFail("p99 latency +400 ms", List.of(Effect.latencyIncreaseMs(o, 400)), DEADLINE, lat));
    s.add(
        mustFail(
            "error ratio +1 point",
            List.of(Effect.errorRatio(o, ServiceProfile.webService().errorRatio() + 0.01)),
            DEADLINE,
            err));
    s.add(mustFail("error ratio to 8%", List.of(Effect.errorRatio(o, 0.08)), DEADLINE, err));
    s.add(
        mustFail(
            "throughput per pod -40%", List.of(Effect.throughputDrop(o, 0.4)), DEADLINE, rate));
    s.add(mustFail("CPU +50%", List.of(Effect.cpuIncrease(o, 0.5)), DEADLINE, cpu));
    // +60%/h reaches +30% after 30 minutes; the fail must come at the latest 10 minutes later.
    s.add(
        mustFail("memory +30% in 30 min", List.of(Effect.memoryLeak(o, 0.6)), 30 + DEADLINE, mem));
    s.add(
        mustFail(
            "latency +1 sigma and errors +0.5 point",
            List.of(
                Effect.latencyShiftSigmas(o, 1),
                Effect.errorRatio(o, ServiceProfile.webService().errorRatio() + 0.005)),
            DEADLINE,
            null));
    s.add(
        new CanaryScenario(
            "p99 latency +1 sigma",
            Expectation.REPORTED,
            List.of(),
            List.of(Effect.latencyShiftSigmas(o, 1)),
            o,
            DEADLINE,
            MORNING,
            HISTORY_DAYS,
            lat));
    s.add(
        new CanaryScenario(
            "throughput per pod -20%",
            Expectation.REPORTED,
            List.of(),
            List.of(Effect.throughputDrop(o, 0.2)),
            o,
            DEADLINE,
            MORNING,
            HISTORY_DAYS,
            rate));
    // A bad version is bad from its first pod: minutes from the first canary sample to the first
    // fail,
    // i.e. how long after the canary starts a verdict can be expected (the example Rollout's
    // pause).
    s.add(
        new CanaryScenario(
            "p99 latency +400 ms from the first canary pod",
            Expectation.REPORTED,
            List.of(),
            List.of(Effect.latencyIncreaseMs(0, 400)),
            0,
            DEADLINE,
            MORNING,
            HISTORY_DAYS,
            lat));
    s.add(
        new CanaryScenario(
            "clean, canary at the daily peak",
            Expectation.NEVER_FAIL,
            List.of(),
            List.of(),
            -1,
            0,
            PEAK,
            HISTORY_DAYS,
            null));
    s.add(
        new CanaryScenario(
            "clean, canary at the trough",
            Expectation.NEVER_FAIL,
            List.of(),
            List.of(),
            -1,
            0,
            TROUGH,
            HISTORY_DAYS,
            null));
    s.add(
        new CanaryScenario(
            "shared dependency outage (+400 ms, 5% errors)",
            Expectation.NEVER_FAIL,
            List.of(Effect.latencyIncreaseMs(o, 400), Effect.errorRatio(o, 0.05)),
            List.of(),
            o,
            0,
            MORNING,
            HISTORY_DAYS,
            null));
    s.add(
        new CanaryScenario(
            "shared traffic surge x1.6",
            Expectation.NEVER_FAIL,
            List.of(Effect.trafficSurge(o, Effect.UNTIL_END, 1.6)),
            List.of(),
            o,
            0,
            MORNING,
            HISTORY_DAYS,
            null));
    s.add(
        new CanaryScenario(
            "cold start, no model (clean)",
            Expectation.COLD_START,
            List.of(),
            List.of(),
            -1,
            0,
            MORNING,
            0,
            null));
    return s;
  }

  private static CanaryScenario mustFail(
      String name, List<Effect> effects, int deadline, String metric) {
    return new CanaryScenario(
        name,
        Expectation.MUST_FAIL,
        List.of(),
        effects,
        ONSET,
        deadline,
        MORNING,
        HISTORY_DAYS,
        metric);
  }

  public boolean regression() {
    return !canary.isEmpty();
  }

  /** The generator's spec for {@code seed}, emitting {@code metrics} (the configuration's). */
  public Scenario scenario(long seed, List<ServiceMetric> metrics) {
    int historySteps = (int) (Duration.ofDays(historyDays).toMillis() / STEP.toMillis());
    Instant canaryStart = DAY0.plus(Duration.ofDays(HISTORY_DAYS)).plus(canaryTimeOfDay);
    Instant start = canaryStart.minus(STEP.multipliedBy(historySteps));
    return new Scenario(
        name,
        seed,
        start,
        STEP,
        historySteps,
        CANARY_STEPS,
        ServiceProfile.webService(),
        metrics,
        shared,
        canary,
        0.0,
        new Scenario.Pods(STABLE_PODS, CANARY_PODS));
  }

  /** Scenarios with the same history key train the same model for a seed, so they can share it. */
  public String historyKey() {
    return historyDays + "d-" + canaryTimeOfDay.toMinutes() + "m";
  }
}
