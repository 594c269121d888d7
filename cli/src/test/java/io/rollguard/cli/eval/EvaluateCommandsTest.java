package io.rollguard.cli.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rollguard.cli.RollguardCli;
import io.rollguard.cli.scenario.Effect;
import io.rollguard.cli.scenario.Scenario;
import io.rollguard.cli.scenario.ScenarioData;
import io.rollguard.cli.scenario.SeriesRows;
import io.rollguard.cli.scenario.ServiceMetric;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The evaluate and generate commands end to end on small generated data. */
class EvaluateCommandsTest {

  private static String run(int expectedCode, String... args) {
    CommandLine cl = RollguardCli.newCommandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    assertEquals(expectedCode, cl.execute(args), err.toString());
    return out + err.toString();
  }

  @Test
  void smdCommandReportsEveryDetectorOnAnSmdShapedFolder(@TempDir Path dir) throws IOException {
    // An SMD-shaped machine: headerless train/test, one 0/1 label per test row.
    ScenarioData d =
        Scenario.of("m", 2, 2 * 1440, 600, List.of(), List.of(Effect.errorRatio(300, 0.08)))
            .withMetrics(ServiceMetric.core())
            .generate();
    for (String sub : List.of("train", "test", "test_label")) {
      Files.createDirectories(dir.resolve(sub));
    }
    Files.writeString(dir.resolve("train/machine-x.txt"), headerless(d.history()));
    Files.writeString(dir.resolve("test/machine-x.txt"), headerless(d.canary()));
    StringBuilder labels = new StringBuilder();
    for (boolean l : d.canary().labels()) {
      labels.append(l ? "1\n" : "0\n");
    }
    Files.writeString(dir.resolve("test_label/machine-x.txt"), labels);
    Path report = dir.resolve("report.md");
    String out =
        run(
            0,
            "evaluate",
            "smd",
            "--data",
            dir.toString(),
            "--models",
            "baseline,pca",
            "--report",
            report.toString());
    String md = Files.readString(report);
    for (String det : List.of("| baseline |", "| pca |", "| pca-anchor |", "| random |")) {
      assertTrue(md.contains(det), det + " missing in\n" + md);
    }
    assertTrue(out.contains("machine-x"), out);
    // One segment; the error-ratio jump is found by the default model.
    assertTrue(md.contains("| machine-x | ") && md.contains("1/1"), md);
  }

  @Test
  void smdCommandRejectsUnknownMachineAndModel(@TempDir Path dir) throws IOException {
    Files.createDirectories(dir.resolve("test_label"));
    assertTrue(
        run(
                RollguardCli.EXIT_BAD_INPUT,
                "evaluate",
                "smd",
                "--data",
                dir.toString(),
                "--machines",
                "nope")
            .contains("nope"));
    assertTrue(
        run(
                RollguardCli.EXIT_BAD_INPUT,
                "evaluate",
                "smd",
                "--data",
                dir.toString(),
                "--models",
                "svm")
            .contains("svm"));
  }

  @Test
  void generateWritesBacktestReadyFiles(@TempDir Path dir) throws IOException {
    run(0, "generate", "--out-dir", dir.toString(), "--case", "1", "--seed", "4");
    List<String> history = Files.readAllLines(dir.resolve("history.csv"));
    assertEquals(
        "timestamp,"
            + String.join(
                ",", ServiceMetric.all().stream().map(ServiceMetric::metricName).toList()),
        history.get(0));
    assertEquals(8 * 1440 + 1, history.size());
    List<String> labels = Files.readAllLines(dir.resolve("canary_labels.txt"));
    assertEquals(360, labels.size());
    assertEquals("0", labels.get(119));
    assertEquals("1", labels.get(120));
    assertTrue(run(0, "generate", "--out-dir", dir.toString(), "--list").contains("clean"));
  }

  private static String headerless(SeriesRows rows) {
    StringBuilder sb = new StringBuilder();
    for (double[] r : rows.values()) {
      for (int j = 0; j < r.length; j++) {
        sb.append(j == 0 ? "" : ",").append(r[j]);
      }
      sb.append('\n');
    }
    return sb.toString();
  }
}
