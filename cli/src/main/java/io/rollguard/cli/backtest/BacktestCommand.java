package io.rollguard.cli.backtest;

import io.rollguard.cli.csv.MetricCsvReader;
import io.rollguard.cli.csv.MetricTable;
import io.rollguard.cli.eval.EventMetrics;
import io.rollguard.common.config.ConfigLoader;
import io.rollguard.common.config.Durations;
import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.detect.MetricDef;
import io.rollguard.common.detect.MetricDefs;
import io.rollguard.common.detect.ModelBundle;
import io.rollguard.common.detect.TrainingOptions;
import io.rollguard.common.detect.TrainingSummary;
import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code backtest}: train on TRAIN.csv only, score TEST.csv causally, write one line per test row.
 * The interface is stable (issue 3 point 5); evaluation scripts depend on it.
 */
@Command(
    name = "backtest",
    mixinStandardHelpOptions = true,
    description = {
      "Train on TRAIN only, then score every TEST row causally (the window ending at that row);"
          + " by default retrain as the trainer does (--retrain-every), TEST continuing TRAIN.",
      "CSV with or without a header; a 'timestamp' column (epoch s/ms or ISO-8601) is time, otherwise rows are"
          + " consecutive at --step-seconds; every other column is a metric; an empty cell is missing.",
      "Output header: row,score,alarm,<metric1>,... (rows before the first full window: score 0, alarm 0)."
    })
public final class BacktestCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--train",
      required = true,
      paramLabel = "TRAIN.csv",
      description = "training history")
  Path train;

  @Option(
      names = "--test",
      required = true,
      paramLabel = "TEST.csv",
      description = "series to score")
  Path test;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "OUT.csv",
      description = "where to write the scores")
  Path out;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Rollguard YAML config: its metrics (name, weight, direction, transform) select and"
              + " define the columns; its step, window length, seed, holdout and model are the defaults")
  Path config;

  @Option(
      names = "--model",
      paramLabel = "pca|ae|baseline",
      description = "model kind (default: the config's training.model, else pca)")
  String model;

  @Option(
      names = "--step-seconds",
      paramLabel = "N",
      description =
          "row spacing when there is no timestamp column, and the grid step (default: config step, else 60)")
  Long stepSeconds;

  @Option(
      names = "--window",
      paramLabel = "W",
      description =
          "window length in steps (default: the config's, else the shipped config's window.lengthSteps)")
  Integer window;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description =
          "training seed (default: the config's, else the shipped config's training.seed)")
  Long seed;

  @Option(
      names = "--smoothing",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "trailing mean over N consecutive window scores before the detector's alarm rule"
              + " (ScoreSmoother; 1 = no smoothing, the core's default rule; default ${DEFAULT-VALUE})")
  int smoothing;

  @Mixin LifecycleOptions lifecycle = new LifecycleOptions();

  @Option(names = "--quiet", description = "no progress or summary")
  boolean quiet;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter outLog = spec.commandLine().getOut();
    long started = System.nanoTime();
    RollguardConfig cfg = config == null ? null : ConfigLoader.load(config, Map.of());
    // Without --config the shipped configuration's training settings and lifecycle apply: the
    // backtest then measures what a deployed Rollguard with the defaults would do.
    RollguardConfig base = cfg != null ? cfg : ConfigLoader.loadDefault(Map.of());
    TrainingOptions opts = options(cfg, base);
    long stepMillis =
        stepSeconds != null ? stepSeconds * 1000 : cfg != null ? cfg.step().toMillis() : 60_000L;
    if (stepMillis <= 0) {
      throw new IllegalArgumentException("--step-seconds must be > 0");
    }
    if (smoothing < 1) {
      throw new IllegalArgumentException("--smoothing must be >= 1, got " + smoothing);
    }

    MetricTable trainTable = MetricCsvReader.read(train);
    MetricTable testTable = MetricCsvReader.read(test);
    warnUnreadable(err, trainTable);
    warnUnreadable(err, testTable);
    // Config -> detector input goes through MetricDefs, the one mapping the trainer and vertices
    // use.
    List<MetricDef> metrics =
        cfg != null ? MetricDefs.of(cfg.metrics()) : Backtest.allColumns(trainTable);
    MetricTable alignedTest = Backtest.align(testTable, trainTable, metrics);

    Duration every = lifecycle.every(base);
    long everySteps = every.toMillis() / stepMillis;
    if (!every.isZero() && everySteps < 1) {
      throw new IllegalArgumentException(
          "--retrain-every must be 0 or at least one step (" + stepMillis / 1000 + " s)");
    }
    if (!quiet) {
      err.printf(
          Locale.ROOT,
          "training %s on %d rows x %d metrics (window %d, step %d s), %s%n",
          opts.modelKind(),
          trainTable.rows(),
          metrics.size(),
          opts.windowLength(),
          stepMillis / 1000,
          every.isZero()
              ? "one training"
              : "retraining every "
                  + Durations.format(every)
                  + " on the trailing "
                  + Durations.format(base.training().lookback()));
      err.flush();
    }
    long trained;
    ScoredSeries scores;
    TrainingSummary summary;
    String lifecycle;
    if (every.isZero()) {
      ModelBundle bundle = Backtest.train(trainTable, metrics, opts, stepMillis);
      trained = System.nanoTime();
      int progressEvery = testTable.rows() >= 20_000 ? Math.max(1, testTable.rows() / 10) : 0;
      scores =
          Backtest.score(
              bundle,
              alignedTest,
              stepMillis,
              smoothing,
              quiet ? 0 : progressEvery,
              done -> {
                err.printf(Locale.ROOT, "scored %d/%d rows%n", done, testTable.rows());
                err.flush();
              });
      summary = bundle.summary();
      lifecycle = "one training";
    } else {
      long lookbackSteps = base.training().lookback().toMillis() / stepMillis;
      RetrainingScorer.Result r =
          Backtest.retraining(
              trainTable,
              alignedTest,
              metrics,
              opts,
              stepMillis,
              (int) Math.min(Integer.MAX_VALUE, everySteps),
              (int) Math.min(Integer.MAX_VALUE, lookbackSteps),
              smoothing);
      trained = System.nanoTime();
      scores = r.scores();
      summary = r.last();
      lifecycle =
          String.format(
              Locale.ROOT,
              "%d trainings (%d left out alarmed windows, %d learned a change whole), %.2f s",
              r.trainings(),
              r.guarded(),
              r.accepted(),
              r.trainMillis() / 1e3);
    }
    long scored = System.nanoTime();
    Path parent = out.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      ScoreCsvWriter.write(scores, w);
    }
    if (!quiet) {
      printSummary(
          outLog,
          summary,
          lifecycle,
          scores,
          stepMillis,
          (trained - started) / 1e9,
          (scored - trained) / 1e9);
    }
    return 0;
  }

  private TrainingOptions options(RollguardConfig cfg, RollguardConfig base) {
    String kind =
        model != null
            ? model.toLowerCase(Locale.ROOT)
            : cfg != null
                ? cfg.training().model().name().toLowerCase(Locale.ROOT)
                : TrainingOptions.DEFAULT_MODEL_KIND;
    if (!TrainingOptions.MODEL_KINDS.contains(kind)) {
      throw new IllegalArgumentException(
          "--model must be one of pca, ae, baseline; got '" + model + "'");
    }
    TrainingOptions.Builder opts = TrainingOptions.from(base).toBuilder().modelKind(kind);
    if (window != null) {
      opts.windowLength(window);
    }
    if (seed != null) {
      opts.seed(seed);
    }
    return lifecycle.apply(opts).build();
  }

  private static void warnUnreadable(PrintWriter err, MetricTable t) {
    if (t.unreadableCells() > 0) {
      err.printf(
          Locale.ROOT,
          "warning: %s: %d non-numeric value cells read as missing%n",
          t.source(),
          t.unreadableCells());
    }
  }

  private static void printSummary(
      PrintWriter out,
      TrainingSummary s,
      String lifecycle,
      ScoredSeries scores,
      long stepMillis,
      double trainSeconds,
      double scoreSeconds) {
    int rowsPerDay = (int) Math.max(1, 86_400_000L / stepMillis);
    EventMetrics runs = EventMetrics.of(scores.alarm(), new boolean[scores.rows()], rowsPerDay);
    double max = 0;
    for (double u : scores.unified()) {
      max = Math.max(max, u);
    }
    out.printf(
        Locale.ROOT,
        "model %s: %d train windows (%d trimmed), %d holdout windows, components %d, epochs %d,"
            + " holdout loss %.4f (%s), trained in %.2f s%n",
        s.modelKind(),
        s.trainWindows(),
        s.trimmedWindows(),
        s.holdoutWindows(),
        s.components(),
        s.epochs(),
        s.holdoutLoss(),
        lifecycle,
        trainSeconds);
    out.printf(
        Locale.ROOT,
        "scored %d rows (%d before the first full window) in %.2f s: %d alarmed rows in %d runs,"
            + " max score %.2f%n",
        scores.rows(),
        scores.firstScoredRow(),
        scoreSeconds,
        scores.alarmCount(),
        runs.alarmRuns(),
        max);
    out.flush();
  }
}
