package io.rollguard.store.verdict;

import io.rollguard.common.config.MetricSpec;
import io.rollguard.common.config.VerdictSettings;
import io.rollguard.common.payload.AnomalyRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The canary judgment: the one rule that turns a canary's and its stable's stored records into
 * pass, fail or inconclusive (configuration {@code verdict:}, {@link VerdictSettings}). A pure
 * function of the records, so the verdict API, the store's verdict gauges, {@code cli run}, {@code
 * cli evaluate canary} and the report all reach the same outcome on the same data.
 *
 * <p>Modelled on Kayenta's NetflixACAJudge (per-metric Mann-Whitney classification, a weighted pass
 * ratio with pass / marginal / fail bands, critical metrics), with the model's scores as a second
 * opinion. Over the trailing {@code interval}:
 *
 * <ol>
 *   <li><b>Warm-up.</b> A record whose window was covered less than its model's training data
 *       ({@code coverage < trainedCoverage - coverageTolerance}: a canary's first, partly filled
 *       windows) or younger than {@code warmup} after the canary's first record is not evidence.
 *       Fewer than {@code minSamples} usable canary records: <b>inconclusive</b>; no stable with
 *       {@code minSamples} records: <b>inconclusive</b> (nothing to compare with).
 *   <li><b>Per metric</b>, the canary's values (the newest row of each window, so one value per
 *       step, in the metric's unit) against the stable's: one-sided Mann-Whitney test in the
 *       metric's bad direction ({@code up}: higher is worse, {@code down}: lower, {@code both}:
 *       either) and the Hodges-Lehmann shift. The metric is <b>worse</b> ({@code high}/{@code low})
 *       when the test is significant at {@code 1 - (1 - confidence) / metrics} (Bonferroni over the
 *       weighted metrics, so {@code confidence} is family-wise), the shift is at least {@code
 *       minEffect} noise units (the robust per-step noise of a canary-minus-stable difference over
 *       {@code noiseLookback}, from at least {@code noiseSamples} values per role, else {@code
 *       nodata}) and at least {@code allowedChange} of the stable's level, and the model
 *       corroborates it: the canary's model score of that metric reaches {@code modelScore}. Fewer
 *       than {@code minSamples} values on either side: {@code nodata}.
 *   <li><b>Score</b> = weighted share of the metrics with data that are not worse (metric weights,
 *       weight 0 excluded), 0-100; at least {@code passScore} is the pass band, below {@code
 *       marginalScore} the fail band, between them marginal. Half or more of the weight without
 *       data: <b>inconclusive</b>.
 *   <li><b>Verdict</b>: <b>fail</b> when the score is in the fail band or a worse metric's shift
 *       reaches {@code criticalEffect} noise units (a critical regression fails by itself);
 *       <b>inconclusive</b> when marginal; <b>pass</b> otherwise. When the stable's own median
 *       unified score reaches {@code stableIncidentScore}, the stable is in an incident of its own
 *       and the verdict is at most <b>inconclusive</b>: a shared cause is never a fail.
 * </ol>
 *
 * The blame ({@link MetricJudgment#share()}) goes to the worse metrics only, in proportion to
 * weight x effect, so a metric that did not move in the canary is never blamed. Thread-safe.
 */
public final class CanaryJudge {

  /**
   * Effects and relative changes are capped so that a zero-noise or zero-level metric stays
   * JSON-safe.
   */
  static final double CAP = 1000;

  /** One configured metric as the judgment reads it. */
  public record MetricInfo(
      String name, String unit, double weight, MetricSpec.Direction direction) {
    public static MetricInfo of(MetricSpec spec) {
      return new MetricInfo(spec.name(), spec.unit(), spec.weight(), spec.direction());
    }
  }

  private final VerdictSettings settings;
  private final List<MetricInfo> metrics;

  public CanaryJudge(VerdictSettings settings, List<MetricInfo> metrics) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.metrics = List.copyOf(metrics);
  }

  public static CanaryJudge of(VerdictSettings settings, List<MetricSpec> specs) {
    return new CanaryJudge(settings, specs.stream().map(MetricInfo::of).toList());
  }

  public VerdictSettings settings() {
    return settings;
  }

  public List<MetricInfo> metrics() {
    return metrics;
  }

  /**
   * Judges the canary against the stable over {@code verdict.interval} ending at {@code now}.
   *
   * @param canary the canary's records of the last {@code noiseLookback} (or more), oldest first
   * @param stable the stable's records of the same range, oldest first; empty without a stable
   * @param now the end of the interval, epoch ms
   * @param canaryFirstSeen the canary's first record (epoch ms), or null when unknown
   */
  public Judgment judge(
      List<AnomalyRecord> canary, List<AnomalyRecord> stable, long now, Long canaryFirstSeen) {
    long intervalStart = now - settings.interval().toMillis();
    long lookbackStart = now - settings.noiseLookback().toMillis();
    List<AnomalyRecord> canaryLookback = new ArrayList<>();
    List<AnomalyRecord> canaryInterval = new ArrayList<>();
    int canaryInRange = 0;
    for (AnomalyRecord r : canary) {
      if (r.timestamp() <= lookbackStart || r.timestamp() > now) {
        continue;
      }
      boolean inInterval = r.timestamp() > intervalStart;
      canaryInRange += inInterval ? 1 : 0;
      if (usable(r, canaryFirstSeen)) {
        canaryLookback.add(r);
        if (inInterval) {
          canaryInterval.add(r);
        }
      }
    }
    List<AnomalyRecord> stableLookback = new ArrayList<>();
    List<AnomalyRecord> stableInterval = new ArrayList<>();
    for (AnomalyRecord r : stable) {
      if (r.timestamp() <= lookbackStart || r.timestamp() > now || !usable(r, null)) {
        continue;
      }
      stableLookback.add(r);
      if (r.timestamp() > intervalStart) {
        stableInterval.add(r);
      }
    }
    Double canaryUnified = medianUnified(canaryInterval);
    Double stableUnified = medianUnified(stableInterval);
    boolean stableIncident =
        stableUnified != null && stableUnified >= settings.stableIncidentScore();
    int minSamples = settings.minSamples();

    if (canaryInterval.size() < minSamples) {
      String why =
          canaryInRange == 0
              ? "no canary score in the last " + minutes(settings.interval().toMillis())
              : String.format(
                  Locale.ROOT,
                  "warming up: %d of %d canary windows in the last %s are past warm-up,"
                      + " need %d",
                  canaryInterval.size(),
                  canaryInRange,
                  minutes(settings.interval().toMillis()),
                  minSamples);
      return inconclusive(
          why,
          stableIncident,
          canaryInRange,
          canaryInterval.size(),
          stableInterval.size(),
          canaryUnified,
          stableUnified,
          noData(canaryInterval, stableInterval));
    }
    if (stableInterval.size() < minSamples) {
      return inconclusive(
          String.format(
              Locale.ROOT,
              "no stable baseline: %d stable scores in the last %s, need %d",
              stableInterval.size(),
              minutes(settings.interval().toMillis()),
              minSamples),
          stableIncident,
          canaryInRange,
          canaryInterval.size(),
          stableInterval.size(),
          canaryUnified,
          stableUnified,
          noData(canaryInterval, stableInterval));
    }

    List<MetricJudgment> judged = new ArrayList<>();
    double alpha = settings.alpha(tested());
    for (MetricInfo m : metrics) {
      judged.add(compare(m, canaryInterval, stableInterval, canaryLookback, stableLookback, alpha));
    }
    judged = blame(judged);

    double withData = 0;
    double passing = 0;
    double total = 0;
    boolean critical = false;
    for (MetricJudgment j : judged) {
      if (j.weight() <= 0) {
        continue;
      }
      total += j.weight();
      if (MetricJudgment.NODATA.equals(j.classification())) {
        continue;
      }
      withData += j.weight();
      passing += j.worse() ? 0 : j.weight();
      critical |= j.critical();
    }
    if (total == 0 || withData < 0.5 * total) {
      return inconclusive(
          String.format(
              Locale.ROOT,
              "too little data: metrics with %.0f%% of the weight have fewer"
                  + " than %d values on a side",
              100 * (1 - withData / Math.max(total, 1e-12)),
              minSamples),
          stableIncident,
          canaryInRange,
          canaryInterval.size(),
          stableInterval.size(),
          canaryUnified,
          stableUnified,
          judged);
    }
    double score = 100 * passing / withData;
    String band =
        score >= settings.passScore()
            ? Judgment.PASS
            : score >= settings.marginalScore() ? "marginal" : Judgment.FAIL;
    String blamed = blamedText(judged);
    String verdict;
    String reason;
    if (stableIncident) {
      verdict = Judgment.INCONCLUSIVE;
      reason =
          String.format(
              Locale.ROOT,
              "the stable is anomalous too (median score %.1f >= %.1f): a shared cause,"
                  + " not judged on the canary%s",
              stableUnified,
              settings.stableIncidentScore(),
              blamed.isEmpty() ? "" : "; canary vs stable: " + blamed);
    } else if (critical || Judgment.FAIL.equals(band)) {
      verdict = Judgment.FAIL;
      reason =
          String.format(
              Locale.ROOT,
              "canary worse than stable: %s (score %.0f/100%s)",
              blamed,
              score,
              critical ? ", critical" : " < " + fmt(settings.marginalScore()));
    } else if ("marginal".equals(band)) {
      verdict = Judgment.INCONCLUSIVE;
      reason =
          String.format(
              Locale.ROOT,
              "marginal: %s (score %.0f/100, pass needs %s)",
              blamed,
              score,
              fmt(settings.passScore()));
    } else {
      verdict = Judgment.PASS;
      reason =
          String.format(
              Locale.ROOT,
              "no metric worse than the stable over the last %s (score %.0f/100)",
              minutes(settings.interval().toMillis()),
              score);
    }
    return new Judgment(
        verdict,
        reason,
        score,
        band,
        stableIncident,
        canaryInRange,
        canaryInterval.size(),
        stableInterval.size(),
        canaryUnified,
        stableUnified,
        judged);
  }

  /** The metrics the family-wise confidence is shared by: those with a weight. */
  int tested() {
    return (int) metrics.stream().filter(m -> m.weight() > 0).count();
  }

  /** Past warm-up: covered like the model's training data, and old enough. */
  boolean usable(AnomalyRecord r, Long firstSeen) {
    if (r.coverage() != null) {
      double trained = r.trainedCoverage() != null ? r.trainedCoverage() : 1.0;
      if (r.coverage() < trained - settings.coverageTolerance()) {
        return false;
      }
    }
    return firstSeen == null
        || settings.warmup().isZero()
        || r.timestamp() - firstSeen >= settings.warmup().toMillis();
  }

  /** A metric without enough values to be tested: medians and scores only, no blame. */
  private static MetricJudgment noData(
      MetricInfo m,
      String direction,
      double[] c,
      double[] s,
      Double canaryScore,
      Double stableScore,
      String summary) {
    return new MetricJudgment(
        m.name(),
        m.unit(),
        m.weight(),
        direction,
        MetricJudgment.NODATA,
        false,
        false,
        c.length,
        s.length,
        median(c),
        median(s),
        null,
        null,
        null,
        null,
        canaryScore,
        stableScore,
        0,
        summary);
  }

  private MetricJudgment compare(
      MetricInfo m,
      List<AnomalyRecord> canary,
      List<AnomalyRecord> stable,
      List<AnomalyRecord> canaryLookback,
      List<AnomalyRecord> stableLookback,
      double alpha) {
    double[] c = values(canary, m.name());
    double[] s = values(stable, m.name());
    Double canaryScore = medianScore(canary, m.name());
    Double stableScore = medianScore(stable, m.name());
    String direction = m.direction().name().toLowerCase(Locale.ROOT);
    if (c.length < settings.minSamples() || s.length < settings.minSamples()) {
      return noData(
          m,
          direction,
          c,
          s,
          canaryScore,
          stableScore,
          m.name() + ": too little data (" + c.length + " canary, " + s.length + " stable values)");
    }
    double noise =
        Math.hypot(
            noise(canaryLookback, m.name(), settings.noiseSamples()),
            noise(stableLookback, m.name(), settings.noiseSamples()));
    if (Double.isNaN(noise)) {
      return noData(
          m,
          direction,
          c,
          s,
          canaryScore,
          stableScore,
          m.name()
              + ": too little data to estimate its noise (need "
              + settings.noiseSamples()
              + " values per role)");
    }
    MannWhitney.Result mw = MannWhitney.test(c, s);
    double shift = mw.shift();
    double pBad;
    double badShift;
    switch (m.direction()) {
      case UP -> {
        pBad = mw.pGreater();
        badShift = shift;
      }
      case DOWN -> {
        pBad = mw.pLess();
        badShift = -shift;
      }
      default -> {
        pBad = Math.min(1, 2 * Math.min(mw.pGreater(), mw.pLess()));
        badShift = Math.abs(shift);
      }
    }
    double effect;
    if (noise > 0) {
      effect = clampCap(badShift / noise);
    } else {
      effect = badShift > 0 ? CAP : 0;
    }
    double stableLevel = median(s);
    double canaryLevel = median(c);
    double relative =
        stableLevel != 0
            ? clampCap(shift / Math.abs(stableLevel))
            : (shift == 0 ? 0 : Math.signum(shift) * CAP);
    boolean significant = pBad < alpha;
    boolean large =
        effect >= settings.minEffect() && Math.abs(relative) >= settings.allowedChange();
    boolean confirmed = canaryScore != null && canaryScore >= settings.modelScore();
    boolean worse = significant && large && confirmed;
    String classification =
        !worse
            ? MetricJudgment.PASS
            : (badShift == shift ? MetricJudgment.HIGH : MetricJudgment.LOW);
    boolean critical = worse && effect >= settings.criticalEffect() && m.weight() > 0;
    String summary =
        String.format(
            Locale.ROOT,
            "%s %s vs %s (%s)",
            m.name(),
            MetricUnits.format(canaryLevel, m.unit()),
            MetricUnits.format(stableLevel, m.unit()),
            percent(relative));
    return new MetricJudgment(
        m.name(),
        m.unit(),
        m.weight(),
        direction,
        classification,
        critical,
        significant && large && confirmed,
        c.length,
        s.length,
        canaryLevel,
        stableLevel,
        shift,
        relative,
        effect,
        pBad,
        canaryScore,
        stableScore,
        0,
        summary);
  }

  /** Shares among the worse metrics (weight x effect), blamed metrics first, then by effect. */
  private static List<MetricJudgment> blame(List<MetricJudgment> judged) {
    double total = 0;
    for (MetricJudgment j : judged) {
      if (j.worse()) {
        total += blameWeight(j);
      }
    }
    List<MetricJudgment> out = new ArrayList<>();
    for (MetricJudgment j : judged) {
      out.add(j.worse() && total > 0 ? j.withShare(blameWeight(j) / total) : j);
    }
    out.sort(
        Comparator.comparing((MetricJudgment j) -> !j.worse())
            .thenComparing(j -> !j.critical())
            .thenComparing(Comparator.comparingDouble(MetricJudgment::share).reversed())
            .thenComparing(
                Comparator.comparingDouble(
                        (MetricJudgment j) ->
                            j.effect() == null ? Double.NEGATIVE_INFINITY : j.effect())
                    .reversed()));
    return out;
  }

  private static double blameWeight(MetricJudgment j) {
    // A zero-weight metric can still be worse and explained; give it a token share.
    double w = j.weight() > 0 ? j.weight() : 1e-3;
    return w * Math.max(0, j.effect() == null ? 0 : j.effect());
  }

  private static String blamedText(List<MetricJudgment> judged) {
    List<String> parts = new ArrayList<>();
    for (MetricJudgment j : judged) {
      if (j.worse()) {
        parts.add(j.summary());
      }
    }
    return String.join(", ", parts);
  }

  private Judgment inconclusive(
      String reason,
      boolean stableIncident,
      int canaryRecords,
      int usable,
      int stableRecords,
      Double canaryUnified,
      Double stableUnified,
      List<MetricJudgment> metricsJudged) {
    return new Judgment(
        Judgment.INCONCLUSIVE,
        reason,
        null,
        null,
        stableIncident,
        canaryRecords,
        usable,
        stableRecords,
        canaryUnified,
        stableUnified,
        metricsJudged);
  }

  /**
   * Per-metric entries without a comparison (levels and model scores only), for an inconclusive
   * verdict.
   */
  private List<MetricJudgment> noData(List<AnomalyRecord> canary, List<AnomalyRecord> stable) {
    List<MetricJudgment> out = new ArrayList<>();
    for (MetricInfo m : metrics) {
      out.add(
          noData(
              m,
              m.direction().name().toLowerCase(Locale.ROOT),
              values(canary, m.name()),
              values(stable, m.name()),
              medianScore(canary, m.name()),
              medianScore(stable, m.name()),
              m.name() + ": not compared"));
    }
    return out;
  }

  /**
   * Robust per-step noise of one role's metric: 1.4826 x the median absolute deviation of its
   * step-to-step differences, over sqrt(2). Differences cancel a slow trend (the daily traffic
   * cycle) and the median ignores the one jump of a level shift. NaN with fewer than {@code
   * minValues} values.
   */
  static double noise(List<AnomalyRecord> records, String metric, int minValues) {
    double[] v = values(records, metric);
    if (v.length < Math.max(3, minValues)) {
      return Double.NaN;
    }
    double[] d = new double[v.length - 1];
    for (int i = 1; i < v.length; i++) {
      d[i - 1] = v[i] - v[i - 1];
    }
    Arrays.sort(d);
    double med = MannWhitney.median(d);
    for (int i = 0; i < d.length; i++) {
      d[i] = Math.abs(d[i] - med);
    }
    Arrays.sort(d);
    return 1.4826 * MannWhitney.median(d) / Math.sqrt(2);
  }

  static double[] values(List<AnomalyRecord> records, String metric) {
    double[] out = new double[records.size()];
    int n = 0;
    for (AnomalyRecord r : records) {
      Double v = r.values() == null ? null : r.values().get(metric);
      if (v != null) {
        out[n++] = v;
      }
    }
    return Arrays.copyOf(out, n);
  }

  private static Double medianScore(List<AnomalyRecord> records, String metric) {
    double[] out = new double[records.size()];
    int n = 0;
    for (AnomalyRecord r : records) {
      Double v = r.metricScores().get(metric);
      if (v != null) {
        out[n++] = v;
      }
    }
    return n == 0 ? null : median(Arrays.copyOf(out, n));
  }

  private static Double medianUnified(List<AnomalyRecord> records) {
    if (records.isEmpty()) {
      return null;
    }
    double[] u = new double[records.size()];
    for (int i = 0; i < u.length; i++) {
      u[i] = records.get(i).unifiedScore();
    }
    return median(u);
  }

  private static Double median(double[] values) {
    if (values.length == 0) {
      return null;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return MannWhitney.median(sorted);
  }

  private static double clampCap(double v) {
    return Math.max(-CAP, Math.min(CAP, v));
  }

  private static String percent(double relative) {
    if (Math.abs(relative) >= CAP) {
      return relative > 0 ? "up from 0" : "down to 0";
    }
    long rounded = Math.round(100 * relative);
    return rounded == 0 ? "±0%" : String.format(Locale.ROOT, "%+d%%", rounded);
  }

  private static String minutes(long millis) {
    return millis % 60_000 == 0 ? millis / 60_000 + " min" : millis / 1000 + " s";
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
