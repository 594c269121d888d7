package io.rollguard.testsupport;

import java.time.Duration;
import java.util.Optional;

/**
 * Waits for an effect that another thread or a real server produces (a background training, a
 * Prometheus scrape, a batch written on another thread): checks at once, then at growing intervals
 * (5 ms doubling to 200 ms) until the effect is there, and fails the test when {@code timeout}
 * passes first. The timeout only keeps a regression from hanging; it is not what the test measures.
 *
 * <p>Time inside Rollguard's own code (cache refresh, back-off, expiry) is not waited for: tests
 * advance a {@link SettableClock} or {@link SettableTicker} instead.
 */
public final class Poll {

  /** A check that may call a server (and so throw). */
  @FunctionalInterface
  public interface Condition {
    boolean holds() throws Exception;
  }

  /** A value that is empty until the effect happened. */
  @FunctionalInterface
  public interface Probe<T> {
    Optional<T> get() throws Exception;
  }

  private static final long FIRST_PAUSE_MILLIS = 5;
  private static final long MAX_PAUSE_MILLIS = 200;

  private Poll() {}

  /**
   * Returns once {@code condition} holds.
   *
   * @param what the awaited effect, for the failure message
   * @throws AssertionError if it still does not hold after {@code timeout}
   */
  public static void until(String what, Duration timeout, Condition condition) throws Exception {
    untilPresent(what, timeout, () -> condition.holds() ? Optional.of(true) : Optional.empty());
  }

  /**
   * Returns the first value {@code probe} yields.
   *
   * @param what the awaited effect, for the failure message
   * @throws AssertionError if {@code probe} is still empty after {@code timeout}
   */
  public static <T> T untilPresent(String what, Duration timeout, Probe<T> probe) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = FIRST_PAUSE_MILLIS;
    while (true) {
      Optional<T> value = probe.get();
      if (value.isPresent()) {
        return value.get();
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not within " + timeout + ": " + what);
      }
      Thread.sleep(pause);
      pause = Math.min(2 * pause, MAX_PAUSE_MILLIS);
    }
  }
}
