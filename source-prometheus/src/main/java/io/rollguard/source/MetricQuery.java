package io.rollguard.source;

import io.rollguard.common.config.Durations;
import io.rollguard.common.config.EntitySettings;
import io.rollguard.common.config.MetricSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One metric's PromQL, rendered for <em>all</em> entities at once: the source asks Prometheus once
 * per metric and step batch, and splits the answer by the scoring-key labels.
 *
 * @param metric the metric name (the key in {@code Sample.values})
 * @param promql the rendered query
 */
public record MetricQuery(String metric, String promql) {

  public MetricQuery {
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(promql, "promql");
  }

  /**
   * Renders every spec's template. {@code {{selector}}} becomes matchers that select every entity's
   * stable and canary series ({@code namespace!="",app!="",role=~"stable|canary"}), {@code
   * {{podLabelSelector}}} the same on kube-state-metrics' {@code kube_pod_labels} names, {@code
   * {{namespaceSelector}}} any non-empty namespace, {@code {{by}}} the four scoring-key labels and
   * {@code {{range}}} the rate range. (The per-entity values, for the trainer, come from {@code
   * RollguardConfig.queryPlaceholders}.)
   *
   * @throws IllegalArgumentException naming the metric when its template uses an unknown
   *     placeholder
   */
  public static List<MetricQuery> renderAll(
      List<MetricSpec> specs, EntitySettings entity, Duration rateRange) {
    Map<String, String> values =
        Map.of(
            MetricSpec.PLACEHOLDER_SELECTOR,
            allEntities(entity.namespaceLabel(), entity.appLabel(), entity.roleLabel(), entity),
            MetricSpec.PLACEHOLDER_POD_LABEL_SELECTOR,
            allEntities(
                "namespace", "label_" + entity.appLabel(), "label_" + entity.roleLabel(), entity),
            MetricSpec.PLACEHOLDER_NAMESPACE_SELECTOR,
            entity.namespaceLabel() + "!=\"\"",
            MetricSpec.PLACEHOLDER_BY,
            entity.byClause(),
            MetricSpec.PLACEHOLDER_RANGE,
            Durations.format(rateRange));
    List<MetricQuery> queries = new ArrayList<>(specs.size());
    for (MetricSpec spec : specs) {
      queries.add(new MetricQuery(spec.name(), spec.render(values)));
    }
    return List.copyOf(queries);
  }

  private static String allEntities(
      String nsLabel, String appLabel, String roleLabel, EntitySettings entity) {
    return nsLabel
        + "!=\"\","
        + appLabel
        + "!=\"\","
        + roleLabel
        + "=~\""
        + regexLiteral(entity.stableRole())
        + "|"
        + regexLiteral(entity.canaryRole())
        + "\"";
  }

  private static String regexLiteral(String value) {
    String quoted = value.replaceAll("([\\\\.^$|?*+()\\[\\]{}])", "\\\\$1");
    return quoted.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
