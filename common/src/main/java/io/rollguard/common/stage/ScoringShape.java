package io.rollguard.common.stage;

import io.rollguard.common.config.MetricSpec;
import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.payload.ScoringKey;
import io.rollguard.common.registry.EntityId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The shape every scoring payload must have: the configured metrics in order and {@code
 * window.lengthSteps} rows. Each stage checks its input against it before doing any work, so a
 * payload from a differently configured producer is rejected with a clear reason instead of being
 * scored column-shifted.
 *
 * @param metrics the configured metric specs, in column order
 * @param windowLength rows per window
 */
public record ScoringShape(List<MetricSpec> metrics, int windowLength) {

  public ScoringShape {
    metrics = List.copyOf(metrics);
    if (metrics.isEmpty()) {
      throw new IllegalArgumentException("at least one metric is required");
    }
    if (windowLength < 2) {
      throw new IllegalArgumentException("window length must be >= 2, got " + windowLength);
    }
  }

  public static ScoringShape of(RollguardConfig config) {
    return new ScoringShape(config.metrics(), config.window().lengthSteps());
  }

  public List<String> metricNames() {
    return metrics.stream().map(MetricSpec::name).toList();
  }

  public int metricCount() {
    return metrics.size();
  }

  /** A rejection when {@code names} / {@code rows} do not fit; empty when they do. */
  public Optional<StageResult.Rejected<Object>> check(List<String> names, int rows) {
    if (!metricNames().equals(names)) {
      return Optional.of(
          new StageResult.Rejected<>(
              Rejection.METRIC_MISMATCH,
              names.size()
                  + " metrics "
                  + names
                  + ", configured "
                  + metricCount()
                  + " "
                  + metricNames()));
    }
    if (rows != windowLength) {
      return Optional.of(
          new StageResult.Rejected<>(
              Rejection.WINDOW_LENGTH_MISMATCH,
              rows + " rows, window.lengthSteps is " + windowLength));
    }
    return Optional.empty();
  }

  /** A rejection naming the first infinite cell; NaN (missing) is allowed. */
  public static Optional<StageResult.Rejected<Object>> checkFinite(double[][] matrix, String what) {
    for (int i = 0; i < matrix.length; i++) {
      for (int j = 0; j < matrix[i].length; j++) {
        if (Double.isInfinite(matrix[i][j])) {
          return Optional.of(
              new StageResult.Rejected<>(
                  Rejection.NON_FINITE, what + "[" + i + "][" + j + "] is " + matrix[i][j]));
        }
      }
    }
    return Optional.empty();
  }

  /**
   * A rejection when the Numaflow message keys are not exactly the payload's scoring key (a message
   * routed by one key must not be scored as another).
   */
  public static Optional<StageResult.Rejected<Object>> checkKeys(
      String[] keys, ScoringKey payloadKey) {
    ScoringKey routed;
    try {
      routed = ScoringKey.fromKeys(keys);
    } catch (IllegalArgumentException | NullPointerException e) {
      return Optional.of(
          new StageResult.Rejected<>(
              Rejection.INVALID_KEYS,
              "message keys are not [namespace, app, role, pod_template_hash]: " + e.getMessage()));
    }
    if (!routed.equals(payloadKey)) {
      return Optional.of(
          new StageResult.Rejected<>(
              Rejection.INVALID_KEYS,
              "message keys " + routed + " differ from the payload key " + payloadKey));
    }
    return Optional.empty();
  }

  /** The entity of a key, or a rejection when its names cannot name a model. */
  public static Optional<StageResult.Rejected<Object>> checkEntity(ScoringKey key) {
    Objects.requireNonNull(key, "key");
    try {
      EntityId.of(key);
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.of(new StageResult.Rejected<>(Rejection.UNKNOWN_ENTITY, e.getMessage()));
    }
  }
}
