package io.rollguard.store.verdict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rollguard.common.config.MetricSpec.Direction;
import io.rollguard.common.config.VerdictSettings;
import io.rollguard.common.payload.AnomalyRecord;
import io.rollguard.common.payload.ScoringKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

class CanaryJudgeTest {

  static final ScoringKey CANARY = new ScoringKey("shop", "checkout", "canary", "c4n4ry");
  static final ScoringKey STABLE = new ScoringKey("shop", "checkout", "stable", "st4bl3");
  static final long MINUTE = 60_000;
  static final long NOW = 1_800_000_000_000L;
  static final int MINUTES = 30;

  static final CanaryJudge JUDGE =
      new CanaryJudge(
          VerdictSettings.DEFAULTS,
          List.of(
              new CanaryJudge.MetricInfo("latency", "seconds", 1, Direction.UP),
              new CanaryJudge.MetricInfo("errors", "ratio", 1, Direction.UP),
              new CanaryJudge.MetricInfo("rate", "requests/s", 0.5, Direction.DOWN)));

  /** What one role looks like at minute i (0 = oldest, MINUTES - 1 = now). */
  record Shape(double latency, double errors, double rate, double modelScore) {}

  static final Shape HEALTHY = new Shape(0.600, 0.005, 200, 1);

  /** Per-minute records around {@code shape(i)} with 5% / 10% / 3% noise. */
  static List<AnomalyRecord> records(
      ScoringKey key, long seed, IntFunction<Shape> shape, double coverage) {
    Random rnd = new Random(seed);
    List<AnomalyRecord> out = new ArrayList<>();
    for (int i = 0; i < MINUTES; i++) {
      Shape s = shape.apply(i);
      Map<String, Double> values = new LinkedHashMap<>();
      values.put("latency", s.latency() * (1 + 0.05 * rnd.nextGaussian()));
      values.put("errors", s.errors() * (1 + 0.1 * rnd.nextGaussian()));
      values.put("rate", s.rate() * (1 + 0.03 * rnd.nextGaussian()));
      Map<String, Double> scores = new LinkedHashMap<>();
      values.keySet().forEach(m -> scores.put(m, s.modelScore()));
      out.add(
          new AnomalyRecord(
                  key,
                  NOW - (MINUTES - 1 - i) * MINUTE,
                  s.modelScore(),
                  scores,
                  Map.of(),
                  AnomalyRecord.Source.MODEL,
                  "20261128T030000000Z-3fa2c81b9d04")
              .withObservations(values, coverage, 1.0));
    }
    return out;
  }

  static Judgment judge(IntFunction<Shape> canary, IntFunction<Shape> stable) {
    return JUDGE.judge(records(CANARY, 1, canary, 1.0), records(STABLE, 2, stable, 1.0), NOW, null);
  }

  /** From minute {@code from} on, {@code after}; before, healthy. */
  static IntFunction<Shape> from(int from, Shape after) {
    return i -> i >= from ? after : HEALTHY;
  }

  @Test
  void aCanaryLikeTheStablePasses() {
    Judgment j = judge(i -> HEALTHY, i -> HEALTHY);
    assertEquals(Judgment.PASS, j.verdict(), j.reason());
    assertEquals(100.0, j.score());
    assertEquals(6, j.usableCanaryRecords());
    j.metrics().forEach(m -> assertEquals(0.0, m.share(), m.toString()));
  }

  @Test
  void aLatencyRegressionFailsNamesLatencyFirstAndShowsMilliseconds() {
    Judgment j = judge(from(20, new Shape(1.0, 0.005, 200, 8.5)), i -> HEALTHY);
    assertEquals(Judgment.FAIL, j.verdict(), j.reason());
    MetricJudgment top = j.metrics().get(0);
    assertEquals("latency", top.metric());
    assertEquals(MetricJudgment.HIGH, top.classification());
    assertTrue(top.critical());
    assertEquals(1.0, top.share());
    assertTrue(top.summary().matches("latency \\d+ ms vs \\d+ ms \\(\\+\\d+%\\)"), top.summary());
    assertTrue(j.reason().contains(top.summary()), j.reason());
    // The metrics that did not move take no blame.
    j.metrics()
        .subList(1, 3)
        .forEach(
            m -> {
              assertFalse(m.worse(), m.toString());
              assertEquals(0.0, m.share());
            });
  }

  @Test
  void aShiftTheModelDoesNotCorroborateIsNotAFail() {
    Judgment j = judge(from(20, new Shape(1.0, 0.005, 200, 2)), i -> HEALTHY);
    assertEquals(Judgment.PASS, j.verdict(), j.reason());
    MetricJudgment latency =
        j.metrics().stream().filter(m -> m.metric().equals("latency")).findFirst().orElseThrow();
    assertTrue(latency.pValue() < 0.002 && latency.effect() > 3, latency.toString());
    assertFalse(latency.modelConfirmed());
  }

  @Test
  void directionDecides_lowerLatencyPasses_lowerThroughputFails() {
    Judgment better = judge(from(20, new Shape(0.3, 0.005, 200, 8)), i -> HEALTHY);
    assertEquals(Judgment.PASS, better.verdict(), better.reason());
    Judgment drop = judge(from(20, new Shape(0.6, 0.005, 120, 8)), i -> HEALTHY);
    assertEquals(Judgment.FAIL, drop.verdict(), drop.reason());
    assertEquals("rate", drop.metrics().get(0).metric());
    assertEquals(MetricJudgment.LOW, drop.metrics().get(0).classification());
    assertTrue(drop.metrics().get(0).summary().contains("req/s"), drop.metrics().get(0).summary());
  }

  @Test
  void aStableInItsOwnIncidentIsNeverBlamedOnTheCanary() {
    Shape incident = new Shape(1.0, 0.05, 200, 8);
    Judgment j = judge(from(20, new Shape(1.3, 0.08, 200, 9)), from(20, incident));
    assertEquals(Judgment.INCONCLUSIVE, j.verdict(), j.reason());
    assertTrue(j.stableIncident());
    assertTrue(j.reason().contains("shared cause"), j.reason());
  }

  @Test
  void partlyFilledWindowsAreWarmUpAndNeverEvidence() {
    // A fresh canary: every record so far covered less than its model's training data.
    List<AnomalyRecord> canary = records(CANARY, 1, from(0, new Shape(1.5, 0.05, 200, 9)), 0.85);
    Judgment j = JUDGE.judge(canary, records(STABLE, 2, i -> HEALTHY, 1.0), NOW, null);
    assertEquals(Judgment.INCONCLUSIVE, j.verdict(), j.reason());
    assertEquals(0, j.usableCanaryRecords());
    assertTrue(j.reason().startsWith("warming up"), j.reason());
    assertNull(j.score());
  }

  @Test
  void aCanaryYoungerThanTheWarmUpIsNotJudged() {
    VerdictSettings d = VerdictSettings.DEFAULTS;
    CanaryJudge withWarmup =
        new CanaryJudge(
            new VerdictSettings(
                d.interval(),
                d.noiseLookback(),
                d.minSamples(),
                d.noiseSamples(),
                d.confidence(),
                d.minEffect(),
                d.allowedChange(),
                d.criticalEffect(),
                d.modelScore(),
                d.passScore(),
                d.marginalScore(),
                d.stableIncidentScore(),
                d.coverageTolerance(),
                Duration.ofMinutes(27),
                d.topMetrics()),
            JUDGE.metrics());
    List<AnomalyRecord> canary = records(CANARY, 1, i -> HEALTHY, 1.0);
    Judgment j =
        withWarmup.judge(
            canary, records(STABLE, 2, i -> HEALTHY, 1.0), NOW, canary.get(0).timestamp());
    // Minutes 27-29 are past a 27-minute warm-up: 3 usable records, fewer than minSamples.
    assertEquals(Judgment.INCONCLUSIVE, j.verdict(), j.reason());
    assertEquals(3, j.usableCanaryRecords());
  }

  @Test
  void noStableOrTooLittleHistoryForTheNoiseIsInconclusive() {
    Judgment alone = JUDGE.judge(records(CANARY, 1, i -> HEALTHY, 1.0), List.of(), NOW, null);
    assertEquals(Judgment.INCONCLUSIVE, alone.verdict());
    assertTrue(alone.reason().startsWith("no stable baseline"), alone.reason());
    // Eight minutes of canary: enough for the interval, too few values to know its noise.
    List<AnomalyRecord> young = records(CANARY, 1, i -> HEALTHY, 1.0).subList(MINUTES - 8, MINUTES);
    Judgment j = JUDGE.judge(young, records(STABLE, 2, i -> HEALTHY, 1.0), NOW, null);
    assertEquals(Judgment.INCONCLUSIVE, j.verdict(), j.reason());
    assertTrue(j.reason().startsWith("too little data"), j.reason());
    j.metrics().forEach(m -> assertEquals(MetricJudgment.NODATA, m.classification()));
  }

  @Test
  void aModerateShiftOfOneLightMetricIsMarginalTwoAreAFail() {
    // Only the half-weight rate, moderately lower (worse, not critical): 80% of the weight passes,
    // the marginal band: inconclusive. Latency moderately higher as well: 40% passes, a fail.
    Judgment rate = judge(from(20, new Shape(0.6, 0.005, 176, 8)), i -> HEALTHY);
    MetricJudgment r = rate.metrics().get(0);
    assertEquals("rate", r.metric(), rate.reason());
    assertTrue(r.worse() && !r.critical(), r.toString());
    assertEquals(80.0, rate.score(), 1e-9);
    assertEquals("marginal", rate.band());
    assertEquals(Judgment.INCONCLUSIVE, rate.verdict(), rate.reason());
    Judgment both = judge(from(20, new Shape(0.68, 0.005, 176, 8)), i -> HEALTHY);
    assertEquals(Judgment.FAIL, both.verdict(), both.reason());
    assertEquals(2, both.metrics().stream().filter(MetricJudgment::worse).count(), both.reason());
    assertEquals(0.0, both.metrics().get(2).share());
  }
}
