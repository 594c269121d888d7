package io.rollguard.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A UTC clock that tests set or advance by hand, so expiry, staleness and retention are tested
 * without sleeping. Safe to read from other threads (the vertices' background work).
 */
public final class SettableClock extends Clock {

  private volatile long millis;

  public SettableClock(long epochMillis) {
    this.millis = epochMillis;
  }

  public SettableClock(Instant start) {
    this(start.toEpochMilli());
  }

  public void set(long epochMillis) {
    this.millis = epochMillis;
  }

  public void advance(Duration by) {
    this.millis += by.toMillis();
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
