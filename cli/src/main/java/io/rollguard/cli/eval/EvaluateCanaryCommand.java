package io.rollguard.cli.eval;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code evaluate canary}: the verdict benchmark of issue 9 (see {@link CanaryBenchmark}). */
@Command(
    name = "canary",
    mixinStandardHelpOptions = true,
    description =
        "Verdict benchmark: generated canaries (regressions, clean, shared incidents, cold start)"
            + " replayed through the local pipeline of 'run' with the configuration's verdict rule;"
            + " prints a table per scenario and the CANARY summary line.")
public final class EvaluateCanaryCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--seeds",
      defaultValue = "1..20",
      paramLabel = "LIST",
      description =
          "scenario seeds: integers and ranges, e.g. 1..20 or 3,7,101..110 (default"
              + " ${DEFAULT-VALUE})")
  String seeds;

  @Option(
      names = "--report",
      paramLabel = "FILE",
      description = "also write the table and the CANARY line to FILE")
  Path report;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "configuration (default: the bundled pipelines/config/rollguard-config.yaml); its metrics"
              + " must be ones the scenario generator emits")
  Path config;

  @Option(
      names = "--scenarios",
      paramLabel = "TEXT",
      description =
          "only the scenarios whose name contains one of these comma-separated texts (diagnostics)")
  String only;

  @Option(
      names = "--work-dir",
      defaultValue = "target/rollguard-canary",
      paramLabel = "DIR",
      description = "scratch directory for the model registries (default ${DEFAULT-VALUE})")
  Path workDir;

  @Option(names = "--verbose", description = "print every run's first fail and its reason")
  boolean verbose;

  @Option(
      names = "--dump",
      paramLabel = "DIR",
      description = "also write every run's records to DIR (for --rejudge)")
  Path dump;

  @Option(
      names = "--rejudge",
      paramLabel = "DIR",
      description =
          "judge the records an earlier --dump wrote, under this configuration's verdict rule,"
              + " instead of replaying the pipeline (tuning the rule; the scenarios and seeds must"
              + " match the dump)")
  Path rejudge;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<Long> seedList = SeedList.parse(seeds);
    List<CanaryScenario> scenarios = CanaryScenario.all();
    if (only != null) {
      List<String> wanted = List.of(only.toLowerCase(Locale.ROOT).split(","));
      scenarios =
          scenarios.stream()
              .filter(
                  s ->
                      wanted.stream()
                          .anyMatch(w -> s.name().toLowerCase(Locale.ROOT).contains(w.trim())))
              .toList();
      if (scenarios.isEmpty()) {
        throw new IllegalArgumentException("--scenarios: no scenario matches '" + only + "'");
      }
    }
    ch.qos.logback.classic.Logger root =
        (ch.qos.logback.classic.Logger)
            org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(ch.qos.logback.classic.Level.ERROR);
    CanaryBenchmark benchmark =
        new CanaryBenchmark(config, workDir).dumpTo(dump).rejudgeFrom(rejudge);
    List<CanaryBenchmark.Run> runs =
        benchmark.run(
            scenarios,
            seedList,
            line -> {
              err.println(line);
              err.flush();
            });
    if (verbose) {
      for (CanaryBenchmark.Run r : runs) {
        err.printf(
            Locale.ROOT,
            "%s seed %d: %s%s%s%n",
            r.scenario().name(),
            r.seed(),
            r.outcome(),
            r.minutesToFail() == null ? "" : " after " + r.minutesToFail() + " min",
            r.firstFailReason() == null ? "" : " - " + r.firstFailReason());
        if (r.earliestFail() != null && (r.failBeforeOnset() || r.minutesToFail() == null)) {
          err.printf(
              Locale.ROOT,
              "  earliest fail at canary minute %d - %s%n",
              r.earliestFail(),
              r.earliestFailReason());
        }
      }
    }
    String text =
        CanaryBenchmark.table(runs)
            + "\nSeeds "
            + seeds
            + "; "
            + CanaryScenario.CANARY_PODS
            + " canary pod vs "
            + CanaryScenario.STABLE_PODS
            + " stable pods; canary phase "
            + CanaryScenario.CANARY_STEPS
            + " min, changes from canary minute "
            + CanaryScenario.ONSET
            + "; verdict asked every minute.\n\n"
            + CanaryBenchmark.canaryLine(runs)
            + "\n";
    out.print(text);
    out.flush();
    if (report != null) {
      Files.writeString(report, text);
    }
    return 0;
  }
}
