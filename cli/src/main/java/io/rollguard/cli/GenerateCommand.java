package io.rollguard.cli;

import io.rollguard.cli.csv.SeriesCsvWriter;
import io.rollguard.cli.eval.SyntheticSuite;
import io.rollguard.cli.scenario.ScenarioData;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code generate}: writes one synthetic-suite case as backtest-ready CSVs ({@code history.csv},
 * {@code stable.csv}, {@code canary.csv}, {@code canary_labels.txt}), e.g. to backtest by hand or
 * to backfill a Prometheus.
 */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = "Write a seeded synthetic stable-vs-canary case as CSV files.")
public final class GenerateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--out-dir",
      required = true,
      paramLabel = "DIR",
      description = "output folder (created)")
  Path outDir;

  @Option(
      names = "--case",
      defaultValue = "0",
      paramLabel = "N",
      description = "case index of the synthetic suite (0 = latency +400 ms; list with --list)")
  int caseIndex;

  @Option(
      names = "--seed",
      defaultValue = "1",
      paramLabel = "N",
      description = "scenario seed (default ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--list", description = "list the cases and exit")
  boolean list;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    SyntheticSuite suite = SyntheticSuite.standard();
    List<SyntheticSuite.SyntheticCase> cases = suite.cases();
    if (list) {
      for (int i = 0; i < cases.size(); i++) {
        out.println(i + ": " + cases.get(i).name());
      }
      out.flush();
      return 0;
    }
    if (caseIndex < 0 || caseIndex >= cases.size()) {
      throw new IllegalArgumentException(
          "--case must be in [0, " + (cases.size() - 1) + "], got " + caseIndex);
    }
    ScenarioData data = suite.scenario(cases.get(caseIndex), seed).generate();
    Files.createDirectories(outDir);
    SeriesCsvWriter.write(data.history(), outDir.resolve("history.csv"));
    SeriesCsvWriter.write(data.stable(), outDir.resolve("stable.csv"));
    SeriesCsvWriter.write(data.canary(), outDir.resolve("canary.csv"));
    SeriesCsvWriter.writeLabels(data.canary(), outDir.resolve("canary_labels.txt"));
    out.printf(
        "wrote %s: history %d rows, stable and canary %d rows, case '%s', seed %d%n",
        outDir, data.history().rows(), data.canary().rows(), cases.get(caseIndex).name(), seed);
    out.flush();
    return 0;
  }
}
