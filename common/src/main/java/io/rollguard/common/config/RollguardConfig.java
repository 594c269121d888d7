package io.rollguard.common.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole Rollguard configuration: one YAML document, validated by {@link ConfigLoader}.
 * Immutable; {@link #toString()} never shows a secret. Reference: {@code docs/configuration.md}.
 *
 * @param step the sample grid step (every vertex uses the same)
 * @param metrics the scored metrics, in the order of every window's columns
 * @param window how samples become windows; includes {@code step}
 * @param verdict the canary judgment of the anomaly store
 */
public record RollguardConfig(
    Duration step,
    EntitySettings entity,
    List<MetricSpec> metrics,
    WindowSettings window,
    TrainingSettings training,
    RegistrySettings registry,
    RedisSettings redis,
    PrometheusSettings prometheus,
    StoreSettings store,
    VertexSettings vertex,
    VerdictSettings verdict) {

  public RollguardConfig {
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(entity, "entity");
    metrics = List.copyOf(metrics);
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(training, "training");
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(redis, "redis");
    Objects.requireNonNull(prometheus, "prometheus");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(vertex, "vertex");
    Objects.requireNonNull(verdict, "verdict");
    if (window.stepMillis() != step.toMillis()) {
      throw new IllegalArgumentException("window step must equal the configured step");
    }
  }

  /** The window vertex's settings (same object as {@link #window()}). */
  public WindowSettings windowSettings() {
    return window;
  }

  /**
   * The values of every query placeholder ({@link MetricSpec#PLACEHOLDERS}) for one entity, for
   * {@link MetricSpec#render}.
   */
  public Map<String, String> queryPlaceholders(String namespace, String app) {
    return Map.of(
        MetricSpec.PLACEHOLDER_SELECTOR, entity.selector(namespace, app),
        MetricSpec.PLACEHOLDER_POD_LABEL_SELECTOR, entity.podLabelSelector(namespace, app),
        MetricSpec.PLACEHOLDER_NAMESPACE_SELECTOR, entity.namespaceSelector(namespace),
        MetricSpec.PLACEHOLDER_BY, entity.byClause(),
        MetricSpec.PLACEHOLDER_RANGE, Durations.format(prometheus.rateRange()));
  }

  /** Metric names in column order. */
  public List<String> metricNames() {
    List<String> names = new ArrayList<>(metrics.size());
    for (MetricSpec m : metrics) {
      names.add(m.name());
    }
    return List.copyOf(names);
  }

  /** The spec of metric {@code name}, if configured. */
  public Optional<MetricSpec> metric(String name) {
    for (MetricSpec m : metrics) {
      if (m.name().equals(name)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }
}
