package io.rollguard.common.config;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One metric that is scored: how to query it and how to read its value.
 *
 * <p>The {@code query} is a PromQL template. {@link #render(Map)} replaces its placeholders:
 *
 * <ul>
 *   <li>{@code {{selector}}}: label matchers on the series' own entity labels, e.g. {@code
 *       namespace="shop",app="cart",role=~"stable|canary"} (see {@link EntitySettings#selector}).
 *   <li>{@code {{podLabelSelector}}}: the same matchers on kube-state-metrics' {@code
 *       kube_pod_labels} names ({@code label_app}, ...), for metrics such as cAdvisor's that carry
 *       no pod labels and are joined on {@code (namespace, pod)}.
 *   <li>{@code {{namespaceSelector}}}: only the namespace matcher ({@code namespace="shop"}), to
 *       keep the cluster-wide side of such a join small.
 *   <li>{@code {{by}}}: the scoring-key label names, comma separated, for {@code sum by (...)}.
 *   <li>{@code {{range}}}: the range-vector window for {@code rate()} ({@code
 *       prometheus.rateRange}).
 * </ul>
 *
 * {@link RollguardConfig#queryPlaceholders} gives all values for one entity. The result of the
 * query must carry the four scoring-key labels ({@link EntitySettings}).
 *
 * @param name identifier, {@code [a-z_][a-z0-9_]*}, unique; a Prometheus label value downstream
 * @param weight share in the unified score (>= 0; 0 = scored and shown but not in the unified
 *     score)
 * @param direction which change is bad
 * @param transform applied to the raw value before scaling ({@code log1p} for heavy tails)
 * @param staticLimit optional fail-safe bounds on the raw value; null when not set
 */
public record MetricSpec(
    String name,
    String query,
    String unit,
    double weight,
    Direction direction,
    Transform transform,
    StaticLimit staticLimit) {

  public static final String PLACEHOLDER_SELECTOR = "selector";
  public static final String PLACEHOLDER_POD_LABEL_SELECTOR = "podLabelSelector";
  public static final String PLACEHOLDER_NAMESPACE_SELECTOR = "namespaceSelector";
  public static final String PLACEHOLDER_BY = "by";
  public static final String PLACEHOLDER_RANGE = "range";

  /** Every placeholder a query may use. */
  public static final Set<String> PLACEHOLDERS =
      Set.of(
          PLACEHOLDER_SELECTOR,
          PLACEHOLDER_POD_LABEL_SELECTOR,
          PLACEHOLDER_NAMESPACE_SELECTOR,
          PLACEHOLDER_BY,
          PLACEHOLDER_RANGE);

  static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]*");
  static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z]+)\\s*}}");

  /** Which change of a metric is an anomaly; an improvement is not. */
  public enum Direction {
    /** Only increases are bad (latency, errors, CPU). */
    UP,
    /** Only decreases are bad (throughput). */
    DOWN,
    /** Any deviation is bad. */
    BOTH
  }

  /** Transform of the raw value before robust scaling. */
  public enum Transform {
    NONE,
    /** {@code log(1 + x)}: compresses heavy-tailed latencies and counts. */
    LOG1P
  }

  /**
   * Fail-safe bounds on the raw (untransformed) value, in the metric's unit; either may be null.
   * Used by postprocess when no model is trustworthy.
   */
  public record StaticLimit(Double max, Double min) {
    public StaticLimit {
      if (max == null && min == null) {
        throw new IllegalArgumentException("a static limit needs max, min or both");
      }
      if (max != null && min != null && !(min < max)) {
        throw new IllegalArgumentException("static limit min must be < max");
      }
    }
  }

  public MetricSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(unit, "unit");
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(transform, "transform");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "metric name must match [a-z_][a-z0-9_]*, got '" + name + "'");
    }
    if (!(weight >= 0) || !Double.isFinite(weight)) {
      throw new IllegalArgumentException(
          "metric weight must be a finite number >= 0, got " + weight);
    }
  }

  /**
   * The query with every placeholder replaced.
   *
   * @param values placeholder name (see {@link #PLACEHOLDERS}) to text
   * @throws IllegalArgumentException if the query uses a placeholder that has no value
   */
  public String render(Map<String, String> values) {
    Matcher m = PLACEHOLDER.matcher(query);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = values.get(m.group(1));
      if (value == null) {
        throw new IllegalArgumentException(
            "metric " + name + ": no value for placeholder {{" + m.group(1) + "}}");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }
}
