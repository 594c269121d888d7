package io.rollguard.cli.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScenarioGeneratorTest {

  private static final int HISTORY = 2 * 1440;
  private static final int CANARY = 240;
  private static final int ONSET = 60;

  private static Scenario clean(long seed) {
    return Scenario.of("clean", seed, HISTORY, CANARY, List.of(), List.of());
  }

  private static Scenario withCanaryEffect(Effect e) {
    return Scenario.of("effect", 7, HISTORY, CANARY, List.of(), List.of(e));
  }

  @Test
  void sameSpecGivesIdenticalRowsAndDifferentSeedDoesNot() {
    ScenarioData a = clean(42).generate();
    ScenarioData b = clean(42).generate();
    ScenarioData c = clean(43).generate();
    assertEquals(a, b);
    assertNotEquals(a.history(), c.history());
    assertNotEquals(a.canary(), c.canary());
  }

  @Test
  void shapesAndTimestampsFollowTheSpec() {
    Scenario s = clean(1);
    ScenarioData d = s.generate();
    assertEquals(HISTORY, d.history().rows());
    assertEquals(CANARY, d.stable().rows());
    assertEquals(CANARY, d.canary().rows());
    assertEquals(ServiceMetric.all().size(), d.canary().metrics().size());
    assertEquals(s.start().toEpochMilli(), d.history().timestamps()[0]);
    assertEquals(s.canaryStart().toEpochMilli(), d.canary().timestamps()[0]);
    assertEquals(60_000L, d.canary().timestamps()[1] - d.canary().timestamps()[0]);
    assertArraysEqual(d.stable().timestamps(), d.canary().timestamps());
  }

  @Test
  void onePodEachIsTheOriginalGeneratorAndMorePodsAverageTheNoiseAway() {
    assertEquals(clean(3).generate(), clean(3).withPods(Scenario.Pods.SINGLE).generate());
    ScenarioData one = clean(3).withPods(new Scenario.Pods(1, 1)).generate();
    ScenarioData many = clean(3).withPods(new Scenario.Pods(16, 1)).generate();
    // The canary runs one pod in both: identical. The stable (and the history) averages 16 pods:
    // a quarter of the per-step noise, around the same level.
    assertEquals(one.canary(), many.canary());
    for (String metric : List.of("latency_p99", "cpu_usage", "memory_working_set")) {
      double ratio =
          stepNoise(many.history().column(metric)) / stepNoise(one.history().column(metric));
      assertEquals(0.25, ratio, 0.05, metric + " noise ratio");
      assertEquals(
          mean(one.history().column(metric)),
          mean(many.history().column(metric)),
          0.01 * mean(one.history().column(metric)),
          metric + " level");
    }
    // The error ratio's binomial noise counts the requests of all pods.
    double errRatio =
        stepNoise(many.history().column("error_ratio"))
            / stepNoise(one.history().column("error_ratio"));
    assertEquals(0.25, errRatio, 0.05);
    assertThrows(IllegalArgumentException.class, () -> new Scenario.Pods(0, 1));
  }

  @Test
  void cpuIncreaseRaisesCpuOnlyFromOnset() {
    ScenarioData d = withCanaryEffect(Effect.cpuIncrease(ONSET, 0.5)).generate();
    ScenarioData base = clean(7).generate();
    double[] cpu = d.canary().column("cpu_usage");
    double[] cpuBase = base.canary().column("cpu_usage");
    assertEquals(cpuBase[ONSET - 1], cpu[ONSET - 1]);
    assertEquals(1.5 * cpuBase[ONSET + 5], cpu[ONSET + 5], 1e-9);
    assertArraysEqual(base.canary().column("latency_p99"), d.canary().column("latency_p99"));
  }

  /**
   * Robust sd of step-to-step differences over sqrt 2: the per-step noise without the daily cycle.
   */
  private static double stepNoise(double[] v) {
    double[] d = new double[v.length - 1];
    for (int i = 1; i < v.length; i++) {
      d[i - 1] = Math.abs(v[i] - v[i - 1]);
    }
    java.util.Arrays.sort(d);
    return 1.4826 * d[d.length / 2] / Math.sqrt(2);
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }

  @Test
  void stableAndCanaryHaveIndependentNoise() {
    ScenarioData d = clean(5).generate();
    assertNotEquals(d.stable().values()[0][0], d.canary().values()[0][0]);
  }

  @Test
  void aMetricDoesNotDependOnWhichOtherMetricsAreEmitted() {
    ScenarioData all = clean(9).generate();
    ScenarioData core = clean(9).withMetrics(ServiceMetric.core()).generate();
    for (ServiceMetric m : ServiceMetric.core()) {
      assertArraysEqual(all.canary().column(m.metricName()), core.canary().column(m.metricName()));
    }
  }

  @Test
  void latencyIncreaseAddsExactlyThatManyMillisecondsFromOnsetAndLabelsRows() {
    SeriesRows base = clean(7).generate().canary();
    SeriesRows hit = withCanaryEffect(Effect.latencyIncreaseMs(ONSET, 400)).generate().canary();
    double[] before = base.column("latency_p95");
    double[] after = hit.column("latency_p95");
    for (int i = 0; i < CANARY; i++) {
      assertEquals(i >= ONSET ? 0.4 : 0.0, after[i] - before[i], 1e-12, "row " + i); // seconds
      assertEquals(i >= ONSET, hit.labels()[i], "label of row " + i);
    }
    assertEquals(ONSET, hit.firstLabelledRow());
    assertArraysEqual(base.column("error_ratio"), hit.column("error_ratio"));
  }

  @Test
  void sigmaShiftIsMeasuredInTheLatencyNoiseSd() {
    SeriesRows base = clean(7).generate().canary();
    SeriesRows hit = withCanaryEffect(Effect.latencyShiftSigmas(ONSET, 2)).generate().canary();
    double sigma = ServiceProfile.webService().latencySigmaMs(ServiceMetric.LATENCY_P95);
    assertEquals(12.5, sigma, 1e-12);
    double delta = hit.column("latency_p95")[ONSET + 5] - base.column("latency_p95")[ONSET + 5];
    assertEquals(2 * sigma / 1000, delta, 1e-12);
  }

  @Test
  void sigmaOfGeneratedLatencyNoiseMatchesTheProfile() {
    // Residual of p95 around its noise-free level, estimated over two days of history.
    ServiceProfile p = ServiceProfile.webService();
    SeriesRows h = clean(11).generate().history();
    double[] p95 = h.column("latency_p95");
    double sum = 0;
    double sumSq = 0;
    for (int i = 0; i < p95.length; i++) {
      double tod = (h.timestamps()[i] / 1000 % 86_400) / 86_400.0;
      double load = 1 - p.dailyAmplitude() * Math.cos(2 * Math.PI * tod);
      double r = 1000 * p95[i] - p.latencyP95Ms() * (1 + p.latencyLoadSensitivity() * (load - 1));
      sum += r;
      sumSq += r * r;
    }
    double mean = sum / p95.length;
    double sd = Math.sqrt(sumSq / p95.length - mean * mean);
    assertEquals(p.latencySigmaMs(ServiceMetric.LATENCY_P95), sd, 0.05 * 12.5);
    assertEquals(0, mean, 1.0);
  }

  @Test
  void errorRatioEffectMovesTheRatioToTheTarget() {
    SeriesRows hit = withCanaryEffect(Effect.errorRatio(ONSET, 0.08)).generate().canary();
    double[] err = hit.column("error_ratio");
    assertEquals(0.005, mean(err, 0, ONSET), 0.001);
    assertEquals(0.08, mean(err, ONSET, CANARY), 0.003);
  }

  @Test
  void memoryLeakGrowsLinearlyFromOnset() {
    SeriesRows base = clean(7).generate().canary();
    SeriesRows hit = withCanaryEffect(Effect.memoryLeak(ONSET, 0.6)).generate().canary();
    double mem = ServiceProfile.webService().memoryBytes();
    double[] d = diff(hit.column("memory_working_set"), base.column("memory_working_set"));
    assertEquals(0, d[ONSET], 1e-3);
    assertEquals(mem * 0.6 * 30 / 60.0, d[ONSET + 30], 1e-3); // 30 minutes at 60%/hour
    assertEquals(0, d[ONSET - 1], 1e-3);
  }

  @Test
  void throughputDropScalesServedRequestsAndCpuFollows() {
    SeriesRows base = clean(7).generate().canary();
    SeriesRows hit = withCanaryEffect(Effect.throughputDrop(ONSET, 0.5)).generate().canary();
    double[] r0 = base.column("request_rate");
    double[] r1 = hit.column("request_rate");
    assertEquals(r0[ONSET - 1], r1[ONSET - 1], 1e-12);
    assertEquals(0.5 * r0[ONSET + 3], r1[ONSET + 3], 1e-9);
    assertTrue(hit.column("cpu_usage")[ONSET + 3] < base.column("cpu_usage")[ONSET + 3]);
  }

  @Test
  void sharedTrafficSurgeHitsBothRolesAndIsNotLabelled() {
    Scenario surge =
        Scenario.of(
            "surge", 7, HISTORY, CANARY, List.of(Effect.trafficSurge(ONSET, 30, 1.8)), List.of());
    ScenarioData base = clean(7).generate();
    ScenarioData hit = surge.generate();
    for (SeriesRows[] pair :
        new SeriesRows[][] {{base.stable(), hit.stable()}, {base.canary(), hit.canary()}}) {
      double[] r0 = pair[0].column("request_rate");
      double[] r1 = pair[1].column("request_rate");
      assertEquals(1.8 * r0[ONSET + 10], r1[ONSET + 10], 1e-9);
      assertEquals(r0[ONSET + 30], r1[ONSET + 30], 1e-12); // surge over after 30 steps
    }
    assertEquals(-1, hit.canary().firstLabelledRow());
    assertEquals(-1, hit.stable().firstLabelledRow());
  }

  @Test
  void trafficFollowsTheDailyCycle() {
    SeriesRows h = clean(3).generate().history();
    double[] rate = h.column("request_rate");
    double midnight = mean(rate, 0, 30); // history starts at 00:00 UTC
    double noon = mean(rate, 720 - 15, 720 + 15);
    assertEquals(100, midnight, 5);
    assertEquals(300, noon, 10);
  }

  @Test
  void missingFractionBlanksCellsDeterministically() {
    Scenario s = clean(4).withMissingFraction(0.1);
    SeriesRows a = s.generate().history();
    SeriesRows b = s.generate().history();
    assertEquals(a, b);
    int nan = 0;
    for (double[] row : a.values()) {
      for (double v : row) {
        nan += Double.isNaN(v) ? 1 : 0;
      }
    }
    double fraction = nan / (double) (a.rows() * a.metrics().size());
    assertEquals(0.1, fraction, 0.01);
    // A cell present in the masked series has the same value as in the unmasked one.
    SeriesRows full = clean(4).generate().history();
    for (int i = 0; i < 50; i++) {
      if (!Double.isNaN(a.values()[i][0])) {
        assertEquals(full.values()[i][0], a.values()[i][0]);
      }
    }
  }

  @Test
  void historyAndStableAreNeverLabelled() {
    ScenarioData d = withCanaryEffect(Effect.errorRatio(0, 0.08)).generate();
    assertEquals(-1, d.history().firstLabelledRow());
    assertEquals(-1, d.stable().firstLabelledRow());
    assertEquals(0, d.canary().firstLabelledRow());
  }

  @Test
  void invalidSpecsFailWithTheFieldName() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Scenario.of("x", 1, 10, 0, List.of(), List.of()));
    assertTrue(e.getMessage().contains("canarySteps"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Effect.errorRatio(0, 1.5));
    assertTrue(e.getMessage().contains("magnitude"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> clean(1).withMissingFraction(1.0));
    assertTrue(e.getMessage().contains("missingFraction"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> clean(1).withMetrics(List.of()));
    assertTrue(e.getMessage().contains("metrics"), e.getMessage());
    assertFalse(Effect.trafficSurge(0, 5, 2).kind().isRegression());
  }

  private static double mean(double[] v, int from, int to) {
    double s = 0;
    for (int i = from; i < to; i++) {
      s += v[i];
    }
    return s / (to - from);
  }

  private static double[] diff(double[] a, double[] b) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i] - b[i];
    }
    return d;
  }

  private static void assertArraysEqual(double[] a, double[] b) {
    assertEquals(a.length, b.length);
    for (int i = 0; i < a.length; i++) {
      assertEquals(a[i], b[i], 0.0, "index " + i);
    }
  }

  private static void assertArraysEqual(long[] a, long[] b) {
    assertEquals(a.length, b.length);
    for (int i = 0; i < a.length; i++) {
      assertEquals(a[i], b[i], "index " + i);
    }
  }
}
