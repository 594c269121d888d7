package io.rollguard.cli.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rollguard.cli.run.ScenarioRunner;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's bookkeeping on hand-made verdict timelines; the replays are the local run's. */
class CanaryBenchmarkTest {

  static final long START = 1_000_000_000_000L;
  static final long MINUTE = 60_000L;

  /**
   * Verdict after canary minute i (0-based) for i in [0, 60): {@code fail} from {@code failFrom}.
   */
  static ScenarioRunner.Outcome timeline(int failFrom, int failTo, String top) {
    List<ScenarioRunner.Step> steps = new ArrayList<>();
    for (int i = 0; i < CanaryScenario.CANARY_STEPS; i++) {
      boolean fail = i >= failFrom && i < failTo;
      steps.add(
          new ScenarioRunner.Step(
              START + (i + 1) * MINUTE,
              fail ? "fail" : i < 21 ? "inconclusive" : "pass",
              fail ? top : null,
              fail ? "worse" : "ok"));
    }
    return new ScenarioRunner.Outcome(steps, 1, true, List.of(), List.of());
  }

  static CanaryScenario named(String name) {
    return CanaryScenario.all().stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void minutesCountFromTheFirstVerdictThatSawTheOnsetSample() {
    CanaryScenario latency = named("p99 latency +2 sigma");
    // The onset sample is canary minute 20; the verdict after minute 20 is the first to see it.
    CanaryBenchmark.Run r = CanaryBenchmark.evaluate(latency, 1, timeline(25, 60, "latency_p99"));
    assertEquals(6, r.minutesToFail());
    assertTrue(r.withinDeadline());
    assertTrue(r.topMetricCorrect());
    assertFalse(r.failBeforeOnset());
    CanaryBenchmark.Run late =
        CanaryBenchmark.evaluate(latency, 1, timeline(31, 60, "error_ratio"));
    assertEquals(12, late.minutesToFail());
    assertFalse(late.withinDeadline());
    assertFalse(late.topMetricCorrect());
    CanaryBenchmark.Run early =
        CanaryBenchmark.evaluate(latency, 1, timeline(15, 60, "latency_p99"));
    assertTrue(early.failBeforeOnset());
    assertFalse(early.withinDeadline(), "a fail before onset is no detection");
  }

  @Test
  void aCleanRunThatFailsOnceIsAFalseFailAndTheLineCountsIt() {
    CanaryScenario clean = named("clean, canary at the daily peak");
    CanaryBenchmark.Run blip = CanaryBenchmark.evaluate(clean, 3, timeline(40, 41, "latency_p99"));
    assertEquals("fail", blip.outcome());
    assertNull(blip.minutesToFail());
    CanaryBenchmark.Run quiet = CanaryBenchmark.evaluate(clean, 4, timeline(99, 99, null));
    assertEquals("pass", quiet.outcome());
    CanaryBenchmark.Run detected =
        CanaryBenchmark.evaluate(named("CPU +50%"), 3, timeline(24, 60, "cpu_usage"));
    String line = CanaryBenchmark.canaryLine(List.of(blip, quiet, detected));
    assertEquals(
        "CANARY runs=3 clean_false_fail=1/2 must_fail_within_10m=1/1 shared_fail=0/0"
            + " coldstart_false_fail=0/0 attribution_correct=1/1 median_minutes_to_fail=5",
        line);
    assertTrue(
        CanaryBenchmark.table(List.of(blip, quiet, detected))
            .contains("| CPU +50% | must fail | 1 | 1 | 0 | 0 | 0 | 5 |"));
  }

  @Test
  void theFirstAnswerCountsFromTheFirstCanarySampleToTheFirstVerdictOtherThanInconclusive() {
    CanaryScenario clean = named("clean, canary at the trough");
    // Inconclusive after minutes 0..20, pass from the verdict after minute 21 on.
    CanaryBenchmark.Run quiet = CanaryBenchmark.evaluate(clean, 1, timeline(99, 99, null));
    assertEquals(22, quiet.firstVerdict());
    CanaryBenchmark.Run early = CanaryBenchmark.evaluate(clean, 2, timeline(10, 11, "cpu_usage"));
    assertEquals(11, early.firstVerdict(), "a fail is an answer too");
    List<ScenarioRunner.Step> silent = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      silent.add(new ScenarioRunner.Step(START + (i + 1) * MINUTE, "inconclusive", null, "warm"));
    }
    assertNull(
        CanaryBenchmark.evaluate(
                clean, 3, new ScenarioRunner.Outcome(silent, 0, false, List.of(), List.of()))
            .firstVerdict());
    assertTrue(
        CanaryBenchmark.table(List.of(quiet, early))
            .contains(
                "| clean, canary at the trough | never fail | 2 | 1 | 1 | 0 | - | - | - | - | 16.5 (11-22) |"),
        CanaryBenchmark.table(List.of(quiet, early)));
  }

  @Test
  void seedsAreListsAndRanges() {
    assertEquals(List.of(1L, 2L, 3L), SeedList.parse("1..3"));
    assertEquals(List.of(-2L, -1L, 0L, 7L), SeedList.parse("-2..0, 7,7"));
    assertEquals(20, SeedList.parse("1..20").size());
    assertThrows(IllegalArgumentException.class, () -> SeedList.parse("3..1"));
    assertThrows(IllegalArgumentException.class, () -> SeedList.parse("a"));
    assertThrows(IllegalArgumentException.class, () -> SeedList.parse(""));
    assertThrows(IllegalArgumentException.class, () -> SeedList.parse("1..1000000000"));
  }

  @Test
  void theScenariosAreTheIssuesList() {
    List<CanaryScenario> all = CanaryScenario.all();
    assertEquals(
        8,
        all.stream().filter(s -> s.expectation() == CanaryScenario.Expectation.MUST_FAIL).count());
    assertEquals(
        3,
        all.stream().filter(s -> s.expectation() == CanaryScenario.Expectation.REPORTED).count());
    assertEquals(
        4,
        all.stream().filter(s -> s.expectation() == CanaryScenario.Expectation.NEVER_FAIL).count());
    assertEquals(
        1,
        all.stream().filter(s -> s.expectation() == CanaryScenario.Expectation.COLD_START).count());
    assertEquals(40, named("memory +30% in 30 min").deadline());
  }
}
