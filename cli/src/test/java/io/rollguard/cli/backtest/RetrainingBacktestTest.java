package io.rollguard.cli.backtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rollguard.cli.RollguardCli;
import io.rollguard.cli.csv.SeriesCsvWriter;
import io.rollguard.cli.scenario.Effect;
import io.rollguard.cli.scenario.Scenario;
import io.rollguard.cli.scenario.ScenarioData;
import io.rollguard.cli.scenario.ServiceMetric;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code backtest} follows the trainer's lifecycle: the config's {@code training.retrainEvery} on
 * the trailing {@code training.lookback}, with the retraining guard; {@code --retrain-every 0}
 * keeps one training.
 */
class RetrainingBacktestTest {

  /** 2 days of lookback, retrained every 12 hours. */
  static final String YAML =
      """
      step: 60s
      metrics:
        - name: latency_p99
          query: 'histogram_quantile(0.99, sum by ({{by}}, le) (rate(http_server_duration_bucket{ {{selector}} }[{{range}}])))'
          unit: ms
          direction: up
        - name: error_ratio
          query: 'sum by ({{by}}) (rate(http_server_errors_total{ {{selector}} }[{{range}}]))'
          unit: ratio
          direction: up
        - name: request_rate
          query: 'sum by ({{by}}) (rate(http_server_requests_total{ {{selector}} }[{{range}}]))'
          unit: req/s
          direction: down
      training:
        lookback: 2d
        retrainEvery: 12h
      """;

  static final int DAY = 1440;
  static final int SHIFT = 360;
  static final int TEST = 3 * DAY + DAY / 2;

  @TempDir static Path dir;
  static Path train;
  static Path test;
  static Path config;

  @BeforeAll
  static void writeScenario() throws IOException {
    // The error ratio moves from ~0.5% to 3% six hours into the test and stays there.
    ScenarioData data =
        Scenario.of("drift", 3, 2 * DAY, TEST, List.of(), List.of(Effect.errorRatio(SHIFT, 0.03)))
            .withMetrics(ServiceMetric.core())
            .generate();
    train = dir.resolve("train.csv");
    test = dir.resolve("test.csv");
    config = dir.resolve("rollguard.yaml");
    SeriesCsvWriter.write(data.history(), train);
    SeriesCsvWriter.write(data.canary(), test);
    Files.writeString(config, YAML);
  }

  record Run(boolean[] alarm, String out) {}

  static Run backtest(String name, String... extra) throws IOException {
    Path out = dir.resolve(name + ".csv");
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "backtest",
                "--train",
                train.toString(),
                "--test",
                test.toString(),
                "--out",
                out.toString(),
                "--config",
                config.toString()));
    args.addAll(List.of(extra));
    CommandLine cl = RollguardCli.newCommandLine();
    StringWriter stdout = new StringWriter();
    cl.setOut(new PrintWriter(stdout));
    cl.setErr(new PrintWriter(new StringWriter()));
    assertEquals(0, cl.execute(args.toArray(String[]::new)), name);
    List<String> lines = Files.readAllLines(out);
    assertEquals(TEST + 1, lines.size());
    boolean[] alarm = new boolean[TEST];
    for (int t = 0; t < TEST; t++) {
      alarm[t] = lines.get(t + 1).split(",")[2].equals("1");
    }
    return new Run(alarm, stdout.toString());
  }

  static int alarms(boolean[] a, int from, int to) {
    int n = 0;
    for (int t = from; t < to; t++) {
      n += a[t] ? 1 : 0;
    }
    return n;
  }

  @Test
  void retrainingLearnsALastingShiftWhereOneTrainingAlarmsForEver() throws IOException {
    Run once = backtest("once", "--retrain-every", "0");
    Run lifecycle = backtest("lifecycle");
    Run unguarded = backtest("unguarded", "--max-excluded-fraction", "0");
    int lastDay = TEST - DAY;
    // Both alarm on the shift until the first retraining.
    assertTrue(alarms(once.alarm(), SHIFT, DAY / 2) > 300, "one training alarms on the shift");
    assertTrue(alarms(lifecycle.alarm(), SHIFT, DAY / 2) > 300, "so does the first model");
    assertTrue(
        alarms(once.alarm(), lastDay, TEST) > DAY / 2,
        "one training alarms for ever: " + alarms(once.alarm(), lastDay, TEST));
    // Without the guard the retraining 6 hours into the shift learns it at once.
    assertTrue(
        alarms(unguarded.alarm(), DAY / 2 + 60, TEST) < 60,
        "unguarded: " + alarms(unguarded.alarm(), DAY / 2 + 60, TEST));
    // With the guard (the default) the shift is left out while it covers at most half of the
    // 2-day lookback, and learned by the first retraining after that (36 h into the test).
    assertTrue(
        alarms(lifecycle.alarm(), DAY / 2, DAY + DAY / 2) > DAY / 2,
        "the guard keeps the young shift out of the model");
    assertTrue(
        alarms(lifecycle.alarm(), lastDay, TEST) < 60,
        "the lasting shift is learned: " + alarms(lifecycle.alarm(), lastDay, TEST));
    assertTrue(lifecycle.out().contains("trainings ("), lifecycle.out());
  }

  @Test
  void aTestFileStartingBeforeTheTrainFileEndsIsRefusedWithRetraining() {
    CommandLine cl = RollguardCli.newCommandLine();
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    int code =
        cl.execute(
            "backtest",
            "--train",
            test.toString(),
            "--test",
            train.toString(),
            "--out",
            dir.resolve("x.csv").toString(),
            "--config",
            config.toString());
    assertEquals(RollguardCli.EXIT_BAD_INPUT, code);
    assertTrue(err.toString().contains("must continue TRAIN"), err.toString());
  }
}
