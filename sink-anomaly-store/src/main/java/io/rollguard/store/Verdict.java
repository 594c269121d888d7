package io.rollguard.store;

import io.rollguard.store.verdict.MetricJudgment;
import java.util.List;
import java.util.Map;

/**
 * The answer of {@code GET /api/v1/verdict}, serialised as JSON for Argo Rollouts' web provider
 * ({@code jsonPath: "{$.verdict}"} or the whole object): the canary judgment ({@link
 * io.rollguard.store.verdict.CanaryJudge}) with what it compared. Absent values are {@code null}.
 *
 * @param verdict {@code pass}, {@code fail} or {@code inconclusive}
 * @param reason one line saying why, with the blamed metrics' canary and stable values in their
 *     units
 * @param from start of the compared interval, epoch ms (exclusive)
 * @param to end of the compared interval (now), epoch ms
 * @param stableHash the stable pod-template hash compared against, null when none was scored
 * @param difference canary minus stable median unified model score, null without both
 * @param score weighted share (0-100) of the metrics that are not worse than the stable, null when
 *     nothing was compared
 * @param band the score's band: {@code pass}, {@code marginal} or {@code fail}; null without a
 *     score
 * @param topMetrics the first {@code verdict.topMetrics} of {@code metrics}: the blamed ones first
 * @param metrics every metric's comparison, blamed ones first
 */
public record Verdict(
    String namespace,
    String app,
    String canaryHash,
    String stableHash,
    long from,
    long to,
    RoleScores canary,
    RoleScores stable,
    Double difference,
    Double score,
    String band,
    List<MetricJudgment> topMetrics,
    List<MetricJudgment> metrics,
    String verdict,
    String reason) {

  public static final String PASS = "pass";
  public static final String FAIL = "fail";
  public static final String INCONCLUSIVE = "inconclusive";

  /**
   * The numeric code of the {@code rollguard_canary_verdict} gauge: pass 1, inconclusive 0, fail
   * -1.
   */
  public static int code(String verdict) {
    return switch (verdict) {
      case PASS -> 1;
      case FAIL -> -1;
      default -> 0;
    };
  }

  /**
   * One role's model scores in the interval.
   *
   * @param records how many records
   * @param usableRecords of those, past warm-up (the evidence the judgment used)
   * @param unifiedScore median unified score of the usable records, null without
   * @param maxUnifiedScore highest unified score of all records, null without records
   * @param latestTimestamp time of the newest record, null without records
   * @param metricScores median score per metric over all records
   */
  public record RoleScores(
      int records,
      int usableRecords,
      Double unifiedScore,
      Double maxUnifiedScore,
      Long latestTimestamp,
      Map<String, Double> metricScores) {}
}
