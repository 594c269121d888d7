package io.rollguard.cli.run;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The local run's notion of "now": the event time of the replay. Every component that asks the time
 * (registry, inference's staleness check, the store's TTLs, the verdict's range) gets this clock,
 * so a replay of a scenario dated in the past behaves exactly as if it ran live, only faster.
 */
final class ReplayClock extends Clock {

  private volatile long millis;

  ReplayClock(long startMillis) {
    this.millis = startMillis;
  }

  /** Moves time to {@code newMillis}; never backwards, as a watermark never goes back. */
  void advanceTo(long newMillis) {
    if (newMillis < millis) {
      throw new IllegalArgumentException(
          "replay time cannot go back from " + millis + " to " + newMillis);
    }
    millis = newMillis;
  }

  @Override
  public long millis() {
    return millis;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
