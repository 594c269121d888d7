package io.rollguard.cli.eval;

import io.rollguard.cli.backtest.Backtest;
import io.rollguard.cli.backtest.ScoredSeries;
import io.rollguard.cli.csv.MetricTable;
import io.rollguard.cli.scenario.Effect;
import io.rollguard.cli.scenario.Scenario;
import io.rollguard.cli.scenario.ScenarioData;
import io.rollguard.cli.scenario.SeriesRows;
import io.rollguard.cli.scenario.ServiceMetric;
import io.rollguard.cli.scenario.ServiceProfile;
import io.rollguard.common.detect.Direction;
import io.rollguard.common.detect.MetricDef;
import io.rollguard.common.detect.ModelBundle;
import io.rollguard.common.detect.TrainingOptions;
import io.rollguard.common.detect.TransformKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The seeded synthetic detector suite: a model trained on the stable history scores the canary (and
 * the stable) causally, each series on its own, with the detector's alarm rule (a unified score of
 * 5 with hysteresis, {@link ScoredSeries#alarm()}); each regression must alarm within {@link
 * #MAX_DELAY_WINDOWS} windows of its onset and the clean canaries must not alarm.
 *
 * <p>This measures the detector on single series, not the verdict a rollout gets: the canary
 * judgment that compares canary against stable is measured by {@code evaluate canary} ({@link
 * CanaryBenchmark}), so no canary-vs-stable rule is emulated here.
 *
 * <p>All cases of one seed share the history and the noise (only the injected effect differs), so
 * the cases are paired and one training per (seed, model) serves all of them.
 */
public final class SyntheticSuite {

  /** "Alarmed within 5 windows of onset" (issue 3 acceptance): first alarm at most 5 steps late. */
  public static final int MAX_DELAY_WINDOWS = 5;

  public static final long STEP_MILLIS = 60_000L;

  /**
   * History starts at 06:00 UTC, so the canary phase starts at 06:00 and onsets fall in the morning
   * ramp.
   */
  static final Instant START = Instant.parse("2026-01-05T06:00:00Z");

  /**
   * One case.
   *
   * @param name report name
   * @param shared effects on stable and canary
   * @param canary effects on the canary only
   * @param onset canary-phase step where the effect starts; -1 for a clean case
   * @param detectableOnset step from which the deviation is at least 2 sigma (= onset for step
   *     changes; later for a gradual leak); -1 for a clean case
   */
  public record SyntheticCase(
      String name, List<Effect> shared, List<Effect> canary, int onset, int detectableOnset) {
    public boolean regression() {
      return onset >= 0;
    }
  }

  /**
   * The outcome of one synthetic case.
   *
   * @param firstAlarm first alarmed canary row at or after onset, -1 if none
   * @param detected first alarm within {@link #MAX_DELAY_WINDOWS} steps of the detectable onset
   * @param canaryFalseAlarmRows canary alarms before onset (all rows for a clean case)
   * @param stableAlarmRows stable alarms over the whole canary phase
   */
  public record CaseResult(
      String caseName,
      String model,
      long seed,
      SyntheticCase spec,
      int firstAlarm,
      boolean detected,
      int canaryFalseAlarmRows,
      int stableAlarmRows,
      double maxCanaryScore) {

    public int delayFromOnset() {
      return firstAlarm < 0 ? -1 : firstAlarm - spec.onset();
    }
  }

  private final int historySteps;
  private final int canarySteps;
  private final int onset;
  private final ServiceProfile profile = ServiceProfile.webService();

  public SyntheticSuite(int historySteps, int canarySteps, int onset) {
    if (onset < 0 || onset >= canarySteps) {
      throw new IllegalArgumentException("onset must be in [0, canarySteps), got " + onset);
    }
    this.historySteps = historySteps;
    this.canarySteps = canarySteps;
    this.onset = onset;
  }

  /** 8 days of 1-minute history, a 6-hour canary phase, onsets 2 hours into it. */
  public static SyntheticSuite standard() {
    return new SyntheticSuite(8 * 1440, 360, 120);
  }

  public List<SyntheticCase> cases() {
    double leakPerHour = 0.2;
    // The leak reaches 2 sigma of memory noise after this many steps (2 x 1% / 20% per hour = 6
    // min).
    int leakTwoSigma =
        (int) Math.ceil(2 * profile.memoryNoise() / leakPerHour * 3600.0 / (STEP_MILLIS / 1000.0));
    return List.of(
        new SyntheticCase(
            "latency +400 ms",
            List.of(),
            List.of(Effect.latencyIncreaseMs(onset, 400)),
            onset,
            onset),
        new SyntheticCase(
            "error ratio 0.5% -> 8%",
            List.of(), List.of(Effect.errorRatio(onset, 0.08)), onset, onset),
        new SyntheticCase(
            "memory leak 20%/h",
            List.of(), List.of(Effect.memoryLeak(onset, leakPerHour)), onset, onset + leakTwoSigma),
        new SyntheticCase(
            "throughput drop 40%",
            List.of(), List.of(Effect.throughputDrop(onset, 0.4)), onset, onset),
        new SyntheticCase(
            "latency +2 sigma",
            List.of(),
            List.of(Effect.latencyShiftSigmas(onset, 2)),
            onset,
            onset),
        new SyntheticCase("clean", List.of(), List.of(), -1, -1),
        new SyntheticCase(
            "clean + shared traffic surge x1.6 (1 h)",
            List.of(Effect.trafficSurge(onset, 60, 1.6)),
            List.of(),
            -1,
            -1));
  }

  /**
   * The metric definitions of the suite: directions as the architecture prescribes (latency,
   * errors, CPU, memory, in-flight: up is bad; throughput: down is bad), weight 1, no transform.
   * Not tuned.
   */
  public static List<MetricDef> metricDefs() {
    List<MetricDef> out = new ArrayList<>();
    for (ServiceMetric m : ServiceMetric.all()) {
      Direction d = m == ServiceMetric.REQUEST_RATE ? Direction.DOWN : Direction.UP;
      out.add(new MetricDef(m.metricName(), 1.0, d, TransformKind.NONE));
    }
    return out;
  }

  public Scenario scenario(SyntheticCase c, long seed) {
    return new Scenario(
        c.name(),
        seed,
        START,
        Duration.ofMillis(STEP_MILLIS),
        historySteps,
        canarySteps,
        profile,
        ServiceMetric.all(),
        c.shared(),
        c.canary(),
        0.0);
  }

  /**
   * Trains each model on each seed's stable history and scores every case.
   *
   * @param metrics which generated columns the detector sees and how (e.g. {@link #metricDefs()} or
   *     a config's metrics); each name must be a {@link ServiceMetric} name
   */
  public List<CaseResult> run(
      List<String> models,
      List<Long> seeds,
      int smoothingSpan,
      List<MetricDef> metrics,
      Consumer<String> log) {
    List<CaseResult> out = new ArrayList<>();
    for (long seed : seeds) {
      for (String kind : models) {
        TrainingOptions opts = TrainingOptions.builder().modelKind(kind).build();
        ModelBundle bundle = null;
        for (SyntheticCase c : cases()) {
          ScenarioData data = scenario(c, seed).generate();
          if (bundle
              == null) { // the history depends on the seed only: train once per (seed, model)
            long t0 = System.nanoTime();
            bundle = Backtest.train(table(data.history(), "history"), metrics, opts, STEP_MILLIS);
            log.accept(
                String.format(
                    java.util.Locale.ROOT,
                    "seed %d %s trained in %.2f s",
                    seed,
                    kind,
                    (System.nanoTime() - t0) / 1e9));
          }
          List<String> names = bundle.metricNames();
          ScoredSeries canary =
              Backtest.score(
                  bundle,
                  table(data.canary(), "canary").select(names),
                  STEP_MILLIS,
                  smoothingSpan,
                  0,
                  null);
          ScoredSeries stable =
              Backtest.score(
                  bundle,
                  table(data.stable(), "stable").select(names),
                  STEP_MILLIS,
                  smoothingSpan,
                  0,
                  null);
          out.add(evaluate(c, kind, seed, canary, stable));
        }
      }
    }
    return out;
  }

  static CaseResult evaluate(
      SyntheticCase c, String model, long seed, ScoredSeries canary, ScoredSeries stable) {
    int rows = canary.rows();
    int cleanEnd = c.regression() ? c.onset() : rows;
    int firstAlarm = -1;
    if (c.regression()) {
      for (int t = c.onset(); t < rows; t++) {
        if (canary.alarm()[t]) {
          firstAlarm = t;
          break;
        }
      }
    }
    boolean detected = firstAlarm >= 0 && firstAlarm - c.detectableOnset() <= MAX_DELAY_WINDOWS;
    int falseRows = 0;
    for (int t = 0; t < cleanEnd; t++) {
      falseRows += canary.alarm()[t] ? 1 : 0;
    }
    double max = 0;
    for (double u : canary.unified()) {
      max = Math.max(max, u);
    }
    return new CaseResult(
        c.name(), model, seed, c, firstAlarm, detected, falseRows, stable.alarmCount(), max);
  }

  static MetricTable table(SeriesRows rows, String source) {
    return new MetricTable(source, rows.metrics(), rows.timestamps(), rows.values(), 0, true);
  }
}
