package io.rollguard.window;

import io.rollguard.common.payload.Sample;
import io.rollguard.common.payload.ScoringKey;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a decoded sample against what the window vertex expects: the scoring key it was routed by
 * and the configured metric names. Schema and field checks are the codec's.
 *
 * <p>A metric that is absent from a sample is simply missing (as {@code null} is); a metric the
 * configuration does not know means producer and consumer disagree on the metric set, so the sample
 * is rejected rather than silently trimmed.
 */
public final class SampleValidator {

  private final Set<String> knownMetrics;

  public SampleValidator(List<String> metrics) {
    this.knownMetrics = Set.copyOf(Objects.requireNonNull(metrics, "metrics"));
  }

  /** Why {@code sample} must be skipped, or empty if it is usable. */
  public Optional<SampleRejection> check(Sample sample, ScoringKey routedBy) {
    if (!sample.key().equals(routedBy)) {
      return Optional.of(SampleRejection.KEY_MISMATCH);
    }
    for (String name : sample.values().keySet()) {
      if (!knownMetrics.contains(name)) {
        return Optional.of(SampleRejection.UNKNOWN_METRIC);
      }
    }
    return Optional.empty();
  }
}
