package io.rollguard.cli.backtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rollguard.cli.RollguardCli;
import io.rollguard.cli.csv.SeriesCsvWriter;
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
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code cli backtest} end to end on generated data: format, causality, detection, bad input. */
class BacktestCommandTest {

  static final int HISTORY = 3 * 1440;
  static final int CANARY = 240;
  static final int ONSET = 120;
  static final int WINDOW = 12;

  @TempDir static Path dir;
  static ScenarioData data;
  static Path train;
  static Path test;
  static Path outFull;

  @BeforeAll
  static void generateAndRunOnce() throws IOException {
    data =
        Scenario.of(
                "latency",
                11,
                HISTORY,
                CANARY,
                List.of(),
                List.of(Effect.latencyIncreaseMs(ONSET, 400)))
            .withMetrics(ServiceMetric.core())
            .generate();
    train = dir.resolve("train.csv");
    test = dir.resolve("test.csv");
    SeriesCsvWriter.write(data.history(), train);
    SeriesCsvWriter.write(data.canary(), test);
    outFull = dir.resolve("out-full.csv");
    assertEquals(
        0,
        run(
                "backtest",
                "--train",
                train.toString(),
                "--test",
                test.toString(),
                "--out",
                outFull.toString(),
                "--quiet")
            .code);
  }

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    CommandLine cl = RollguardCli.newCommandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void outputHasHeaderAndOneLinePerTestRowWithZeroBeforeTheFirstFullWindow() throws IOException {
    // One training on TRAIN: TEST's first W - 1 rows have no full window.
    Path once = dir.resolve("out-once.csv");
    assertEquals(
        0,
        run(
                "backtest",
                "--train",
                train.toString(),
                "--test",
                test.toString(),
                "--out",
                once.toString(),
                "--retrain-every",
                "0",
                "--quiet")
            .code);
    List<String> lines = Files.readAllLines(once);
    assertEquals(
        "row,score,alarm,latency_p99,error_ratio,request_rate,cpu_usage,memory_working_set",
        lines.get(0));
    assertEquals(CANARY + 1, lines.size());
    for (int t = 0; t < WINDOW - 1; t++) {
      assertEquals(t + ",0,0,0,0,0,0,0", lines.get(t + 1), "row " + t);
    }
    String[] first = lines.get(WINDOW).split(",", -1);
    assertEquals(Integer.toString(WINDOW - 1), first[0]);
    assertEquals(8, first.length);
    double score = Double.parseDouble(first[1]);
    assertTrue(score >= 0 && score <= 10, "score " + score);
    assertTrue(first[2].equals("0") || first[2].equals("1"));
    // With the trainer's lifecycle (the default) TEST continues TRAIN: row 0's window is full.
    List<String> lifecycle = Files.readAllLines(outFull);
    assertEquals(CANARY + 1, lifecycle.size());
    assertFalse(lifecycle.get(1).startsWith("0,0,0,"), lifecycle.get(1));
  }

  @Test
  void injectedLatencyRegressionAlarmsSoonAfterOnsetAndNotBefore() throws IOException {
    List<String> lines = Files.readAllLines(outFull);
    int firstAlarm = -1;
    int alarmsBefore = 0;
    for (int t = 0; t < CANARY; t++) {
      boolean alarm = lines.get(t + 1).split(",")[2].equals("1");
      if (t < ONSET) {
        alarmsBefore += alarm ? 1 : 0;
      } else if (alarm && firstAlarm < 0) {
        firstAlarm = t;
      }
    }
    assertEquals(0, alarmsBefore, "alarms on the clean part of the canary");
    assertTrue(firstAlarm >= ONSET && firstAlarm <= ONSET + 5, "first alarm at " + firstAlarm);
    // The latency metric carries the blame.
    String[] row = lines.get(firstAlarm + 1).split(",");
    assertTrue(Double.parseDouble(row[3]) >= 5, "latency_p99 score " + row[3]);
  }

  @Test
  void scoreOfRowTDoesNotDependOnLaterRows() throws IOException {
    int keep =
        ONSET + 3; // cut right after the regression starts: the most look-ahead-sensitive spot
    Path truncated = dir.resolve("test-head.csv");
    List<String> testLines = Files.readAllLines(test);
    Files.write(truncated, testLines.subList(0, keep + 1)); // header + keep rows
    Path outHead = dir.resolve("out-head.csv");
    assertEquals(
        0,
        run(
                "backtest",
                "--train",
                train.toString(),
                "--test",
                truncated.toString(),
                "--out",
                outHead.toString(),
                "--quiet")
            .code);
    List<String> full = Files.readAllLines(outFull);
    List<String> head = Files.readAllLines(outHead);
    assertEquals(keep + 1, head.size());
    assertEquals(full.subList(0, keep + 1), head);
  }

  @Test
  void headerlessFilesMatchColumnsByPosition() throws IOException {
    Path trainNoHeader = dir.resolve("train-nh.csv");
    Path testNoHeader = dir.resolve("test-nh.csv");
    writeHeaderless(data.history(), trainNoHeader);
    writeHeaderless(data.canary(), testNoHeader);
    Path out = dir.resolve("out-nh.csv");
    Result r =
        run(
            "backtest",
            "--train",
            trainNoHeader.toString(),
            "--test",
            testNoHeader.toString(),
            "--out",
            out.toString());
    assertEquals(0, r.code, r.err);
    List<String> lines = Files.readAllLines(out);
    assertEquals("row,score,alarm,m1,m2,m3,m4,m5", lines.get(0));
    // Same numbers as with headers and timestamps: consecutive rows at the default 60 s step.
    List<String> withHeader = Files.readAllLines(outFull);
    for (int t = 1; t < lines.size(); t++) {
      assertEquals(withHeader.get(t), lines.get(t), "line " + t);
    }
    assertTrue(r.out.contains("alarmed rows"), r.out);
  }

  @Test
  void timestampGapBecomesMissingRowsNotAShorterWindow() throws IOException {
    // Drop 5 test rows in the middle: the rows after the gap see NaN where the gap is.
    List<String> testLines = Files.readAllLines(test);
    List<String> gapped = new java.util.ArrayList<>(testLines.subList(0, 51));
    gapped.addAll(testLines.subList(56, testLines.size()));
    Path gappedFile = dir.resolve("test-gap.csv");
    Files.write(gappedFile, gapped);
    Path out = dir.resolve("out-gap.csv");
    assertEquals(
        0,
        run(
                "backtest",
                "--train",
                train.toString(),
                "--test",
                gappedFile.toString(),
                "--out",
                out.toString(),
                "--quiet")
            .code);
    List<String> lines = Files.readAllLines(out);
    assertEquals(gapped.size(), lines.size());
    List<String> full = Files.readAllLines(outFull);
    // Rows before the gap are unchanged; the first row after it differs from the gap-free run.
    assertEquals(full.subList(1, 51), lines.subList(1, 51));
    assertFalse(
        lines
            .get(51)
            .substring(lines.get(51).indexOf(','))
            .equals(full.get(56).substring(full.get(56).indexOf(','))));
  }

  @Test
  void badInputFailsWithExitCode2AndAMessage() throws IOException {
    Path ragged = dir.resolve("ragged.csv");
    Files.writeString(ragged, "a,b\n1,2\n3\n");
    Result r =
        run(
            "backtest",
            "--train",
            ragged.toString(),
            "--test",
            test.toString(),
            "--out",
            dir.resolve("x.csv").toString());
    assertEquals(RollguardCli.EXIT_BAD_INPUT, r.code);
    assertTrue(r.err.contains("ragged.csv:3"), r.err);

    Result badModel =
        run(
            "backtest",
            "--train",
            train.toString(),
            "--test",
            test.toString(),
            "--out",
            dir.resolve("x.csv").toString(),
            "--model",
            "svm");
    assertEquals(RollguardCli.EXIT_BAD_INPUT, badModel.code);
    assertTrue(badModel.err.contains("--model"), badModel.err);

    Path otherColumns = dir.resolve("other.csv");
    Files.writeString(otherColumns, "timestamp,foo\n1700000000,1\n");
    Result missing =
        run(
            "backtest",
            "--train",
            train.toString(),
            "--test",
            otherColumns.toString(),
            "--out",
            dir.resolve("x.csv").toString());
    assertEquals(RollguardCli.EXIT_BAD_INPUT, missing.code);
    assertTrue(missing.err.contains("latency_p99"), missing.err);
  }

  private static void writeHeaderless(SeriesRows rows, Path file) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (double[] r : rows.values()) {
      sb.append(String.join(",", Arrays.stream(r).mapToObj(Double::toString).toList()))
          .append('\n');
    }
    Files.writeString(file, sb);
  }
}
