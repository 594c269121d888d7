package io.rollguard.common.prometheus;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter for transient Prometheus failures (429, 5xx, timeouts,
 * connection failures). Jitter spreads the retries of many replicas that failed at the same moment.
 *
 * @param maxAttempts total attempts including the first, at least 1
 * @param initialBackoff upper bound of the first wait
 * @param maxBackoff cap of every wait
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

  /**
   * 4 attempts, waits of up to 0.5 s, 1 s, 2 s: about 3.5 s worst case before giving up on a step.
   */
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(4, Duration.ofMillis(500), Duration.ofSeconds(5));

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("retry maxAttempts must be >= 1, got " + maxAttempts);
    }
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "retry backoff must satisfy 0 <= initialBackoff <= maxBackoff, got "
              + initialBackoff
              + " / "
              + maxBackoff);
    }
  }

  /** A policy that never retries (tests, one-shot CLI calls). */
  public static RetryPolicy noRetries() {
    return new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
  }

  /**
   * The wait before attempt {@code attempt + 1} after {@code attempt} failed (1-based): a random
   * duration in [0, min(maxBackoff, initialBackoff * 2^(attempt-1))].
   */
  public Duration backoffAfter(int attempt) {
    long cap = initialBackoff.toMillis() << Math.min(attempt - 1, 20);
    long bound = Math.min(maxBackoff.toMillis(), Math.max(cap, 0));
    return Duration.ofMillis(bound == 0 ? 0 : ThreadLocalRandom.current().nextLong(bound + 1));
  }
}
