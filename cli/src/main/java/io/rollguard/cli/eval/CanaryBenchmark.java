package io.rollguard.cli.eval;

import io.rollguard.cli.run.ScenarioRunner;
import io.rollguard.cli.scenario.ServiceMetric;
import io.rollguard.common.config.ConfigException;
import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.prometheus.PrometheusException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The verdict benchmark: every {@link CanaryScenario} over every seed, each replayed through the
 * local pipeline of {@code rollguard run} ({@link ScenarioRunner}: window, preprocess, inference,
 * trainer, postprocess, store, verdict) with the configuration's verdict rule, the verdict asked
 * after every minute as an analysis polling the verdict API would.
 */
public final class CanaryBenchmark {

  static final long MINUTE = 60_000L;

  /**
   * One replay.
   *
   * @param outcome {@code fail} when any minute's verdict was fail, else the last minute's verdict
   * @param failBeforeOnset a fail before the injected change started
   * @param minutesToFail minutes from onset to the first fail at or after it; null without
   * @param withinDeadline a must-fail run that failed in time and not before onset
   * @param topMetric the first fail's top metric (at or after onset), null without a fail
   * @param firstFailReason the first fail's reason, null without
   * @param modelUsed the canary was scored by a trained model at least once
   * @param earliestFail canary minute of the run's first fail at any time (diagnostics), null
   *     without
   * @param earliestFailReason its reason
   * @param firstVerdict canary minute of the first verdict other than inconclusive, counted from
   *     the first canary sample (how long after the first canary pod a rollout gets an answer);
   *     null when every verdict was inconclusive
   */
  public record Run(
      CanaryScenario scenario,
      long seed,
      String outcome,
      boolean failBeforeOnset,
      Integer minutesToFail,
      boolean withinDeadline,
      String topMetric,
      String firstFailReason,
      boolean modelUsed,
      Integer earliestFail,
      String earliestFailReason,
      Integer firstVerdict) {

    /**
     * For a single-metric regression that failed: whether the fail named the injected metric first.
     */
    public Boolean topMetricCorrect() {
      if (scenario.injectedMetric() == null || minutesToFail == null) {
        return null;
      }
      return scenario.injectedMetric().equals(topMetric);
    }

    public boolean failed() {
      return "fail".equals(outcome);
    }
  }

  private final Path configFile;
  private final Path workDir;
  private Path dumpDir;
  private Path rejudgeDir;

  /**
   * Also write every replay's records and verdict times under {@code dir} (for {@link
   * #rejudgeFrom}).
   */
  public CanaryBenchmark dumpTo(Path dir) {
    this.dumpDir = dir;
    return this;
  }

  /**
   * Judge the records a run with {@link #dumpTo} wrote instead of replaying the pipeline: the same
   * store and verdict service at every minute, under this run's configuration. For tuning.
   */
  public CanaryBenchmark rejudgeFrom(Path dir) {
    this.rejudgeDir = dir;
    return this;
  }

  /**
   * @param configFile the configuration (null: the bundled default)
   * @param workDir scratch space: one directory registry per seed and history
   */
  public CanaryBenchmark(Path configFile, Path workDir) {
    this.configFile = configFile;
    this.workDir = workDir;
  }

  public List<Run> run(List<CanaryScenario> scenarios, List<Long> seeds, Consumer<String> log)
      throws IOException, ConfigException, PrometheusException, InterruptedException {
    List<Run> runs = new ArrayList<>();
    if (rejudgeDir == null) {
      // Models trained by an earlier benchmark (maybe under another configuration) must not leak
      // in.
      ScenarioRunner.prepareScratch(workDir);
    }
    for (long seed : seeds) {
      long t0 = System.nanoTime();
      for (CanaryScenario sc : scenarios) {
        Path registry = workDir.resolve("seed-" + seed).resolve(sc.historyKey());
        RollguardConfig config = ScenarioRunner.config(configFile, registry);
        List<ServiceMetric> metrics = new ArrayList<>();
        for (String name : config.metricNames()) {
          metrics.add(serviceMetric(name));
        }
        String file = "seed-" + seed + "-" + CanaryScenario.all().indexOf(sc) + ".jsonl";
        ScenarioRunner.Outcome outcome;
        if (rejudgeDir != null) {
          outcome = ScenarioRunner.rejudge(RunDump.read(rejudgeDir.resolve(file)), config);
        } else {
          outcome = ScenarioRunner.run(sc.scenario(seed, metrics), sc.name(), sc.onset(), config);
        }
        if (dumpDir != null) {
          RunDump.write(dumpDir.resolve(file), outcome);
        }
        runs.add(evaluate(sc, seed, outcome));
      }
      log.accept(
          String.format(
              Locale.ROOT,
              "seed %d: %d scenarios in %.1f s",
              seed,
              scenarios.size(),
              (System.nanoTime() - t0) / 1e9));
    }
    return runs;
  }

  static Run evaluate(CanaryScenario sc, long seed, ScenarioRunner.Outcome outcome) {
    List<ScenarioRunner.Step> steps = outcome.steps();
    long canaryStart = steps.isEmpty() ? 0 : steps.get(0).atMillis() - MINUTE;
    long onsetAt = sc.onset() < 0 ? Long.MAX_VALUE : canaryStart + sc.onset() * MINUTE;
    boolean anyFail = false;
    boolean failBeforeOnset = false;
    ScenarioRunner.Step firstFail = null;
    ScenarioRunner.Step earliest = null;
    ScenarioRunner.Step firstAnswer = null;
    for (ScenarioRunner.Step s : steps) {
      if (firstAnswer == null && !"inconclusive".equals(s.verdict())) {
        firstAnswer = s;
      }
      if (!"fail".equals(s.verdict())) {
        continue;
      }
      anyFail = true;
      earliest = earliest == null ? s : earliest;
      // A verdict at time t has seen the samples before t; the onset sample is in from onsetAt + 1
      // min.
      if (s.atMillis() <= onsetAt) {
        failBeforeOnset = true;
      } else if (firstFail == null) {
        firstFail = s;
      }
    }
    String last = steps.isEmpty() ? "inconclusive" : steps.get(steps.size() - 1).verdict();
    Integer minutes =
        firstFail == null || sc.onset() < 0
            ? null
            : (int) ((firstFail.atMillis() - onsetAt) / MINUTE);
    boolean within =
        sc.expectation() == CanaryScenario.Expectation.MUST_FAIL
            && !failBeforeOnset
            && minutes != null
            && minutes <= sc.deadline();
    return new Run(
        sc,
        seed,
        anyFail ? "fail" : last,
        failBeforeOnset,
        minutes,
        within,
        firstFail == null ? null : firstFail.topMetric(),
        firstFail == null ? null : firstFail.reason(),
        outcome.modelUsed(),
        earliest == null ? null : (int) ((earliest.atMillis() - canaryStart) / MINUTE),
        earliest == null ? null : earliest.reason(),
        firstAnswer == null ? null : (int) ((firstAnswer.atMillis() - canaryStart) / MINUTE));
  }

  /** The per-scenario table (markdown). */
  public static String table(List<Run> runs) {
    Map<CanaryScenario, List<Run>> byScenario = new LinkedHashMap<>();
    for (Run r : runs) {
      byScenario.computeIfAbsent(r.scenario(), k -> new ArrayList<>()).add(r);
    }
    StringBuilder sb = new StringBuilder();
    sb.append(
        "| scenario | gate | runs | FAIL | PASS | INCONCLUSIVE | FAIL before onset | median minutes"
            + " onset -> FAIL | failed within deadline | top metric correct | median minutes first"
            + " pod -> first verdict (range) |\n");
    sb.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Map.Entry<CanaryScenario, List<Run>> e : byScenario.entrySet()) {
      CanaryScenario sc = e.getKey();
      List<Run> g = e.getValue();
      long fail = g.stream().filter(Run::failed).count();
      long pass = g.stream().filter(r -> "pass".equals(r.outcome())).count();
      long inconclusive = g.size() - fail - pass;
      long before = g.stream().filter(Run::failBeforeOnset).count();
      List<Integer> minutes = g.stream().map(Run::minutesToFail).filter(m -> m != null).toList();
      String within =
          sc.expectation() == CanaryScenario.Expectation.MUST_FAIL
              ? g.stream().filter(Run::withinDeadline).count()
                  + "/"
                  + g.size()
                  + " ("
                  + sc.deadline()
                  + " min)"
              : "-";
      long judged = g.stream().filter(r -> r.topMetricCorrect() != null).count();
      long correct = g.stream().filter(r -> Boolean.TRUE.equals(r.topMetricCorrect())).count();
      List<Integer> answers = g.stream().map(Run::firstVerdict).filter(m -> m != null).toList();
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %d | %d | %d | %d | %s | %s | %s | %s | %s |%n",
              sc.name(),
              gate(sc.expectation()),
              g.size(),
              fail,
              pass,
              inconclusive,
              sc.onset() < 0 ? "-" : Long.toString(before),
              minutes.isEmpty() ? "-" : number(median(minutes)),
              within,
              sc.injectedMetric() == null ? "-" : correct + "/" + judged,
              answers.isEmpty()
                  ? "-"
                  : number(median(answers))
                      + " ("
                      + answers.stream().mapToInt(Integer::intValue).min().getAsInt()
                      + "-"
                      + answers.stream().mapToInt(Integer::intValue).max().getAsInt()
                      + ")"));
    }
    return sb.toString();
  }

  private static String gate(CanaryScenario.Expectation e) {
    return switch (e) {
      case MUST_FAIL -> "must fail";
      case REPORTED -> "reported";
      case NEVER_FAIL -> "never fail";
      case COLD_START -> "never fail (cold start)";
    };
  }

  /**
   * The summary line of issue 9: {@code CANARY runs=N clean_false_fail=A/B must_fail_within_10m=C/D
   * shared_fail=E/F coldstart_false_fail=G/H attribution_correct=I/J median_minutes_to_fail=M}.
   */
  public static String canaryLine(List<Run> runs) {
    int clean = 0;
    int cleanFail = 0;
    int must = 0;
    int mustOk = 0;
    int shared = 0;
    int sharedFail = 0;
    int cold = 0;
    int coldFail = 0;
    int attributed = 0;
    int attributedOk = 0;
    List<Integer> minutes = new ArrayList<>();
    for (Run r : runs) {
      CanaryScenario sc = r.scenario();
      switch (sc.expectation()) {
        case MUST_FAIL -> {
          must++;
          mustOk += r.withinDeadline() ? 1 : 0;
          if (r.minutesToFail() != null && !r.failBeforeOnset()) {
            minutes.add(r.minutesToFail());
          }
        }
        case NEVER_FAIL -> {
          if (sc.shared().isEmpty()) {
            clean++;
            cleanFail += r.failed() ? 1 : 0;
          } else {
            shared++;
            sharedFail += r.failed() ? 1 : 0;
          }
        }
        case COLD_START -> {
          cold++;
          coldFail += r.failed() ? 1 : 0;
        }
        case REPORTED -> {}
      }
      if (r.topMetricCorrect() != null) {
        attributed++;
        attributedOk += r.topMetricCorrect() ? 1 : 0;
      }
    }
    return String.format(
        Locale.ROOT,
        "CANARY runs=%d clean_false_fail=%d/%d must_fail_within_10m=%d/%d shared_fail=%d/%d"
            + " coldstart_false_fail=%d/%d attribution_correct=%d/%d median_minutes_to_fail=%s",
        runs.size(),
        cleanFail,
        clean,
        mustOk,
        must,
        sharedFail,
        shared,
        coldFail,
        cold,
        attributedOk,
        attributed,
        minutes.isEmpty() ? "-" : number(median(minutes)));
  }

  static double median(List<Integer> values) {
    int[] v = values.stream().mapToInt(Integer::intValue).toArray();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
  }

  private static String number(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }

  private static ServiceMetric serviceMetric(String name) {
    for (ServiceMetric m : ServiceMetric.values()) {
      if (m.metricName().equals(name)) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "metrics: the scenario generator cannot produce metric '"
            + name
            + "' (the canary benchmark needs metrics it can generate, as in the default config)");
  }
}
