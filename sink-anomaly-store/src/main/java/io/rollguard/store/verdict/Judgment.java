package io.rollguard.store.verdict;

import java.util.List;

/**
 * The canary judgment at one time (see {@link CanaryJudge}).
 *
 * @param verdict {@code pass}, {@code fail} or {@code inconclusive}
 * @param reason one line saying why, with the blamed metrics' values in their units
 * @param score weighted share (0-100) of the metrics with data that are not worse than the stable;
 *     null when no comparison was possible
 * @param band {@code pass}, {@code marginal} or {@code fail} for the score (Kayenta's bands), null
 *     without a score
 * @param stableIncident the stable's own model score says it is in an incident (shared cause)
 * @param canaryRecords canary records in the interval
 * @param usableCanaryRecords of those, the ones past warm-up
 * @param stableRecords stable records in the interval (usable ones)
 * @param canaryUnified median unified model score of the usable canary records, null without
 * @param stableUnified median unified model score of the stable records, null without
 * @param metrics every configured metric, blamed ones first (then by effect)
 */
public record Judgment(
    String verdict,
    String reason,
    Double score,
    String band,
    boolean stableIncident,
    int canaryRecords,
    int usableCanaryRecords,
    int stableRecords,
    Double canaryUnified,
    Double stableUnified,
    List<MetricJudgment> metrics) {

  public static final String PASS = "pass";
  public static final String FAIL = "fail";
  public static final String INCONCLUSIVE = "inconclusive";

  public Judgment {
    metrics = List.copyOf(metrics);
  }

  /** The first {@code n} metrics (blamed first). */
  public List<MetricJudgment> top(int n) {
    return metrics.subList(0, Math.min(n, metrics.size()));
  }
}
