package io.rollguard.cli.eval;

import io.rollguard.cli.backtest.LifecycleOptions;
import io.rollguard.common.config.ConfigLoader;
import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.detect.TrainingOptions;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * {@code evaluate smd}: per SMD machine, train each model on {@code train/} only, score {@code
 * test/} causally, and report point-wise P/R/F1 at the model's own alarm rule, best-F1, AUPRC,
 * segments detected, false-alarm runs per day and detection delay, next to the PCA anchor and a
 * seeded random score (evaluation.md §3.2).
 */
@Command(
    name = "smd",
    mixinStandardHelpOptions = true,
    description = "Evaluate on the shared SMD machines (protocol of evaluation.md).")
public final class EvaluateSmdCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--data",
      defaultValue = "../shared/datasets/smd",
      paramLabel = "DIR",
      description = "SMD folder with train/, test/, test_label/ (default ${DEFAULT-VALUE})")
  Path data;

  @Option(
      names = {"--models", "--model"},
      defaultValue = "pca,ae,baseline",
      paramLabel = "LIST",
      description = "comma-separated model kinds (default ${DEFAULT-VALUE})")
  String models;

  @Option(
      names = "--machines",
      paramLabel = "LIST",
      description = "only these machines, e.g. machine-1-2,machine-1-5")
  String machines;

  @Option(
      names = "--smoothing",
      defaultValue = "1",
      paramLabel = "N",
      description =
          "score smoothing span for the Rollguard models (default ${DEFAULT-VALUE} = none)")
  int smoothing;

  @Option(
      names = "--seeds",
      paramLabel = "LIST",
      description =
          "training seeds of the Rollguard models, e.g. 1,2,3 for the AE's seed spread (default: the"
              + " core's default seed); each seed is a separate detector named <model>@<seed>")
  String seeds;

  @Option(
      names = "--random-seed",
      defaultValue = "0",
      paramLabel = "N",
      description = "seed of the random-score baseline")
  long randomSeed;

  @Option(
      names = "--report",
      paramLabel = "FILE",
      description = "also write the markdown tables to FILE")
  Path report;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "configuration whose window, seed, holdout and lifecycle (training.retrainEvery,"
              + " training.lookback) the Rollguard models use (default: the bundled"
              + " pipelines/config/rollguard-config.yaml, i.e. what a deployed Rollguard runs)")
  Path config;

  @Mixin LifecycleOptions lifecycle = new LifecycleOptions();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    SmdDataset ds = new SmdDataset(data);
    List<String> names = ds.machines();
    if (machines != null) {
      List<String> wanted = List.of(machines.split(","));
      for (String w : wanted) {
        if (!names.contains(w.trim())) {
          throw new IllegalArgumentException(
              "--machines: no machine '" + w.trim() + "' in " + data);
        }
      }
      names = wanted.stream().map(String::trim).toList();
    }
    RollguardConfig cfg =
        config == null ? ConfigLoader.loadDefault(Map.of()) : ConfigLoader.load(config, Map.of());
    long stepMillis = 60_000L; // SMD rows are one minute apart
    Duration every = lifecycle.every(cfg);
    int everySteps = (int) (every.toMillis() / stepMillis);
    int lookbackSteps = (int) (cfg.training().lookback().toMillis() / stepMillis);
    List<Detector> detectors = new ArrayList<>();
    for (String kind : EvaluateCommand.modelList(models)) {
      // The shipped settings: the config's window, seed and holdout on the kind's defaults (as the
      // trainer vertex builds them, MetricDefs.trainingOptions), and its retraining lifecycle.
      TrainingOptions shipped =
          lifecycle.apply(TrainingOptions.from(cfg).toBuilder().modelKind(kind)).build();
      if (seeds == null) {
        detectors.add(
            new CoreModelDetector(shipped, stepMillis, smoothing)
                .retraining(everySteps, lookbackSteps));
        continue;
      }
      for (String seed : seeds.split(",", -1)) {
        long s;
        try {
          s = Long.parseLong(seed.trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("--seeds: '" + seed.trim() + "' is not an integer");
        }
        detectors.add(
            new CoreModelDetector(
                    shipped.toBuilder().seed(s).build(), stepMillis, smoothing, kind + "@" + s)
                .retraining(everySteps, lookbackSteps));
      }
    }
    detectors.add(new PcaAnchorDetector());
    detectors.add(new RandomDetector(randomSeed));

    List<EntityResult> results = new ArrayList<>();
    for (String name : names) {
      SmdDataset.Machine m = ds.load(name);
      for (Detector d : detectors) {
        long t0 = System.nanoTime();
        DetectorOutput o = d.run(m.train(), m.test());
        EntityResult r =
            EntityResult.of(
                name, d.name(), o, m.labels(), SmdDataset.ROWS_PER_DAY, m.interpretations());
        results.add(r);
        err.printf(
            Locale.ROOT,
            "%s %-10s F1 %.3f best-F1 %.3f AUPRC %.3f detected %d/%d FA/day %.2f (%.1f s)%n",
            name,
            d.name(),
            r.point().f1(),
            r.bestF1(),
            r.auprc(),
            r.events().detected(),
            r.events().segments(),
            r.events().falseAlarmRunsPerDay(),
            (System.nanoTime() - t0) / 1e9);
        err.flush();
      }
    }
    StringBuilder md = new StringBuilder();
    md.append("### Summary (macro mean over ").append(names.size()).append(" machines)\n\n");
    md.append(ResultTables.summary(results)).append('\n');
    for (var e : ResultTables.byDetector(results).entrySet()) {
      md.append("### ")
          .append(e.getKey())
          .append("\n\n")
          .append(ResultTables.perEntity(e.getKey(), e.getValue()))
          .append('\n');
    }
    out.print(md);
    out.flush();
    if (report != null) {
      Files.writeString(report, md.toString());
    }
    return 0;
  }
}
