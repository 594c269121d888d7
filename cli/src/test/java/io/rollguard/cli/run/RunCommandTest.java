package io.rollguard.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code rollguard run} end to end: generation, training through the trainer's path, the replay
 * through the vertices' handlers, the store's HTTP verdict and the report.
 */
class RunCommandTest {

  @TempDir Path tmp;

  private record Outcome(int exitCode, String out, String err) {}

  private Outcome run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new RunCommand());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Outcome(code, out.toString(), err.toString());
  }

  @Test
  void regressionScenarioFailsBlamingWhatChangedInItsUnitsAndWritesTheReport() throws Exception {
    Path report = tmp.resolve("report.html");
    Outcome o =
        run(
            "--scenario",
            "regression",
            "--expect",
            "fail",
            "--work-dir",
            tmp.resolve("work").toString(),
            "--report",
            report.toString());

    assertEquals(0, o.exitCode(), o.out() + o.err());
    assertTrue(o.out().contains("Verdict: FAIL - canary worse than stable: "), o.out());
    String topMetrics = o.out().substring(o.out().indexOf("top metrics (canary vs stable"));
    List<String> top = topMetrics.lines().skip(1).limit(3).map(String::strip).toList();
    // The regression changed latency and errors; the unchanged request rate is never blamed.
    assertTrue(
        top.get(0).startsWith("latency_p99") || top.get(0).startsWith("error_ratio"),
        "top metric: " + top);
    assertTrue(
        top.stream().anyMatch(l -> l.startsWith("latency_p99") && l.contains(" ms vs ")),
        "latency in ms: " + top);
    assertTrue(
        top.stream().anyMatch(l -> l.startsWith("error_ratio") && l.contains("% vs ")),
        "errors in %: " + top);
    assertTrue(
        top.stream()
            .filter(l -> l.startsWith("request_rate"))
            .allMatch(l -> l.endsWith(" 0% of the blame")),
        "request rate did not change: " + top);
    assertTrue(
        o.out().contains("trainer (tag train from inference): demo/checkout trained"), o.out());
    assertTrue(
        o.out().contains("the store's /metrics serves 12 rollguard_anomaly_score series"),
        "stable and canary: 5 metrics + unified each: " + o.out());

    String html = Files.readString(report, StandardCharsets.UTF_8);
    assertTrue(html.contains("<svg"), "inline SVG charts");
    assertTrue(html.contains("<div class=\"word\">FAIL</div>"), "the verdict");
    assertTrue(html.contains("latency_p99"));
    // One value chart per metric, its axis in the unit the verdict table uses.
    String latency = chart(html, "latency_p99 values of stable and canary over time");
    assertTrue(latency.matches("(?s).*>\\d+ ms</text>.*"), "latency axis in ms: " + latency);
    assertTrue(latency.contains("latency_p99 canary</title>"), latency);
    assertTrue(latency.contains("latency_p99 stable</title>"), latency);
    String errors = chart(html, "error_ratio values of stable and canary over time");
    assertTrue(errors.matches("(?s).*>[0-9.]+%</text>.*"), "error axis in %: " + errors);
    assertTrue(
        chart(html, "memory_working_set values of stable and canary over time").contains(" MiB<"));
    assertFalse(html.contains("<script"), "no script");
    assertFalse(html.contains("src=\"http"), "nothing fetched from outside");
  }

  /** The SVG whose aria-label is {@code label}. */
  private static String chart(String html, String label) {
    int at = html.indexOf("aria-label=\"" + label + "\"");
    assertTrue(at >= 0, "no chart " + label);
    return html.substring(at, html.indexOf("</svg>", at));
  }

  @Test
  void cleanScenarioPasses() {
    Outcome o =
        run(
            "--scenario",
            "clean",
            "--expect",
            "pass",
            "--work-dir",
            tmp.resolve("work").toString(),
            "--report",
            tmp.resolve("clean.html").toString());

    assertEquals(0, o.exitCode(), o.out() + o.err());
    assertTrue(o.out().contains("Verdict: PASS"), o.out());
  }

  @Test
  void expectFailsTheExitCodeWhenTheVerdictDiffers() {
    // Shorter than the default so the test stays quick; still enough history to train.
    Outcome o =
        run(
            "--scenario",
            "regression",
            "--expect",
            "pass",
            "--history-days",
            "2",
            "--canary-minutes",
            "40",
            "--work-dir",
            tmp.resolve("work").toString(),
            "--report",
            tmp.resolve("r.html").toString());

    assertEquals(RunCommand.EXIT_UNEXPECTED_VERDICT, o.exitCode(), o.out() + o.err());
    assertTrue(o.err().contains("expected verdict pass, got fail"), o.err());
  }

  @Test
  void badFlagsAreRejectedNamingTheFlag() {
    Outcome scenario = run("--scenario", "outage", "--work-dir", tmp.toString());
    assertEquals(RunCommand.EXIT_BAD_INPUT, scenario.exitCode());
    assertTrue(
        scenario.err().contains("--scenario must be regression or clean, got 'outage'"),
        scenario.err());

    Outcome expect = run("--expect", "maybe", "--work-dir", tmp.toString());
    assertEquals(RunCommand.EXIT_BAD_INPUT, expect.exitCode());
    assertTrue(expect.err().contains("--expect must be pass, fail or inconclusive"), expect.err());

    Outcome days = run("--history-days", "0", "--work-dir", tmp.resolve("w").toString());
    assertEquals(RunCommand.EXIT_BAD_INPUT, days.exitCode());
    assertTrue(days.err().contains("--history-days must be >= 1"), days.err());
  }

  @Test
  void refusesToWipeARegistryDirectoryItDidNotCreate() throws Exception {
    Path foreign = tmp.resolve("work").resolve("registry");
    Files.createDirectories(foreign);
    Files.writeString(foreign.resolve("keep.txt"), "someone's file");

    Outcome o =
        run(
            "--work-dir",
            tmp.resolve("work").toString(),
            "--report",
            tmp.resolve("r.html").toString());

    assertEquals(RunCommand.EXIT_BAD_INPUT, o.exitCode(), o.out() + o.err());
    assertTrue(o.err().contains("was not created by 'rollguard run'"), o.err());
    assertTrue(Files.exists(foreign.resolve("keep.txt")));
  }
}
