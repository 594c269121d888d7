package io.rollguard.store;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.rollguard.common.config.StoreSettings;
import io.rollguard.common.payload.AnomalyRecord;
import io.rollguard.common.payload.ScoringKey;
import io.rollguard.common.vertex.RateLimitedLog;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.LoggerFactory;

/**
 * Exports the latest scores from the store ({@link ScoreReader}: Redis in the vertex) at every
 * scrape:
 *
 * <ul>
 *   <li>{@code rollguard_anomaly_score{namespace,app,role,rollouts_pod_template_hash,metric}}, one
 *       series per metric and {@code metric="unified"};
 *   <li>{@code
 *       rollguard_anomaly_score_timestamp_seconds{namespace,app,role,rollouts_pod_template_hash}},
 *       the time of the window the score belongs to (for freshness checks in PromQL).
 * </ul>
 *
 * A key whose newest record is older than the staleness period is not exported, so its series
 * disappear and Prometheus marks them stale: a stale score can never gate a later rollout. When
 * Redis is unreachable no score is exported (the gate sees "no data", i.e. inconclusive), the
 * failure is counted, and the operational metrics are still served. At most {@code
 * store.metrics.maxKeys} keys are exported per scrape (the most recently scored), so the scrape's
 * size and the series count in Prometheus stay bounded whatever writes the store receives.
 */
public final class AnomalyScoreCollector implements MultiCollector {

  public static final String SCORE = "rollguard_anomaly_score";
  public static final String TIMESTAMP = "rollguard_anomaly_score_timestamp_seconds";
  public static final String UNIFIED = "unified";

  private static final RateLimitedLog LOG =
      RateLimitedLog.perKey(
          LoggerFactory.getLogger(AnomalyScoreCollector.class), Duration.ofMinutes(1));

  private final ScoreReader reader;
  private final Duration staleness;
  private final Clock clock;
  private final StoreMetrics metrics;
  private final int maxKeys;
  private final AtomicBoolean warnedAboutCap = new AtomicBoolean();

  /** Exports at most {@link StoreSettings#DEFAULT_METRICS_MAX_KEYS} keys. */
  public AnomalyScoreCollector(
      ScoreReader reader, Duration staleness, Clock clock, StoreMetrics metrics) {
    this(reader, staleness, clock, metrics, StoreSettings.DEFAULT_METRICS_MAX_KEYS);
  }

  /**
   * @param maxKeys most scoring keys one scrape exports ({@code store.metrics.maxKeys}): the most
   *     recently scored win; the number left out is the gauge {@code
   *     rollguard_store_metrics_keys_omitted}, and the first time it happens is logged
   */
  public AnomalyScoreCollector(
      ScoreReader reader, Duration staleness, Clock clock, StoreMetrics metrics, int maxKeys) {
    if (maxKeys < 1) {
      throw new IllegalArgumentException("store.metrics.maxKeys must be >= 1, got " + maxKeys);
    }
    this.reader = reader;
    this.staleness = staleness;
    this.clock = clock;
    this.metrics = metrics;
    this.maxKeys = maxKeys;
  }

  @Override
  public MetricSnapshots collect() {
    GaugeSnapshot.Builder scores =
        GaugeSnapshot.builder()
            .name(SCORE)
            .help(
                "Latest anomaly score of a scoring key, 0 (normal) to 10, per metric and unified");
    GaugeSnapshot.Builder times =
        GaugeSnapshot.builder()
            .name(TIMESTAMP)
            .help("Time of the window the latest anomaly score belongs to");
    List<AnomalyRecord> records;
    try {
      ScoreReader.Latest latest =
          reader.latestSince(clock.millis() - staleness.toMillis(), maxKeys);
      records = latest.records();
      metrics.metricsKeysOmitted.set((double) latest.omitted());
      if (latest.omitted() > 0 && warnedAboutCap.compareAndSet(false, true)) {
        LOG.warn(
            "keys-omitted",
            "/metrics exports the {} most recently scored keys of {} (store.metrics.maxKeys); the"
                + " rest are left out, counted in rollguard_store_metrics_keys_omitted (logged"
                + " once)",
            maxKeys,
            maxKeys + latest.omitted());
      }
    } catch (StoreUnavailableException e) {
      metrics.readErrors.labelValues("metrics").inc();
      LOG.warn("scrape", "cannot read scores from the store, exporting none: {}", e.getMessage());
      records = List.of();
    }
    for (AnomalyRecord record : records) {
      ScoringKey key = record.key();
      scores.dataPoint(point(key, UNIFIED, record.unifiedScore()));
      for (Map.Entry<String, Double> metric : record.metricScores().entrySet()) {
        // "unified" is reserved for the combined score; a metric of that name would collide.
        if (!UNIFIED.equals(metric.getKey())) {
          scores.dataPoint(point(key, metric.getKey(), metric.getValue()));
        }
      }
      times.dataPoint(
          GaugeSnapshot.GaugeDataPointSnapshot.builder()
              .labels(keyLabels(key))
              .value(record.timestamp() / 1000.0)
              .build());
    }
    return MetricSnapshots.of(scores.build(), times.build());
  }

  @Override
  public List<String> getPrometheusNames() {
    return List.of(SCORE, TIMESTAMP);
  }

  private static GaugeSnapshot.GaugeDataPointSnapshot point(
      ScoringKey key, String metric, double value) {
    return GaugeSnapshot.GaugeDataPointSnapshot.builder()
        .labels(keyLabels(key).add("metric", metric))
        .value(value)
        .build();
  }

  private static Labels keyLabels(ScoringKey key) {
    return Labels.of(
        "namespace", key.namespace(),
        "app", key.app(),
        "role", key.role(),
        "rollouts_pod_template_hash", key.podTemplateHash());
  }
}
