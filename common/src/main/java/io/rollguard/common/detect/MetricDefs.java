package io.rollguard.common.detect;

import io.rollguard.common.config.MetricSpec;
import io.rollguard.common.config.TrainingSettings;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place where configuration becomes detector input: {@link MetricSpec} to {@link MetricDef}
 * and {@link TrainingSettings} to {@link TrainingOptions}. The trainer, the fallback scorer and
 * postprocess all go through here, so a metric means the same thing in every stage.
 */
public final class MetricDefs {

  /**
   * Stand-in for a configured weight of 0 ("scored and shown, not in the unified score"). The
   * detection core requires weights > 0 (a weight is a divisor there); 1e-9 keeps the metric's
   * share of the unified score and its attribution negligible while its own score is still
   * computed.
   */
  public static final double ZERO_WEIGHT = 1e-9;

  private MetricDefs() {}

  /** The detector's view of every configured metric, in configuration (column) order. */
  public static List<MetricDef> of(List<MetricSpec> specs) {
    List<MetricDef> defs = new ArrayList<>(specs.size());
    for (MetricSpec spec : specs) {
      defs.add(of(spec));
    }
    return List.copyOf(defs);
  }

  public static MetricDef of(MetricSpec spec) {
    double weight = spec.weight() > 0 ? spec.weight() : ZERO_WEIGHT;
    return new MetricDef(
        spec.name(), weight, direction(spec.direction()), transform(spec.transform()));
  }

  public static Direction direction(MetricSpec.Direction direction) {
    return switch (direction) {
      case UP -> Direction.UP;
      case DOWN -> Direction.DOWN;
      case BOTH -> Direction.BOTH;
    };
  }

  public static TransformKind transform(MetricSpec.Transform transform) {
    return switch (transform) {
      case NONE -> TransformKind.NONE;
      case LOG1P -> TransformKind.LOG1P;
    };
  }

  /**
   * Fewest history rows {@link io.rollguard.common.detect.DetectorTrainer} accepts with these
   * options: enough windows for fitting and for the held-back calibration tail.
   */
  public static int minimumTrainingRows(TrainingOptions options) {
    int w = options.windowLength();
    double holdout = options.holdoutFraction();
    // The trainer's own rule, searched rather than inverted: its rounding of the holdout row count
    // makes a closed form off by one either way.
    for (int rows = w; ; rows++) {
      int holdoutRows = (int) Math.round(rows * holdout);
      int trainWindows = rows - holdoutRows - w + 1;
      int holdoutWindows = holdoutRows - w + 1;
      if (trainWindows >= io.rollguard.common.detect.DetectorTrainer.MIN_TRAIN_WINDOWS
          && holdoutWindows >= io.rollguard.common.detect.DetectorTrainer.MIN_HOLDOUT_WINDOWS) {
        return rows;
      }
    }
  }
}
