package io.rollguard.cli;

import io.rollguard.cli.backtest.BacktestCommand;
import io.rollguard.cli.bench.BenchCommand;
import io.rollguard.cli.bench.BenchCoreCommand;
import io.rollguard.cli.eval.EvaluateCommand;
import io.rollguard.cli.run.RunCommand;
import io.rollguard.common.config.ConfigException;
import java.io.IOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Rollguard's command line: backtests, evaluations and benchmarks of the detection core. */
@Command(
    name = "rollguard",
    mixinStandardHelpOptions = true,
    version = "rollguard 0.1.0",
    description =
        "Rollguard command line: run the pipeline locally, backtest, evaluate and benchmark the detector.",
    subcommands = {
      BacktestCommand.class,
      EvaluateCommand.class,
      BenchCommand.class,
      BenchCoreCommand.class,
      GenerateCommand.class,
      RunCommand.class
    })
public final class RollguardCli implements Runnable {

  /** Exit code for bad input (unreadable file, invalid config, inconsistent columns). */
  public static final int EXIT_BAD_INPUT = 2;

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
