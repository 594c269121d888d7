package io.rollguard.common.detect;

import java.util.Objects;

/**
 * One metric as the detector sees it. The order of the list of definitions given to the trainer is
 * the column order of every matrix in this package.
 *
 * @param name metric name, unique within a detector
 * @param weight relative weight in the unified score, {@code > 0}
 * @param direction which deviations count as anomalous
 * @param transform value transform applied before robust scaling
 */
public record MetricDef(String name, double weight, Direction direction, TransformKind transform) {

  public MetricDef {
    Objects.requireNonNull(name, "metric name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("metric name must not be blank");
    }
    if (!(weight > 0) || Double.isInfinite(weight)) {
      throw new IllegalArgumentException(
          "metric '" + name + "': weight must be a finite number > 0, got " + weight);
    }
    Objects.requireNonNull(direction, "metric '" + name + "': direction");
    Objects.requireNonNull(transform, "metric '" + name + "': transform");
  }

  /** Weight 1, both directions, no value transform. */
  public static MetricDef of(String name) {
    return new MetricDef(name, 1.0, Direction.BOTH, TransformKind.NONE);
  }
}
