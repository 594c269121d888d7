package io.rollguard.cli;

import io.rollguard.cli.backtest.BacktestCommand;
import io.rollguard.cli.bench.BenchCommand;
import io.rollguard.cli.bench.BenchCoreCommand;
import io.rollguard.cli.bench.BenchHttpCommand;
import io.rollguard.cli.eval.EvaluateCommand;
import io.rollguard.cli.ops.ModelsCommand;
import io.rollguard.cli.ops.VerdictCommand;
import io.rollguard.cli.run.RunCommand;
import io.rollguard.common.config.ConfigException;
import java.io.IOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Rollguard's command line: backtests, evaluations and benchmarks of the detection core. */
@Command(
    name = "rollguard",
    mixinStandardHelpOptions = true,
    versionProvider = RollguardCli.Version.class,
    description =
        "Rollguard command line: ask a running pipeline for a verdict, read the model registry, run"
            + " the pipeline locally, backtest, evaluate and benchmark the detector.",
    subcommands = {
      VerdictCommand.class,
      ModelsCommand.class,
      RunCommand.class,
      BacktestCommand.class,
      EvaluateCommand.class,
      BenchCommand.class,
      BenchCoreCommand.class,
      BenchHttpCommand.class,
      GenerateCommand.class
    })
public final class RollguardCli implements Runnable {

  /** Exit code for bad input (unreadable file, invalid config, inconsistent columns). */
  public static final int EXIT_BAD_INPUT = 2;

  /** The project version from the jar's manifest (the image tag of the same build). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"rollguard " + version()};
    }
  }

  /**
   * {@code Implementation-Version} of the shaded jar; "development build" when run from classes.
   */
  public static String version() {
    String version = RollguardCli.class.getPackage().getImplementationVersion();
    return version == null ? "(development build)" : version;
  }

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  public static void main(String[] args) {
    System.exit(newCommandLine().execute(args));
  }

  /** The configured command line; tests call {@code execute} on it instead of {@link #main}. */
  public static CommandLine newCommandLine() {
    CommandLine cl = new CommandLine(new RollguardCli());
    // Bad input is the user's to fix: print what is wrong and where, not a stack trace.
    cl.setExecutionExceptionHandler(
        (ex, line, parseResult) -> {
          if (ex instanceof IllegalArgumentException
              || ex instanceof IOException
              || ex instanceof ConfigException) {
            line.getErr().println("error: " + ex.getMessage());
            return EXIT_BAD_INPUT;
          }
          throw ex;
        });
    return cl;
  }
}
