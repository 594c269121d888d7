package io.rollguard.cli.eval;

import io.rollguard.common.detect.TrainingOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code evaluate}: the measured report of docs/evaluation.md. */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description =
        "Measure the detector: on the labelled SMD machines or on the seeded synthetic canary"
            + " suite.",
    subcommands = {
      EvaluateSmdCommand.class,
      EvaluateSyntheticCommand.class,
      EvaluateCanaryCommand.class
    })
public final class EvaluateCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Parses a comma-separated model list ({@code pca,ae,baseline}), validating each kind. */
  static List<String> modelList(String csv) {
    List<String> out = new ArrayList<>();
    for (String s : csv.split(",", -1)) {
      String k = s.trim().toLowerCase(Locale.ROOT);
      if (k.isEmpty()) {
        continue;
      }
      if (!TrainingOptions.MODEL_KINDS.contains(k)) {
        throw new IllegalArgumentException(
            "--models: unknown model '" + k + "' (pca, ae, baseline)");
      }
      out.add(k);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("--models: no model given");
    }
    return out;
  }
}
