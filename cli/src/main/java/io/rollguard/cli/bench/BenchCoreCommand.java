package io.rollguard.cli.bench;

import io.rollguard.cli.scenario.Scenario;
import io.rollguard.cli.scenario.SeriesRows;
import io.rollguard.common.detect.AnomalyModel;
import io.rollguard.common.detect.DetectorTrainer;
import io.rollguard.common.detect.FittedTransforms;
import io.rollguard.common.detect.MetricDef;
import io.rollguard.common.detect.ModelBundle;
import io.rollguard.common.detect.TrainingOptions;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench-core}: training time of each model on 8 days x 1-minute x 8 metrics, and scoring
 * time per window (model stage only, and all three stages), measured after a warm-up, one figure
 * per line. Run single-threaded for the acceptance figures: {@code OPENBLAS_NUM_THREADS=1 java
 * -XX:ActiveProcessorCount=1 -jar cli/target/rollguard-cli.jar bench-core}.
 */
@Command(
    name = "bench-core",
    mixinStandardHelpOptions = true,
    description = "Benchmark the detection core: training time and per-window scoring time.")
public final class BenchCoreCommand implements Callable<Integer> {

  static final int DAYS = 8;
  static final int ROWS = DAYS * 1440;

  @Spec CommandSpec spec;

  @Option(
      names = "--models",
      defaultValue = "pca,ae,baseline",
      paramLabel = "LIST",
      description = "models to time (default ${DEFAULT-VALUE}); the default model is pca")
  String models;

  @Option(
      names = "--train-runs",
      defaultValue = "3",
      paramLabel = "N",
      description = "timed trainings per model after one warm-up")
  int trainRuns;

  @Option(
      names = "--score-calls",
      defaultValue = "1000000",
      paramLabel = "N",
      description = "timed scoring calls per model")
  int scoreCalls;

  @Override
  public Integer call() {
    if (trainRuns < 1 || scoreCalls < 1000) {
      throw new IllegalArgumentException("--train-runs must be >= 1 and --score-calls >= 1000");
    }
    PrintWriter out = spec.commandLine().getOut();
    SeriesRows history =
        Scenario.of("bench", 1, ROWS, 1, List.of(), List.of()).generate().history();
    List<MetricDef> metrics = history.metrics().stream().map(MetricDef::of).toList();
    out.printf(
        Locale.ROOT,
        "# data: %d rows (8 days x 1 min) x %d metrics; availableProcessors=%d; OPENBLAS_NUM_THREADS=%s%n",
        history.rows(),
        metrics.size(),
        Runtime.getRuntime().availableProcessors(),
        System.getenv().getOrDefault("OPENBLAS_NUM_THREADS", "unset"));
    for (String kind : models.split(",", -1)) {
      kind = kind.trim();
      TrainingOptions opts = TrainingOptions.builder().modelKind(kind).build();
      ModelBundle bundle = DetectorTrainer.train(history.values(), metrics, opts); // warm-up
      double[] seconds = new double[trainRuns];
      for (int r = 0; r < trainRuns; r++) {
        long t0 = System.nanoTime();
        bundle = DetectorTrainer.train(history.values(), metrics, opts);
        seconds[r] = (System.nanoTime() - t0) / 1e9;
      }
      Arrays.sort(seconds);
      out.printf(
          Locale.ROOT,
          "train_seconds model=%s%s: median %.3f, min %.3f (%d runs after 1 warm-up)%n",
          kind,
          kind.equals("pca") ? " (default)" : "",
          seconds[seconds.length / 2],
          seconds[0],
          trainRuns);
      double[] perWindow = timeScoring(bundle, history.values());
      out.printf(
          Locale.ROOT,
          "score_us_per_window model=%s stage=model-only (W=%d x %d): %.3f%n",
          kind,
          bundle.windowLength(),
          metrics.size(),
          perWindow[0]);
      out.printf(
          Locale.ROOT,
          "score_us_per_window model=%s stage=transform+model+calibration: %.3f%n",
          kind,
          perWindow[1]);
      out.flush();
    }
    return 0;
  }

  /**
   * [model-only µs/window, three stages µs/window] over {@link #scoreCalls} calls after a warm-up.
   */
  private double[] timeScoring(ModelBundle bundle, double[][] raw) {
    int w = bundle.windowLength();
    int m = bundle.metrics().size();
    FittedTransforms tf = bundle.transforms();
    AnomalyModel model = bundle.model();
    int windows = 1024;
    double[][] normalisedWindows = new double[windows][w * m];
    double[][][] rawWindows = new double[windows][][];
    double[] row = new double[m];
    for (int k = 0; k < windows; k++) {
      int start = (k * 7) % (raw.length - w);
      rawWindows[k] = Arrays.copyOfRange(raw, start, start + w);
      for (int t = 0; t < w; t++) {
        tf.applyRow(raw[start + t], row);
        System.arraycopy(row, 0, normalisedWindows[k], t * m, m);
      }
    }
    double[] out = new double[w * m];
    double sink = 0;
    for (int i = 0;
        i < Math.max(200_000, scoreCalls / 5);
        i++) { // warm-up: let the JIT compile the hot path
      model.residualsFlat(normalisedWindows[i & (windows - 1)], out);
      sink += out[0];
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < scoreCalls; i++) {
      model.residualsFlat(normalisedWindows[i & (windows - 1)], out);
      sink += out[i % out.length];
    }
    double modelOnly = (System.nanoTime() - t0) / 1e3 / scoreCalls;
    int fullCalls = Math.max(1000, scoreCalls / 10);
    for (int i = 0; i < fullCalls; i++) {
      sink += bundle.scoreRawWindow(rawWindows[i & (windows - 1)]).unified();
    }
    long t1 = System.nanoTime();
    for (int i = 0; i < fullCalls; i++) {
      sink += bundle.scoreRawWindow(rawWindows[i & (windows - 1)]).unified();
    }
    double full = (System.nanoTime() - t1) / 1e3 / fullCalls;
    if (sink == 42.4242) { // keeps the JIT from removing the loops; practically never true
      spec.commandLine().getErr().println("sink");
    }
    return new double[] {modelOnly, full};
  }
}
