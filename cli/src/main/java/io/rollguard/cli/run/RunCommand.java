package io.rollguard.cli.run;

import ch.qos.logback.classic.Level;
import io.rollguard.common.config.ConfigException;
import io.rollguard.common.config.Durations;
import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.payload.AnomalyRecord;
import io.rollguard.common.prometheus.PrometheusException;
import io.rollguard.store.AnomalyScoreCollector;
import io.rollguard.store.StoreUnavailableException;
import io.rollguard.store.Verdict;
import io.rollguard.store.verdict.MetricJudgment;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rollguard run}: the whole pipeline in one JVM on embedded defaults (see {@link LocalRun}),
 * with a live progress line, the final verdict and an HTML report.
 *
 * <p>Exit status: 0 when the run completed, whatever the verdict (the verdict is the output, not an
 * error); with {@code --expect}, 0 only when the verdict is the expected one and 4 otherwise (for
 * tests and CI); 2 for bad flags or configuration; 3 when the run itself failed (e.g. the store
 * could not be written).
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description =
        "Runs the whole Rollguard pipeline in one JVM: generates a stable/canary scenario with"
            + " daily seasonality and noise, trains the entity's model on the generated history (directory"
            + " registry), replays the canary phase step by step through the vertices' own handlers (window,"
            + " preprocess, inference, trainer, postprocess, anomaly store), serves the store's /metrics and"
            + " /api/v1/verdict on a local port, prints the verdict and writes an HTML report.")
public final class RunCommand implements Callable<Integer> {

  static final int EXIT_UNEXPECTED_VERDICT = 4;
  static final int EXIT_BAD_INPUT = 2;
  static final int EXIT_RUN_FAILED = 3;

  /**
   * A minute of replay per 50 ms: the live line is readable and the 60-minute demo takes 3 s
   * longer.
   */
  static final Duration DEFAULT_TERMINAL_STEP_DELAY = Duration.ofMillis(50);

  private static final DateTimeFormatter HHMM =
      DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);

  @Spec CommandSpec spec;

  @Option(
      names = "--scenario",
      defaultValue = "regression",
      description =
          "regression (the canary's latency +400 ms and 3%% errors) or clean. Default: ${DEFAULT-VALUE}.")
  String scenario;

  @Option(
      names = "--seed",
      defaultValue = "7",
      description = "Seed of the generated scenario. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(
      names = "--history-days",
      defaultValue = "8",
      description =
          "Days of stable history the model trains on (the default training.lookback). Default: ${DEFAULT-VALUE}.")
  int historyDays;

  @Option(
      names = "--canary-minutes",
      defaultValue = "60",
      description =
          "Steps to replay (the canary phase; with --prometheus-url the last ones up to now), in steps"
              + " of the configured step (60 s). Default: ${DEFAULT-VALUE}.")
  int canaryMinutes;

  @Option(
      names = "--config",
      description =
          "A Rollguard configuration file instead of the bundled default;"
              + " its metrics must be ones the scenario generator emits.")
  Path config;

  @Option(
      names = "--redis-url",
      description =
          "Use this Redis for the model registry and the anomaly store"
              + " (redis:// or rediss://; REDIS_USERNAME/REDIS_PASSWORD from the environment) instead of the"
              + " directory registry and the in-memory store.")
  String redisUrl;

  @Option(
      names = "--prometheus-url",
      description =
          "Replay the last --canary-minutes of a real rollout from this"
              + " Prometheus (the configured queries, as the source vertex runs them) and train on its history"
              + " (training.lookback), instead of the generated scenario. Needs --namespace and --app.")
  String prometheusUrl;

  @Option(names = "--namespace", description = "With --prometheus-url: the entity's namespace.")
  String namespace;

  @Option(names = "--app", description = "With --prometheus-url: the entity's app.")
  String app;

  @Option(
      names = "--canary-hash",
      description =
          "With --prometheus-url: the canary's pod-template hash;"
              + " default: the only canary seen in the range.")
  String canaryHash;

  @Option(
      names = "--port",
      defaultValue = "0",
      description =
          "HTTP port of the store's /metrics and /api/v1/verdict; 0 = any free port. Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(
      names = "--work-dir",
      defaultValue = "target/rollguard-run",
      description =
          "Scratch directory (the embedded registry lives in <work-dir>/registry). Default: ${DEFAULT-VALUE}.")
  Path workDir;

  @Option(
      names = "--report",
      defaultValue = "target/rollguard-report.html",
      description = "Where to write the HTML report. Default: ${DEFAULT-VALUE}.")
  Path report;

  @Option(
      names = "--expect",
      description =
          "pass, fail or inconclusive: exit with status 4 unless the verdict is this one.")
  String expect;

  @Option(
      names = "--keep-serving",
      description = "After the run, keep serving the store's HTTP API until interrupted.")
  boolean keepServing;

  @Option(
      names = "--step-delay",
      description =
          "Pause after each replayed step so the live line can be followed"
              + " (e.g. 50ms, 0s). Default: 50ms on a terminal, none otherwise.")
  String stepDelay;

  @Option(
      names = "--verbose",
      description = "Show the vertices' JSON log lines (INFO) instead of warnings only.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    DemoScenario.Kind kind;
    RollguardConfig runConfig;
    LocalRun.Options options;
    // On Java 17 (the images' and the build's) console() is null exactly when stdin or stdout is
    // not a terminal, which is what decides the live display.
    @SuppressWarnings("SystemConsoleNull")
    boolean terminal = System.console() != null;
    Duration delay;
    try {
      delay =
          stepDelay == null
              ? (terminal ? DEFAULT_TERMINAL_STEP_DELAY : Duration.ZERO)
              : Durations.parse(stepDelay);
      kind = parseKind(scenario);
      if (expect != null
          && !expect.equals(Verdict.PASS)
          && !expect.equals(Verdict.FAIL)
          && !expect.equals(Verdict.INCONCLUSIVE)) {
        throw new IllegalArgumentException(
            "--expect must be pass, fail or inconclusive, got '" + expect + "'");
      }
      LocalRun.PrometheusTarget target = null;
      if (prometheusUrl != null) {
        target = new LocalRun.PrometheusTarget(namespace, app, canaryHash);
      } else if (namespace != null || app != null || canaryHash != null) {
        throw new IllegalArgumentException(
            "--namespace, --app and --canary-hash select what to read from"
                + " --prometheus-url; the embedded scenario's entity is "
                + LocalRun.NAMESPACE
                + "/"
                + LocalRun.APP);
      }
      options = new LocalRun.Options(kind, seed, historyDays, canaryMinutes, port, target);
      runConfig =
          RunConfig.build(
              config,
              LocalRun.registryDirectory(workDir),
              redisUrl,
              prometheusUrl,
              System.getenv());
    } catch (IllegalArgumentException | ConfigException e) {
      err.println("error: " + e.getMessage());
      return EXIT_BAD_INPUT;
    }
    Level previousLevel = setLogLevel(verbose ? Level.INFO : Level.WARN);

    RunResult result;
    try (LocalRun run = LocalRun.start(options, runConfig)) {
      out.println(
          "Rollguard local run (" + run.source().label() + "): " + run.source().description());
      out.printf(
          Locale.ROOT,
          "  %s%s; %s%n",
          prometheusUrl == null ? historyDays + " days of stable history, " : "",
          run.source().steps() + " steps to replay",
          run.backends());
      out.println("  store API: " + run.storeUrl() + "/metrics  and  " + run.verdictUrl());
      out.flush();
      ConsoleProgress progress = new ConsoleProgress(out, terminal, delay);
      result = run.replay(progress);
      progress.finish();
      printVerdict(out, result);
      HtmlReport.write(result, commandLine(), report);
      out.println("Report: " + report.toAbsolutePath().normalize());
      out.flush();
      if (keepServing) {
        out.println("Serving " + run.storeUrl() + " until interrupted (Ctrl-C).");
        out.flush();
        new CountDownLatch(1).await();
      }
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      return EXIT_BAD_INPUT;
    } catch (java.io.IOException | PrometheusException | StoreUnavailableException e) {
      err.println("error: the run failed: " + e.getMessage());
      return EXIT_RUN_FAILED;
    } finally {
      setLogLevel(previousLevel);
    }
    String verdict = result.verdict().verdict();
    if (expect != null && !expect.equals(verdict)) {
      err.println("expected verdict " + expect + ", got " + verdict);
      return EXIT_UNEXPECTED_VERDICT;
    }
    return 0;
  }

  private static DemoScenario.Kind parseKind(String value) {
    for (DemoScenario.Kind k : DemoScenario.Kind.values()) {
      if (k.label().equals(value)) {
        return k;
      }
    }
    throw new IllegalArgumentException(
        "--scenario must be regression or clean, got '" + value + "'");
  }

  private static void printVerdict(PrintWriter out, RunResult result) {
    Verdict v = result.verdict();
    out.println();
    out.printf(Locale.ROOT, "Verdict: %s - %s%n", v.verdict().toUpperCase(Locale.ROOT), v.reason());
    out.printf(
        Locale.ROOT,
        "  over %s-%s UTC: score %s/100 (%s band); model scores: canary median %s, stable median %s"
            + " (%d canary windows, %d past warm-up)%n",
        HHMM.format(Instant.ofEpochMilli(v.from())),
        HHMM.format(Instant.ofEpochMilli(v.to())),
        v.score() == null ? "-" : String.format(Locale.ROOT, "%.0f", v.score()),
        v.band() == null ? "no" : v.band(),
        score(v.canary() == null ? null : v.canary().unifiedScore()),
        score(v.stable() == null ? null : v.stable().unifiedScore()),
        v.canary() == null ? 0 : v.canary().records(),
        v.canary() == null ? 0 : v.canary().usableRecords());
    if (!v.topMetrics().isEmpty()) {
      out.println("  top metrics (canary vs stable, medians over the interval):");
      for (MetricJudgment m : v.topMetrics()) {
        out.printf(
            Locale.ROOT,
            "    %-20s %-7s %s   effect %s noise sd, p=%s   model score %s vs %s   %3.0f%% of the"
                + " blame%n",
            m.metric(),
            m.classification(),
            m.summary().substring(m.metric().length()).trim(),
            m.effect() == null ? "-" : String.format(Locale.ROOT, "%.1f", m.effect()),
            m.pValue() == null ? "-" : String.format(Locale.ROOT, "%.3g", m.pValue()),
            score(m.canaryScore()),
            score(m.stableScore()),
            100 * m.share());
      }
    }
    RunTimeline.VerdictPoint firstFail = result.timeline().first(Verdict.FAIL);
    long onset = result.source().regressionOnsetMillis();
    if (firstFail != null && onset >= 0) {
      out.printf(
          Locale.ROOT,
          "  first fail at %s UTC, %d min after the regression began%n",
          HHMM.format(Instant.ofEpochMilli(firstFail.atMillis())),
          (firstFail.atMillis() - onset) / 60_000);
    }
    out.printf(Locale.ROOT, "  %s%n", result.pipelineSummary());
    out.printf(
        Locale.ROOT,
        "  the store's /metrics serves %d %s series; run took %.1f s%n",
        result.scoreSeries(),
        AnomalyScoreCollector.SCORE,
        result.wallSeconds());
  }

  private String commandLine() {
    StringBuilder cmd = new StringBuilder("rollguard run");
    for (String arg : spec.commandLine().getParseResult().originalArgs()) {
      cmd.append(' ').append(arg);
    }
    return cmd.toString();
  }

  static String score(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.2f", v);
  }

  /**
   * The vertices log JSON lines at INFO for log pipelines; on a console they would bury the
   * progress. Returns the level it replaced (null when logback is not the backend or had none set).
   */
  private static Level setLogLevel(Level level) {
    Logger root = LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    if (root instanceof ch.qos.logback.classic.Logger logback && level != null) {
      Level previous = logback.getLevel();
      logback.setLevel(level);
      return previous;
    }
    return null;
  }

  /**
   * The live line: rewritten in place on a terminal, one line per 10 steps otherwise (logs, tests).
   */
  static final class ConsoleProgress implements LocalRun.Progress {
    private final PrintWriter out;
    private final boolean terminal;
    private final Duration delay;
    private int width;

    ConsoleProgress(PrintWriter out, boolean terminal, Duration delay) {
      this.out = out;
      this.terminal = terminal;
      this.delay = delay;
    }

    @Override
    public void step(
        int step,
        int steps,
        long atMillis,
        AnomalyRecord stable,
        AnomalyRecord canary,
        String verdict) {
      String line =
          String.format(
              Locale.ROOT,
              "  minute %3d/%d  %s UTC  stable %5s  canary %5s%s  verdict %s",
              step,
              steps,
              HHMM.format(Instant.ofEpochMilli(atMillis)),
              stable == null ? "-" : score(stable.unifiedScore()),
              canary == null ? "-" : score(canary.unifiedScore()),
              canary == null ? "" : " (" + canary.source().name().toLowerCase(Locale.ROOT) + ")",
              verdict);
      if (terminal) {
        out.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
        width = line.length();
        out.flush();
      } else if (step % 10 == 0 || step == steps) {
        out.println(line);
        out.flush();
      }
      if (!delay.isZero()) {
        try {
          Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    @Override
    public void training(TrainerStep.Attempt attempt, RunResult.ModelInfo model) {
      if (terminal && width > 0) {
        out.println();
        width = 0;
      }
      String detail =
          model == null
              ? ""
              : String.format(
                  Locale.ROOT,
                  ": %s bundle %s on %d rows of history",
                  model.kind(),
                  model.version(),
                  model.rows());
      out.printf(
          Locale.ROOT,
          "  trainer (tag train from inference): %s %s in %.1f s%s%n",
          attempt.entity(),
          attempt.outcome().label(),
          attempt.seconds(),
          detail);
      out.flush();
    }

    void finish() {
      if (terminal && width > 0) {
        out.println();
        out.flush();
      }
    }
  }
}
