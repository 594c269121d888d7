package io.rollguard.cli.eval;

import io.rollguard.common.config.ConfigLoader;
import io.rollguard.common.detect.MetricDef;
import io.rollguard.common.detect.MetricDefs;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code evaluate synthetic}: the seeded detector suite on single series (see {@link
 * SyntheticSuite}); the canary verdict is measured by {@code evaluate canary}.
 */
@Command(
    name = "synthetic",
    mixinStandardHelpOptions = true,
    description =
        "Seeded detector suite, each series scored on its own with the detector's alarm rule:"
            + " regressions must alarm within 5 windows, clean canaries never. Measures the"
            + " detector, not the verdict a rollout gets: see 'evaluate canary'.")
public final class EvaluateSyntheticCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = {"--models", "--model"},
      defaultValue = "pca,ae,baseline",
      paramLabel = "LIST",
      description = "comma-separated model kinds (default ${DEFAULT-VALUE})")
  String models;

  @Option(
      names = "--seeds",
      defaultValue = "1,2,3",
      paramLabel = "LIST",
      description = "scenario seeds (default ${DEFAULT-VALUE})")
  String seeds;

  @Option(
      names = "--smoothing",
      defaultValue = "1",
      paramLabel = "N",
      description = "score smoothing span (default ${DEFAULT-VALUE})")
  int smoothing;

  @Option(
      names = "--report",
      paramLabel = "FILE",
      description = "also write the markdown table to FILE")
  Path report;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "score only the config's metrics with its weights, directions and transforms (e.g. the default"
              + " pipelines/config/rollguard-config.yaml); default: all 8 generated metrics, weight 1, no transform")
  Path config;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<Long> seedList = new ArrayList<>();
    for (String s : seeds.split(",", -1)) {
      try {
        seedList.add(Long.parseLong(s.trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--seeds: '" + s.trim() + "' is not an integer");
      }
    }
    List<MetricDef> metrics =
        config == null
            ? SyntheticSuite.metricDefs()
            : MetricDefs.of(ConfigLoader.load(config, Map.of()).metrics());
    SyntheticSuite suite = SyntheticSuite.standard();
    List<SyntheticSuite.CaseResult> results =
        suite.run(
            EvaluateCommand.modelList(models),
            seedList,
            smoothing,
            metrics,
            line -> {
              err.println(line);
              err.flush();
            });
    String md = table(results, seedList.size());
    out.print(md);
    out.flush();
    if (report != null) {
      Files.writeString(report, md);
    }
    return 0;
  }

  static String table(List<SyntheticSuite.CaseResult> results, int seeds) {
    Map<String, List<SyntheticSuite.CaseResult>> groups = new LinkedHashMap<>();
    for (SyntheticSuite.CaseResult r : results) {
      groups.computeIfAbsent(r.caseName() + "\u0000" + r.model(), k -> new ArrayList<>()).add(r);
    }
    StringBuilder sb = new StringBuilder();
    sb.append(
        "| case | model | alarmed within 5 windows | delay from onset (rows, per seed) "
            + "| canary false-alarm rows (before onset / whole clean run) "
            + "| stable alarm rows | max canary score |\n");
    sb.append("|---|---|---|---|---|---|---|\n");
    for (List<SyntheticSuite.CaseResult> g : groups.values()) {
      SyntheticSuite.CaseResult first = g.get(0);
      boolean regression = first.spec().regression();
      long detected = g.stream().filter(SyntheticSuite.CaseResult::detected).count();
      String delays =
          regression
              ? g.stream()
                  .map(r -> r.firstAlarm() < 0 ? "none" : Integer.toString(r.delayFromOnset()))
                  .collect(Collectors.joining(", "))
              : "-";
      int falseRows = g.stream().mapToInt(SyntheticSuite.CaseResult::canaryFalseAlarmRows).sum();
      int stable = g.stream().mapToInt(SyntheticSuite.CaseResult::stableAlarmRows).sum();
      double max =
          g.stream().mapToDouble(SyntheticSuite.CaseResult::maxCanaryScore).max().orElse(0);
      String lateNote =
          regression && first.spec().detectableOnset() != first.spec().onset()
              ? " (2 sigma at +" + (first.spec().detectableOnset() - first.spec().onset()) + ")"
              : "";
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s%s | %s | %s | %s | %d | %d | %.2f |%n",
              first.caseName(),
              lateNote,
              first.model(),
              regression ? detected + "/" + g.size() : "n/a",
              delays,
              falseRows,
              stable,
              max));
    }
    sb.append("\nSums over ")
        .append(seeds)
        .append(" seeds; 360-row canary phase, onset at row 120.\n");
    return sb.toString();
  }
}
