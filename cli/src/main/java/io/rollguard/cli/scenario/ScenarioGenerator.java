package io.rollguard.cli.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Turns a {@link Scenario} into rows. The model of a healthy service, per step:
 *
 * <ul>
 *   <li>offered traffic = mean rate x daily cycle (trough at 00:00 UTC, peak at 12:00) x active
 *       surges; served traffic = offered x (1 - active throughput drops) x (1 + noise);
 *   <li>latency quantiles (emitted in seconds) = baseline x (1 + sensitivity x (offered load - 1))
 *       + additive noise of sd {@code latencyNoise x baseline} (correlated across quantiles), plus
 *       latency effects;
 *   <li>error ratio = baseline (or the effect's ratio) + binomial-sized noise for the served count;
 *   <li>CPU = idle + cost x served, with relative noise; memory = baseline (slightly load
 *       dependent) + noise + leak; in-flight requests = served x p50 latency (Little's law).
 * </ul>
 *
 * <p>Every row draws its random numbers in a fixed order whatever metrics are selected, so a
 * metric's values do not depend on which other metrics are emitted. {@link java.util.Random} is
 * used because its algorithm is specified, so a seed gives the same numbers on every JVM.
 */
// Rows are built in a scratch array indexed by ServiceMetric's ordinal: the enum's order is the
// generator's fixed draw order, and an EnumMap would box every value of every row.
@SuppressWarnings("EnumOrdinal")
final class ScenarioGenerator {

  private static final long HISTORY_SALT = 0x1A2B3C4DL;
  private static final long STABLE_SALT = 0x2B3C4D5EL;
  private static final long CANARY_SALT = 0x3C4D5E6FL;
  private static final long MISSING_SALT = 0x5DEECE66DL;
  private static final double SECONDS_PER_DAY = 86_400.0;

  /** Weight of the noise shared by the three latency quantiles (they move together in reality). */
  private static final double LATENCY_SHARED = 0.7;

  private static final double LATENCY_OWN = Math.sqrt(1 - LATENCY_SHARED * LATENCY_SHARED);

  /** Memory grows by 2% per unit of relative load above the mean (caches, buffers). */
  private static final double MEMORY_LOAD_SENSITIVITY = 0.02;

  private static final double INFLIGHT_NOISE = 0.05;

  /**
   * The profile and effects speak milliseconds; series are emitted in seconds like the default
   * config.
   */
  private static final double MS_PER_SECOND = 1000.0;

  private ScenarioGenerator() {}

  static ScenarioData generate(Scenario s) {
    long stepMs = s.step().toMillis();
    long historyStart = s.start().toEpochMilli();
    long canaryStart = historyStart + s.historySteps() * stepMs;
    List<Effect> canaryAll = new ArrayList<>(s.sharedEffects());
    canaryAll.addAll(s.canaryEffects());
    int stablePods = s.pods().stable();
    SeriesRows history =
        series(s, historyStart, s.historySteps(), List.of(), HISTORY_SALT, false, stablePods);
    SeriesRows stable =
        series(s, canaryStart, s.canarySteps(), s.sharedEffects(), STABLE_SALT, false, stablePods);
    SeriesRows canary =
        series(s, canaryStart, s.canarySteps(), canaryAll, CANARY_SALT, true, s.pods().canary());
    return new ScenarioData(s, history, stable, canary);
  }

  private static SeriesRows series(
      Scenario s,
      long firstTs,
      int rows,
      List<Effect> effects,
      long salt,
      boolean labelRegressions,
      int pods) {
    Random noise = new Random(s.seed() * 0x9E3779B97F4A7C15L + salt);
    Random missing = new Random(s.seed() * 0x9E3779B97F4A7C15L + salt + MISSING_SALT);
    long stepMs = s.step().toMillis();
    double stepSeconds = stepMs / 1000.0;
    List<ServiceMetric> metrics = s.metrics();
    long[] ts = new long[rows];
    double[][] values = new double[rows][metrics.size()];
    boolean[] labels = new boolean[rows];
    double[] all = new double[ServiceMetric.values().length];
    for (int i = 0; i < rows; i++) {
      ts[i] = firstTs + i * stepMs;
      labels[i] = labelRegressions && anyRegressionActive(effects, i);
      healthyRow(s.profile(), ts[i], stepSeconds, effects, i, noise, pods, all);
      for (int j = 0; j < metrics.size(); j++) {
        double v = all[metrics.get(j).ordinal()];
        values[i][j] = missing.nextDouble() < s.missingFraction() ? Double.NaN : v;
      }
    }
    return new SeriesRows(s.metricNames(), ts, values, labels);
  }

  private static boolean anyRegressionActive(List<Effect> effects, int step) {
    for (Effect e : effects) {
      if (e.kind().isRegression() && e.activeAt(step)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Fills {@code out} (indexed by ServiceMetric ordinal) with the values of one row of a role
   * running {@code pods} pods: per-pod averages, so the profile's per-pod noise shrinks by
   * sqrt(pods); the error ratio's binomial noise counts all pods' requests.
   */
  private static void healthyRow(
      ServiceProfile p,
      long tsMs,
      double stepSeconds,
      List<Effect> effects,
      int step,
      Random rnd,
      int pods,
      double[] out) {
    double podNoise = 1.0 / Math.sqrt(pods);
    // Fixed draw order: every row consumes exactly these nine Gaussians.
    double nRate = rnd.nextGaussian();
    double nErr = rnd.nextGaussian();
    double nLatShared = rnd.nextGaussian();
    double nP50 = rnd.nextGaussian();
    double nP95 = rnd.nextGaussian();
    double nP99 = rnd.nextGaussian();
    double nCpu = rnd.nextGaussian();
    double nMem = rnd.nextGaussian();
    double nInflight = rnd.nextGaussian();

    double timeOfDay = Math.floorMod(tsMs / 1000, (long) SECONDS_PER_DAY) / SECONDS_PER_DAY;
    double cycle = 1 - p.dailyAmplitude() * Math.cos(2 * Math.PI * timeOfDay);

    double surge = 1;
    double keep = 1;
    double latencyAddMs = 0;
    double latencySigmas = 0;
    double errorRatio = p.errorRatio();
    double leakFraction = 0;
    double cpuFactor = 1;
    for (Effect e : effects) {
      if (!e.activeAt(step)) {
        continue;
      }
      switch (e.kind()) {
        case TRAFFIC_SURGE -> surge *= e.magnitude();
        case THROUGHPUT_DROP -> keep *= 1 - e.magnitude();
        case LATENCY_INCREASE_MS -> latencyAddMs += e.magnitude();
        case LATENCY_SHIFT_SIGMAS -> latencySigmas += e.magnitude();
        case ERROR_RATIO -> errorRatio = e.magnitude();
        case MEMORY_LEAK_PER_HOUR ->
            leakFraction += e.magnitude() * e.stepsSinceOnset(step) * stepSeconds / 3600.0;
        case CPU_INCREASE -> cpuFactor *= 1 + e.magnitude();
      }
    }

    double offeredLoad = cycle * surge; // relative to the mean rate
    double served =
        Math.max(
            0,
            p.requestRate() * offeredLoad * keep * (1 + p.requestRateNoise() * podNoise * nRate));
    double latencyFactor = 1 + p.latencyLoadSensitivity() * (offeredLoad - 1);

    double p50 =
        latency(
            p.latencyP50Ms(),
            latencyFactor,
            p.latencyNoise(),
            podNoise,
            nLatShared,
            nP50,
            latencyAddMs,
            latencySigmas);
    double p95 =
        latency(
            p.latencyP95Ms(),
            latencyFactor,
            p.latencyNoise(),
            podNoise,
            nLatShared,
            nP95,
            latencyAddMs,
            latencySigmas);
    double p99 =
        latency(
            p.latencyP99Ms(),
            latencyFactor,
            p.latencyNoise(),
            podNoise,
            nLatShared,
            nP99,
            latencyAddMs,
            latencySigmas);

    double requestsInStep = Math.max(1, served * stepSeconds * pods);
    double errSd = Math.sqrt(errorRatio * (1 - errorRatio) / requestsInStep);
    double errors = clamp(errorRatio + errSd * nErr, 0, 1);

    double cpu =
        Math.max(
            0,
            (p.cpuCoresIdle() + p.cpuCoresPerRequestPerSecond() * served)
                * cpuFactor
                * (1 + p.cpuNoise() * podNoise * nCpu));
    double memory =
        Math.max(
            0,
            p.memoryBytes()
                * (1
                    + MEMORY_LOAD_SENSITIVITY * (offeredLoad - 1)
                    + p.memoryNoise() * podNoise * nMem
                    + leakFraction));
    double inflight =
        Math.max(0, served * p50 / 1000.0 * (1 + INFLIGHT_NOISE * podNoise * nInflight));

    out[ServiceMetric.REQUEST_RATE.ordinal()] = served;
    out[ServiceMetric.ERROR_RATIO.ordinal()] = errors;
    out[ServiceMetric.LATENCY_P50.ordinal()] = p50 / MS_PER_SECOND;
    out[ServiceMetric.LATENCY_P95.ordinal()] = p95 / MS_PER_SECOND;
    out[ServiceMetric.LATENCY_P99.ordinal()] = p99 / MS_PER_SECOND;
    out[ServiceMetric.CPU_USAGE.ordinal()] = cpu;
    out[ServiceMetric.MEMORY_WORKING_SET.ordinal()] = memory;
    out[ServiceMetric.INFLIGHT_REQUESTS.ordinal()] = inflight;
  }

  /**
   * One latency quantile. {@code addSigmas} counts the sd of one pod's noise ({@link
   * ServiceProfile#latencySigmaMs}), whatever the role's pod count.
   */
  private static double latency(
      double base,
      double loadFactor,
      double relNoise,
      double podNoise,
      double nShared,
      double nOwn,
      double addMs,
      double addSigmas) {
    double sigma = relNoise * base;
    double noise = sigma * podNoise * (LATENCY_SHARED * nShared + LATENCY_OWN * nOwn);
    return Math.max(0, base * loadFactor + noise + addMs + addSigmas * sigma);
  }

  private static double clamp(double v, double lo, double hi) {
    return Math.max(lo, Math.min(hi, v));
  }
}
