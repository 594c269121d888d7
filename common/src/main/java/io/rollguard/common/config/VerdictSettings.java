package io.rollguard.common.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The canary judgment: how the anomaly store turns the stored records of a canary and its stable
 * into pass, fail or inconclusive. One rule, read by the verdict API, the store's verdict gauges
 * (the Prometheus-provider AnalysisTemplate), {@code cli run}, {@code cli evaluate canary} and the
 * report. The rule itself: {@code docs/anomaly-store.md} and the store's {@code CanaryJudge}. Every
 * bound is checked by {@link ConfigLoader} with a message naming the field; the constructor
 * re-checks the invariants so a hand-built instance cannot be inconsistent.
 *
 * @param interval the trailing range whose canary and stable values are compared
 * @param noiseLookback the trailing range over which each role's per-step noise is estimated (at
 *     least {@code interval}); the effect of a shift is measured in that noise
 * @param minSamples fewer usable points than this per role, for a metric, is no data for that
 *     metric; fewer usable canary records in the interval is an inconclusive verdict
 * @param noiseSamples fewer usable values than this per role over {@code noiseLookback} is too
 *     little to estimate the role's noise: no data for that metric
 * @param confidence family-wise confidence that a canary no worse than the stable has no metric
 *     called worse, in (0.5, 1): each metric's one-sided Mann-Whitney test runs at {@code 1 - (1 -
 *     confidence) / metrics} (Bonferroni), so adding metrics does not add false fails (Kayenta's
 *     judge tests each metric at 0.98)
 * @param minEffect smallest shift that counts, as a multiple of the noise of a canary-minus-stable
 *     difference (Hodges-Lehmann estimate of the shift)
 * @param allowedChange smallest shift that counts relative to the stable's median (Kayenta's
 *     allowedIncrease / allowedDecrease), so a significant but tiny change passes
 * @param criticalEffect a metric whose shift reaches this many noise units (and is significant,
 *     allowed and corroborated by the model) fails the canary by itself (Kayenta's critical metric)
 * @param modelScore the canary's per-metric model score (median over the interval, 0-10) that
 *     corroborates a statistical shift: the model, trained on the entity's history, must also see
 *     the metric away from its expectation
 * @param passScore weighted share of passing metrics (0-100) at or above which the canary passes
 * @param marginalScore below this weighted share the canary fails; in between it is marginal
 *     (inconclusive)
 * @param stableIncidentScore when the stable's median unified score over the interval reaches this,
 *     the stable is in an incident of its own: the verdict is at most inconclusive (a shared cause
 *     is never blamed on the canary)
 * @param coverageTolerance a record whose window coverage is below its model's training coverage
 *     minus this is warm-up (a canary's first, partly filled windows): it never counts as evidence
 * @param warmup a canary's records younger than this (from its first record) are warm-up too
 * @param topMetrics how many metrics the verdict explains
 */
public record VerdictSettings(
    Duration interval,
    Duration noiseLookback,
    int minSamples,
    int noiseSamples,
    double confidence,
    double minEffect,
    double allowedChange,
    double criticalEffect,
    double modelScore,
    double passScore,
    double marginalScore,
    double stableIncidentScore,
    double coverageTolerance,
    Duration warmup,
    int topMetrics) {

  /** The documented defaults (tuned on the synthetic canary suite only, docs/evaluation.md). */
  public static final VerdictSettings DEFAULTS =
      new VerdictSettings(
          Duration.ofMinutes(6),
          Duration.ofMinutes(30),
          5,
          10,
          0.99,
          1.5,
          0.05,
          3.0,
          5.0,
          95,
          75,
          7.0,
          0.02,
          Duration.ZERO,
          3);

  public VerdictSettings {
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(noiseLookback, "noiseLookback");
    Objects.requireNonNull(warmup, "warmup");
    if (interval.toMillis() <= 0) {
      throw new IllegalArgumentException("verdict.interval must be > 0, got " + interval);
    }
    if (noiseLookback.compareTo(interval) < 0) {
      throw new IllegalArgumentException("verdict.noiseLookback must be >= verdict.interval");
    }
    if (minSamples < 3) {
      throw new IllegalArgumentException("verdict.minSamples must be >= 3, got " + minSamples);
    }
    if (noiseSamples < 3) {
      throw new IllegalArgumentException("verdict.noiseSamples must be >= 3, got " + noiseSamples);
    }
    if (!(confidence > 0.5 && confidence < 1)) {
      throw new IllegalArgumentException(
          "verdict.confidence must be in (0.5, 1), got " + confidence);
    }
    if (!(minEffect >= 0) || !(criticalEffect >= minEffect) || !Double.isFinite(criticalEffect)) {
      throw new IllegalArgumentException(
          "verdict: need 0 <= minEffect <= criticalEffect (finite), got "
              + minEffect
              + " and "
              + criticalEffect);
    }
    if (!(allowedChange >= 0) || !Double.isFinite(allowedChange)) {
      throw new IllegalArgumentException(
          "verdict.allowedChange must be >= 0, got " + allowedChange);
    }
    if (!(modelScore >= 0 && modelScore <= 10)) {
      throw new IllegalArgumentException(
          "verdict.modelScore must be in [0, 10], got " + modelScore);
    }
    if (!(marginalScore >= 0 && marginalScore <= passScore && passScore <= 100)) {
      throw new IllegalArgumentException(
          "verdict: need 0 <= marginalScore <= passScore <= 100, got "
              + marginalScore
              + " and "
              + passScore);
    }
    if (!(stableIncidentScore > 0 && stableIncidentScore <= 10)) {
      throw new IllegalArgumentException(
          "verdict.stableIncidentScore must be in (0, 10], got " + stableIncidentScore);
    }
    if (!(coverageTolerance >= 0 && coverageTolerance < 1)) {
      throw new IllegalArgumentException(
          "verdict.coverageTolerance must be in [0, 1), got " + coverageTolerance);
    }
    if (warmup.isNegative()) {
      throw new IllegalArgumentException("verdict.warmup must be >= 0, got " + warmup);
    }
    if (topMetrics < 1) {
      throw new IllegalArgumentException("verdict.topMetrics must be >= 1, got " + topMetrics);
    }
  }

  /** The same rule over another interval (the verdict API's {@code range} parameter). */
  public VerdictSettings withInterval(Duration newInterval) {
    Duration lookback = noiseLookback.compareTo(newInterval) < 0 ? newInterval : noiseLookback;
    return new VerdictSettings(
        newInterval,
        lookback,
        minSamples,
        noiseSamples,
        confidence,
        minEffect,
        allowedChange,
        criticalEffect,
        modelScore,
        passScore,
        marginalScore,
        stableIncidentScore,
        coverageTolerance,
        warmup,
        topMetrics);
  }

  /**
   * One-sided significance level of each metric's Mann-Whitney test among {@code metrics} tested
   * ones.
   */
  public double alpha(int metrics) {
    return (1 - confidence) / Math.max(1, metrics);
  }

  /**
   * The fewest values per role with which a Mann-Whitney test at {@link #alpha(int)} can be
   * significant at all: n with 1 / C(2n, n) below alpha (the chance that n canary values all exceed
   * n stable values by luck). An interval shorter than that many steps can never fail a canary.
   */
  public int smallestSignificantSample(int metrics) {
    double alpha = alpha(metrics);
    double arrangements = 2; // C(2, 1)
    for (int n = 1; n < 1000; n++) {
      if (1 / arrangements < alpha) {
        return n;
      }
      // C(2n + 2, n + 1) = C(2n, n) * (2n + 1)(2n + 2) / (n + 1)^2
      arrangements = arrangements * (2.0 * n + 1) * (2.0 * n + 2) / ((n + 1.0) * (n + 1.0));
    }
    return 1000;
  }
}
