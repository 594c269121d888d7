package io.rollguard.source;

import io.rollguard.common.LogValues;
import io.rollguard.common.config.EntitySettings;
import io.rollguard.common.payload.Sample;
import io.rollguard.common.payload.ScoringKey;
import io.rollguard.common.prometheus.RangeSeries;
import io.rollguard.common.prometheus.StepGrid;
import io.rollguard.common.vertex.RateLimitedLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.LoggerFactory;

/**
 * Turns the per-metric range-query answers of one step batch into samples: one {@link Sample} per
 * (scoring key, step) that has at least one value, carrying every configured metric in config
 * order, {@code null} where a metric had no value.
 *
 * <ul>
 *   <li>A series without the four scoring-key labels, or whose role label is neither role, is
 *       skipped and counted.
 *   <li>Two series of one metric for the same scoring key (a query that does not aggregate by the
 *       four labels) are ambiguous: that metric is {@code null} for the key, counted and logged,
 *       rather than picking one arbitrarily.
 *   <li>NaN and ±Inf (e.g. an error ratio with zero requests) are missing values: {@code null}.
 *   <li>A key with no value for any metric at a step gets no sample at that step: an all-null
 *       sample carries nothing, and the window vertex treats an absent step as missing anyway.
 * </ul>
 */
public final class SampleAssembler {

  private static final RateLimitedLog LOG =
      RateLimitedLog.perKey(LoggerFactory.getLogger(SampleAssembler.class), Duration.ofMinutes(1));

  private final EntitySettings entity;
  private final List<String> metricOrder;
  private final SourceMetrics metrics;

  public SampleAssembler(EntitySettings entity, List<String> metricOrder, SourceMetrics metrics) {
    this.entity = entity;
    this.metricOrder = List.copyOf(metricOrder);
    this.metrics = metrics;
  }

  /**
   * Turns the step's query results into samples, one per scoring key and grid index.
   *
   * @param results metric name to its series; a metric absent from the map (its query failed) is
   *     {@code null} in every sample
   * @return samples per grid index, each list sorted by scoring key
   */
  public List<List<Sample>> assemble(StepGrid grid, Map<String, List<RangeSeries>> results) {
    // key -> metric -> values on the grid
    Map<ScoringKey, Map<String, double[]>> byKey =
        new TreeMap<>(Comparator.comparing(ScoringKey::toString));
    for (String metric : metricOrder) {
      List<RangeSeries> series = results.get(metric);
      if (series == null) {
        continue;
      }
      Set<ScoringKey> ambiguous = new HashSet<>();
      for (RangeSeries s : series) {
        ScoringKey key = keyOf(metric, s);
        if (key == null) {
          continue;
        }
        for (double v : s.values()) {
          if (!Double.isFinite(v)) {
            metrics.nonFiniteValues.inc();
          }
        }
        Map<String, double[]> perMetric = byKey.computeIfAbsent(key, k -> new HashMap<>());
        if (perMetric.putIfAbsent(metric, grid.place(s)) != null) {
          ambiguous.add(key);
        }
      }
      for (ScoringKey key : ambiguous) {
        byKey.get(key).remove(metric);
        metrics.seriesSkipped.labelValues("duplicate_key").inc();
        LOG.warn(
            "duplicate:" + metric,
            "metric {}: several series for scoring key {}; the query must aggregate by ({}). "
                + "The metric is missing for this key.",
            metric,
            LogValues.keys(key.toKeys()),
            entity.byClause());
      }
    }
    List<List<Sample>> perStep = new ArrayList<>(grid.points());
    for (int i = 0; i < grid.points(); i++) {
      List<Sample> samples = new ArrayList<>();
      for (Map.Entry<ScoringKey, Map<String, double[]>> entry : byKey.entrySet()) {
        Map<String, Double> values = new LinkedHashMap<>();
        boolean any = false;
        for (String metric : metricOrder) {
          double[] onGrid = entry.getValue().get(metric);
          Double value = null;
          if (onGrid != null) {
            double v = onGrid[i];
            if (Double.isFinite(v)) {
              value = v;
              any = true;
            }
          }
          values.put(metric, value);
        }
        if (any) {
          samples.add(new Sample(entry.getKey(), grid.timestampAt(i), values));
        }
      }
      perStep.add(samples);
    }
    return perStep;
  }

  private ScoringKey keyOf(String metric, RangeSeries series) {
    String namespace = series.label(entity.namespaceLabel());
    String app = series.label(entity.appLabel());
    String roleValue = series.label(entity.roleLabel());
    String hash = series.label(entity.podTemplateHashLabel());
    if (isBlank(namespace) || isBlank(app) || isBlank(roleValue) || isBlank(hash)) {
      metrics.seriesSkipped.labelValues("missing_label").inc();
      LOG.warn(
          "missing-label:" + metric,
          "metric {}: series {} lacks one of the scoring-key labels ({}); skipped",
          metric,
          LogValues.truncate(series.labels()),
          entity.byClause());
      return null;
    }
    String role = entity.roleOf(roleValue);
    if (role == null) {
      metrics.seriesSkipped.labelValues("unknown_role").inc();
      LOG.warn(
          "unknown-role:" + metric,
          "metric {}: series {} has role '{}', neither '{}' nor '{}'; skipped",
          metric,
          LogValues.truncate(series.labels()),
          LogValues.truncate(roleValue),
          entity.stableRole(),
          entity.canaryRole());
      return null;
    }
    return new ScoringKey(namespace, app, role, hash);
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
