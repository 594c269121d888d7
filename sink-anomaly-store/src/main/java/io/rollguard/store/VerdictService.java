package io.rollguard.store;

import io.rollguard.common.config.VerdictSettings;
import io.rollguard.common.payload.AnomalyRecord;
import io.rollguard.common.payload.ScoringKey;
import io.rollguard.store.verdict.CanaryJudge;
import io.rollguard.store.verdict.Judgment;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The canary verdict from the stored records: reads the canary's and the entity's stable's records
 * of the recent past and asks the {@link CanaryJudge} (the one rule, {@code verdict:} in the
 * configuration). The stable compared against is the entity's most recently scored stable key with
 * another pod-template hash. Used by the verdict API, the verdict gauges and the local run.
 */
public final class VerdictService {

  private final ScoreReader reader;
  private final Clock clock;
  private final CanaryJudge judge;

  public VerdictService(ScoreReader reader, Clock clock, CanaryJudge judge) {
    this.reader = Objects.requireNonNull(reader, "reader");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.judge = Objects.requireNonNull(judge, "judge");
  }

  public VerdictSettings settings() {
    return judge.settings();
  }

  /**
   * The verdict now, with the configured rule. Throws {@link StoreUnavailableException} when the
   * store cannot be read.
   */
  public Verdict verdict(String namespace, String app, String canaryHash) {
    return verdict(namespace, app, canaryHash, judge);
  }

  /** The verdict now over another interval (the API's {@code range} parameter). */
  public Verdict verdict(
      String namespace, String app, String canaryHash, VerdictSettings settings) {
    return verdict(namespace, app, canaryHash, new CanaryJudge(settings, judge.metrics()));
  }

  private Verdict verdict(String namespace, String app, String canaryHash, CanaryJudge rule) {
    VerdictSettings s = rule.settings();
    long to = clock.millis();
    long from = to - s.interval().toMillis();
    long lookbackFrom = to - s.noiseLookback().toMillis();
    ScoringKey canaryKey = new ScoringKey(namespace, app, ScoringKey.ROLE_CANARY, canaryHash);
    // Reaching back by the warm-up as well tells whether the canary's first record is that old.
    List<AnomalyRecord> canary =
        reader.history(canaryKey, lookbackFrom - s.warmup().toMillis(), to);
    Long firstSeen = canary.isEmpty() ? null : canary.get(0).timestamp();
    ScoringKey stableKey = null;
    for (ScoringKey key : reader.entityKeysSince(namespace, app, from)) {
      if (ScoringKey.ROLE_STABLE.equals(key.role()) && !key.podTemplateHash().equals(canaryHash)) {
        stableKey = key;
        break;
      }
    }
    List<AnomalyRecord> stable =
        stableKey == null ? List.of() : reader.history(stableKey, lookbackFrom, to);
    Judgment j = rule.judge(canary, stable, to, firstSeen);
    Verdict.RoleScores canaryScores =
        scores(canary, from, to, j.usableCanaryRecords(), j.canaryUnified());
    Verdict.RoleScores stableScores =
        stable.isEmpty() ? null : scores(stable, from, to, j.stableRecords(), j.stableUnified());
    Double difference =
        j.canaryUnified() != null && j.stableUnified() != null
            ? j.canaryUnified() - j.stableUnified()
            : null;
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
        j.score(),
        j.band(),
        j.top(s.topMetrics()),
        j.metrics(),
        j.verdict(),
        j.reason());
  }

  private static Verdict.RoleScores scores(
      List<AnomalyRecord> all, long from, long to, int usable, Double unified) {
    List<AnomalyRecord> records = new ArrayList<>();
    for (AnomalyRecord r : all) {
      if (r.timestamp() > from && r.timestamp() <= to) {
        records.add(r);
      }
    }
    if (records.isEmpty()) {
      return new Verdict.RoleScores(0, 0, null, null, null, Map.of());
    }
    Map<String, List<Double>> perMetric = new LinkedHashMap<>();
    double max = Double.NEGATIVE_INFINITY;
    long latest = Long.MIN_VALUE;
    for (AnomalyRecord r : records) {
      r.metricScores()
          .forEach((m, v) -> perMetric.computeIfAbsent(m, k -> new ArrayList<>()).add(v));
      max = Math.max(max, r.unifiedScore());
      latest = Math.max(latest, r.timestamp());
    }
    Map<String, Double> medians = new LinkedHashMap<>();
    perMetric.forEach((m, values) -> medians.put(m, median(values)));
    return new Verdict.RoleScores(records.size(), usable, unified, max, latest, medians);
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
  }
}
