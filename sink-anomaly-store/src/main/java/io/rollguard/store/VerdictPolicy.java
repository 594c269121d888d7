package io.rollguard.store;

import java.time.Duration;
import java.util.Objects;

/**
 * The verdict rule's parameters (see {@link VerdictService} and {@code docs/anomaly-store.md}).
 *
 * @param range how far back from now scores are considered
 * @param minRecords fewer canary scores than this in the range is not enough evidence
 * @param failScore a canary whose median unified score reaches this is anomalous (0-10 scale; 7
 *     matches the default of the AnomalyTemplate's {@code max-score})
 * @param sharedCauseMargin when the stable is anomalous too and the canary is less than this far
 *     above it, the cause is likely shared (a dependency, the load) and the verdict is inconclusive
 * @param topMetrics how many contributing metrics to list
 */
public record VerdictPolicy(
    Duration range, int minRecords, double failScore, double sharedCauseMargin, int topMetrics) {

  public static final VerdictPolicy DEFAULT =
      new VerdictPolicy(Duration.ofMinutes(5), 3, 7.0, 3.0, 3);

  public VerdictPolicy {
    Objects.requireNonNull(range, "range");
    if (range.toMillis() <= 0) {
      throw new IllegalArgumentException("verdict range must be > 0, got " + range);
    }
    if (minRecords < 1) {
      throw new IllegalArgumentException("verdict minRecords must be >= 1, got " + minRecords);
    }
    if (!(failScore > 0 && failScore <= 10)) {
      throw new IllegalArgumentException("verdict failScore must be in (0, 10], got " + failScore);
    }
    if (!(sharedCauseMargin >= 0 && sharedCauseMargin <= 10)) {
      throw new IllegalArgumentException(
          "verdict sharedCauseMargin must be in [0, 10], got " + sharedCauseMargin);
    }
    if (topMetrics < 1) {
      throw new IllegalArgumentException("verdict topMetrics must be >= 1, got " + topMetrics);
    }
  }

  public VerdictPolicy withRange(Duration newRange) {
    return new VerdictPolicy(newRange, minRecords, failScore, sharedCauseMargin, topMetrics);
  }

  public VerdictPolicy withFailScore(double newFailScore) {
    return new VerdictPolicy(range, minRecords, newFailScore, sharedCauseMargin, topMetrics);
  }
}
