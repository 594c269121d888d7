package io.rollguard.store;

import java.util.List;
import java.util.Map;

/**
 * The answer of {@code GET /api/v1/verdict}, serialised as JSON for Argo Rollouts' web provider
 * ({@code jsonPath: "{$.verdict}"} or the whole object). Absent values are {@code null}.
 *
 * @param verdict {@code pass}, {@code fail} or {@code inconclusive}
 * @param reason one line saying why
 * @param from start of the considered range, epoch ms
 * @param to end of the considered range (now), epoch ms
 * @param stableHash the stable pod-template hash compared against, null when none was scored
 * @param difference canary minus stable median unified score, null without both
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
    List<Contribution> topMetrics,
    String verdict,
    String reason) {

  public static final String PASS = "pass";
  public static final String FAIL = "fail";
  public static final String INCONCLUSIVE = "inconclusive";

  /**
   * One role's scores in the range.
   *
   * @param records how many scores
   * @param unifiedScore median unified score, null without records
   * @param maxUnifiedScore highest unified score, null without records
   * @param latestTimestamp time of the newest score, null without records
   * @param metricScores median score per metric
   */
  public record RoleScores(
      int records,
      Double unifiedScore,
      Double maxUnifiedScore,
      Long latestTimestamp,
      Map<String, Double> metricScores) {}

  /**
   * A metric's share of the canary's anomaly.
   *
   * @param attribution mean share of the canary's unified score, in [0, 1]
   * @param canaryScore median canary score of the metric
   * @param stableScore median stable score of the metric, null without stable scores
   */
  public record Contribution(
      String metric, double attribution, Double canaryScore, Double stableScore) {}
}
