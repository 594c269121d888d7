package io.rollguard.testsupport;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A monotonic time source that tests advance by hand: a Caffeine {@link Ticker}, and through {@code
 * ticker::read} any {@code LongSupplier} of nanoseconds that production code takes in place of
 * {@code System::nanoTime}. Safe to read from other threads.
 */
public final class SettableTicker implements Ticker {

  private final AtomicLong nanos = new AtomicLong();

  public void advance(Duration by) {
    nanos.addAndGet(by.toNanos());
  }

  @Override
  public long read() {
    return nanos.get();
  }
}
