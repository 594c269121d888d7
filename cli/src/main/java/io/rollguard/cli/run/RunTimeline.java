package io.rollguard.cli.run;

import io.rollguard.common.payload.AnomalyRecord;
import io.rollguard.common.payload.ScoringKey;
import java.util.ArrayList;
import java.util.List;

/**
 * What a run produced, in time order, for the console and the report: every stored record per role,
 * and the verdict the store's verdict endpoint would have answered after each step (what an Argo
 * Rollouts analysis polling it would have seen).
 */
final class RunTimeline {

  /**
   * The verdict after one step.
   *
   * @param topMetric the first blamed metric, null when none is worse than the stable
   * @param reason the verdict's reason
   */
  record VerdictPoint(
      long atMillis,
      String verdict,
      Double canaryScore,
      Double stableScore,
      String topMetric,
      String reason) {}

  private final ScoringKey stableKey;
  private final ScoringKey canaryKey;
  private final List<AnomalyRecord> stable = new ArrayList<>();
  private final List<AnomalyRecord> canary = new ArrayList<>();
  private final List<VerdictPoint> verdicts = new ArrayList<>();

  /**
   * @param stableKey the stable compared against, or null when there is none
   */
  RunTimeline(ScoringKey stableKey, ScoringKey canaryKey) {
    this.stableKey = stableKey;
    this.canaryKey = canaryKey;
  }

  /** Keeps the records of the two compared keys (a replay may carry other versions too). */
  void add(AnomalyRecord record) {
    if (record.key().equals(canaryKey)) {
      canary.add(record);
    } else if (record.key().equals(stableKey)) {
      stable.add(record);
    }
  }

  void addVerdict(VerdictPoint point) {
    verdicts.add(point);
  }

  List<AnomalyRecord> stable() {
    return List.copyOf(stable);
  }

  List<AnomalyRecord> canary() {
    return List.copyOf(canary);
  }

  List<VerdictPoint> verdicts() {
    return List.copyOf(verdicts);
  }

  /** The first step whose verdict was {@code verdict}, or null. */
  VerdictPoint first(String verdict) {
    for (VerdictPoint p : verdicts) {
      if (p.verdict().equals(verdict)) {
        return p;
      }
    }
    return null;
  }
}
