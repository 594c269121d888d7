package io.rollguard.store;

import io.rollguard.common.payload.AnomalyRecord;
import io.rollguard.common.payload.ScoringKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Computes a canary verdict from the stored scores.
 *
 * <p><b>Rule</b> over the last {@code range} (default 5 minutes), with medians so one noisy window
 * does not decide:
 *
 * <ol>
 *   <li>fewer than {@code minRecords} canary scores: <b>inconclusive</b> (not enough evidence; Argo
 *       Rollouts pauses the rollout);
 *   <li>canary median unified score {@code >= failScore}: <b>fail</b>, unless the stable is
 *       anomalous too (median {@code >= failScore}) and the canary is less than {@code
 *       sharedCauseMargin} above it: then <b>inconclusive</b> (a shared cause such as a dependency
 *       outage, not the new version);
 *   <li>otherwise <b>pass</b>.
 * </ol>
 *
 * The stable compared against is the entity's most recently scored stable key. The top metrics are
 * the canary metrics with the highest mean attribution.
 */
public final class VerdictService {

  private final ScoreReader reader;
  private final Clock clock;

  public VerdictService(ScoreReader reader, Clock clock) {
    this.reader = reader;
    this.clock = clock;
  }

  /** Throws {@link StoreUnavailableException} when the store cannot be read. */
  public Verdict verdict(String namespace, String app, String canaryHash, VerdictPolicy policy) {
    long to = clock.millis();
    long from = to - policy.range().toMillis();
    ScoringKey canaryKey = new ScoringKey(namespace, app, ScoringKey.ROLE_CANARY, canaryHash);
    List<AnomalyRecord> canary = reader.history(canaryKey, from, to);
    ScoringKey stableKey = null;
    for (ScoringKey key : reader.entityKeysSince(namespace, app, from)) {
      if (ScoringKey.ROLE_STABLE.equals(key.role()) && !key.podTemplateHash().equals(canaryHash)) {
        stableKey = key;
        break;
      }
    }
    List<AnomalyRecord> stable =
        stableKey == null ? List.of() : reader.history(stableKey, from, to);

    Verdict.RoleScores canaryScores = scores(canary);
    Verdict.RoleScores stableScores = stable.isEmpty() ? null : scores(stable);
    boolean stableUsable = stable.size() >= policy.minRecords();
    Double difference =
        canaryScores.unifiedScore() != null && stableScores != null
            ? canaryScores.unifiedScore() - stableScores.unifiedScore()
            : null;
    List<Verdict.Contribution> top =
        topMetrics(canary, canaryScores, stableScores, policy.topMetrics());

    String verdict;
    String reason;
    if (canary.size() < policy.minRecords()) {
      verdict = Verdict.INCONCLUSIVE;
      reason =
          String.format(
              Locale.ROOT,
              "only %d canary score(s) in the last %ds, need %d",
              canary.size(),
              policy.range().toSeconds(),
              policy.minRecords());
    } else {
      double c = canaryScores.unifiedScore();
      String stableText =
          stableUsable
              ? String.format(Locale.ROOT, "stable %.2f", stableScores.unifiedScore())
              : "no stable baseline";
      if (c >= policy.failScore()) {
        if (stableUsable
            && stableScores.unifiedScore() >= policy.failScore()
            && c - stableScores.unifiedScore() < policy.sharedCauseMargin()) {
          verdict = Verdict.INCONCLUSIVE;
          reason =
              String.format(
                  Locale.ROOT,
                  "canary %.2f and %s are both anomalous (>= %.1f): likely a shared cause",
                  c,
                  stableText,
                  policy.failScore());
        } else {
          verdict = Verdict.FAIL;
          reason =
              String.format(
                  Locale.ROOT,
                  "canary unified score %.2f >= %.1f (%s)%s",
                  c,
                  policy.failScore(),
                  stableText,
                  top.isEmpty() ? "" : "; top metric " + top.get(0).metric());
        }
      } else {
        verdict = Verdict.PASS;
        reason =
            String.format(
                Locale.ROOT,
                "canary unified score %.2f < %.1f (%s)",
                c,
                policy.failScore(),
                stableText);
      }
    }
    return new Verdict(
        namespace,
        app,
        canaryHash,
        stableKey == null ? null : stableKey.podTemplateHash(),
        from,
        to,
        canaryScores,
        stableScores,
        difference,
        top,
        verdict,
        reason);
  }

  private static Verdict.RoleScores scores(List<AnomalyRecord> records) {
    if (records.isEmpty()) {
      return new Verdict.RoleScores(0, null, null, null, Map.of());
    }
    List<Double> unified = new ArrayList<>(records.size());
    Map<String, List<Double>> perMetric = new LinkedHashMap<>();
    long latest = Long.MIN_VALUE;
    for (AnomalyRecord r : records) {
      unified.add(r.unifiedScore());
      r.metricScores()
          .forEach((m, v) -> perMetric.computeIfAbsent(m, k -> new ArrayList<>()).add(v));
      latest = Math.max(latest, r.timestamp());
    }
    Map<String, Double> medians = new LinkedHashMap<>();
    perMetric.forEach((m, values) -> medians.put(m, median(values)));
    return new Verdict.RoleScores(
        records.size(),
        median(unified),
        unified.stream().mapToDouble(Double::doubleValue).max().orElseThrow(),
        latest,
        medians);
  }

  private static List<Verdict.Contribution> topMetrics(
      List<AnomalyRecord> canary,
      Verdict.RoleScores canaryScores,
      Verdict.RoleScores stableScores,
      int n) {
    if (canary.isEmpty()) {
      return List.of();
    }
    Map<String, Double> shareSum = new LinkedHashMap<>();
    for (AnomalyRecord r : canary) {
      r.attribution().forEach((m, share) -> shareSum.merge(m, share, Double::sum));
    }
    List<Verdict.Contribution> contributions = new ArrayList<>();
    shareSum.forEach(
        (metric, sum) -> {
          double mean = sum / canary.size();
          if (mean > 0) {
            contributions.add(
                new Verdict.Contribution(
                    metric,
                    mean,
                    canaryScores.metricScores().get(metric),
                    stableScores == null ? null : stableScores.metricScores().get(metric)));
          }
        });
    contributions.sort(
        Comparator.comparingDouble(Verdict.Contribution::attribution)
            .reversed()
            .thenComparing(Verdict.Contribution::metric));
    return List.copyOf(contributions.subList(0, Math.min(n, contributions.size())));
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
  }
}
