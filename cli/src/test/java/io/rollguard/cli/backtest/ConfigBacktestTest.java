package io.rollguard.cli.backtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rollguard.cli.RollguardCli;
import io.rollguard.cli.csv.SeriesCsvWriter;
import io.rollguard.cli.scenario.Effect;
import io.rollguard.cli.scenario.Scenario;
import io.rollguard.cli.scenario.ScenarioData;
import io.rollguard.cli.scenario.ServiceMetric;
import io.rollguard.common.config.ConfigLoader;
import io.rollguard.common.detect.Direction;
import io.rollguard.common.detect.MetricDef;
import io.rollguard.common.detect.MetricDefs;
import io.rollguard.common.detect.TransformKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code backtest --config}: the config's metrics choose and define the scored columns. */
class ConfigBacktestTest {

  static final String YAML =
      """
      step: 60s
      metrics:
        - name: latency_p99
          query: 'histogram_quantile(0.99, sum by ({{by}}, le) (rate(http_server_duration_bucket{ {{selector}} }[{{range}}])))'
          unit: ms
          direction: up
          transform: log1p
          weight: 2
        - name: request_rate
          query: 'sum by ({{by}}) (rate(http_server_requests_total{ {{selector}} }[{{range}}]))'
          unit: req/s
          direction: down
      """;

  static final int CANARY = 240;
  static final int ONSET = 120;

  @TempDir static Path dir;
  static Path train;
  static Path test;

  @BeforeAll
  static void writeScenario() throws IOException {
    ScenarioData data =
        Scenario.of(
                "latency",
                5,
                3 * 1440,
                CANARY,
                List.of(),
                List.of(Effect.latencyIncreaseMs(ONSET, 400)))
            .withMetrics(ServiceMetric.core())
            .generate();
    train = dir.resolve("train.csv");
    test = dir.resolve("test.csv");
    SeriesCsvWriter.write(data.history(), train);
    SeriesCsvWriter.write(data.canary(), test);
  }

  @Test
  void configMetricsMapOntoDetectorDefinitions() throws Exception {
    List<MetricDef> defs = MetricDefs.of(ConfigLoader.parse(YAML, "test.yaml", Map.of()).metrics());
    assertEquals(
        List.of(
            new MetricDef("latency_p99", 2, Direction.UP, TransformKind.LOG1P),
            new MetricDef("request_rate", 1, Direction.DOWN, TransformKind.NONE)),
        defs);
  }

  @Test
  void backtestScoresOnlyTheConfiguredColumnsInConfigOrder() throws IOException {
    Path cfg = dir.resolve("rollguard.yaml");
    Files.writeString(cfg, YAML);
    Path out = dir.resolve("out.csv");
    int code =
        RollguardCli.newCommandLine()
            .execute(
                "backtest",
                "--train",
                train.toString(),
                "--test",
                test.toString(),
                "--out",
                out.toString(),
                "--config",
                cfg.toString(),
                "--quiet");
    assertEquals(0, code);
    List<String> lines = Files.readAllLines(out);
    assertEquals("row,score,alarm,latency_p99,request_rate", lines.get(0));
    assertEquals(CANARY + 1, lines.size());
    int firstAlarm = -1;
    for (int t = ONSET; t < CANARY && firstAlarm < 0; t++) {
      if (lines.get(t + 1).split(",")[2].equals("1")) {
        firstAlarm = t;
      }
    }
    assertTrue(firstAlarm >= 0 && firstAlarm <= ONSET + 5, "first alarm " + firstAlarm);
  }

  @Test
  void invalidConfigFailsWithTheFieldName() throws IOException {
    Path cfg = dir.resolve("bad.yaml");
    Files.writeString(cfg, YAML.replace("direction: down", "direction: sideways"));
    var err = new java.io.StringWriter();
    var cl = RollguardCli.newCommandLine();
    cl.setErr(new java.io.PrintWriter(err));
    int code =
        cl.execute(
            "backtest",
            "--train",
            train.toString(),
            "--test",
            test.toString(),
            "--out",
            dir.resolve("o.csv").toString(),
            "--config",
            cfg.toString());
    assertEquals(RollguardCli.EXIT_BAD_INPUT, code);
    assertTrue(err.toString().contains("metrics[1].direction"), err.toString());
  }
}
