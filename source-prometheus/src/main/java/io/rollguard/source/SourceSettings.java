package io.rollguard.source;

import io.rollguard.common.config.RollguardConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * How the source walks the step grid.
 *
 * @param step grid step; every emitted timestamp is a multiple of it
 * @param ingestionDelay a step {@code t} is read once {@code now >= t + ingestionDelay}, so late
 *     scrapes and remote-write lag have landed
 * @param maxStepsPerFetch most steps per range query when catching up (1 in steady state)
 * @param maxCatchUp after a long outage, steps older than this before the newest ready step are
 *     skipped (counted) rather than replayed
 * @param failureBackoff pause after a failed fetch before Prometheus is asked again
 * @param offsetTtl lifetime of the saved offset in Redis, refreshed on every ack
 */
public record SourceSettings(
    Duration step,
    Duration ingestionDelay,
    int maxStepsPerFetch,
    Duration maxCatchUp,
    Duration failureBackoff,
    Duration offsetTtl) {

  public static final int DEFAULT_MAX_STEPS_PER_FETCH = 60;
  public static final Duration DEFAULT_MAX_CATCH_UP = Duration.ofHours(6);
  public static final Duration DEFAULT_FAILURE_BACKOFF = Duration.ofSeconds(5);
  public static final Duration DEFAULT_OFFSET_TTL = Duration.ofDays(7);

  public SourceSettings {
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(ingestionDelay, "ingestionDelay");
    Objects.requireNonNull(maxCatchUp, "maxCatchUp");
    Objects.requireNonNull(failureBackoff, "failureBackoff");
    Objects.requireNonNull(offsetTtl, "offsetTtl");
    if (step.toMillis() <= 0) {
      throw new IllegalArgumentException("step must be > 0, got " + step);
    }
    if (ingestionDelay.isNegative()) {
      throw new IllegalArgumentException(
          "prometheus.ingestionDelay must be >= 0, got " + ingestionDelay);
    }
    if (maxStepsPerFetch < 1) {
      throw new IllegalArgumentException("maxStepsPerFetch must be >= 1, got " + maxStepsPerFetch);
    }
    if (maxCatchUp.compareTo(step) < 0) {
      throw new IllegalArgumentException("maxCatchUp must be >= step, got " + maxCatchUp);
    }
  }

  public static SourceSettings from(RollguardConfig config) {
    return new SourceSettings(
        config.step(),
        config.prometheus().ingestionDelay(),
        DEFAULT_MAX_STEPS_PER_FETCH,
        DEFAULT_MAX_CATCH_UP,
        DEFAULT_FAILURE_BACKOFF,
        DEFAULT_OFFSET_TTL);
  }

  public long stepMillis() {
    return step.toMillis();
  }
}
