package io.rollguard.store.verdict;

/**
 * How one metric of the canary compares with the stable over the verdict's interval (see {@link
 * CanaryJudge}). Values are in the metric's configured unit; absent values are null.
 *
 * @param classification {@code pass}, {@code high} / {@code low} (worse than the stable in the
 *     metric's bad direction: significant, large enough and corroborated by the model) or {@code
 *     nodata}
 * @param critical worse by at least {@code verdict.criticalEffect}: fails the canary by itself
 * @param modelConfirmed the canary's model score of this metric reached {@code verdict.modelScore}
 * @param canaryValue median of the canary's values over the interval
 * @param stableValue median of the stable's values over the interval
 * @param shift Hodges-Lehmann estimate of canary minus stable
 * @param relativeChange {@code shift / |stableValue|} (infinite when the stable is 0 and the canary
 *     not)
 * @param effect the shift in the bad direction, in units of the noise of a canary-minus-stable
 *     difference (positive = worse)
 * @param pValue one-sided Mann-Whitney p-value of "the canary is worse"
 * @param canaryScore the canary's median model score of this metric (0-10)
 * @param stableScore the stable's median model score of this metric (0-10)
 * @param share this metric's share of the blame, in [0, 1]; 0 for a metric that is not worse
 * @param summary one line a person reads, e.g. {@code latency_p99 412 ms vs 180 ms (+129%)}
 */
public record MetricJudgment(
    String metric,
    String unit,
    double weight,
    String direction,
    String classification,
    boolean critical,
    boolean modelConfirmed,
    int canarySamples,
    int stableSamples,
    Double canaryValue,
    Double stableValue,
    Double shift,
    Double relativeChange,
    Double effect,
    Double pValue,
    Double canaryScore,
    Double stableScore,
    double share,
    String summary) {

  public static final String PASS = "pass";
  public static final String HIGH = "high";
  public static final String LOW = "low";
  public static final String NODATA = "nodata";

  /** Worse than the stable (high or low in the metric's bad direction). */
  public boolean worse() {
    return HIGH.equals(classification) || LOW.equals(classification);
  }

  MetricJudgment withShare(double newShare) {
    return new MetricJudgment(
        metric,
        unit,
        weight,
        direction,
        classification,
        critical,
        modelConfirmed,
        canarySamples,
        stableSamples,
        canaryValue,
        stableValue,
        shift,
        relativeChange,
        effect,
        pValue,
        canaryScore,
        stableScore,
        newShare,
        summary);
  }
}
