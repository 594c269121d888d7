package io.rollguard.common.vertex;

import io.rollguard.common.LogValues;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * Logs a message at most once per reason and interval, so that a stream of bad input (one malformed
 * payload per message from the same upstream) cannot flood the logs. Counting every occurrence is
 * the metrics' job; this keeps one readable line per problem and interval.
 *
 * <p>The first occurrence of a reason is logged; later ones within {@code interval} are suppressed
 * and counted, and the next logged line for that reason carries the count as the key-value pair
 * {@code suppressed} (a field of the JSON log line).
 *
 * <p><b>The key is a reason, never a value.</b> One instance belongs to one vertex (or one class of
 * it), so the limit is per (vertex, reason): {@code "malformed_json"}, {@code "duplicate:" +
 * configuredMetric}. A key built from the input (message keys, an entity, a label value) would let
 * a stream of distinct bad values defeat the limit: a fuzz run once wrote 783 MB of logs that way.
 * The values go into the message, where they are bounded: every argument is cut to {@link
 * LogValues#MAX_DETAIL_CHARS} characters (quote a value with {@link LogValues#truncate(Object)} to
 * keep it shorter still). At most {@code maxKeys} reasons are remembered (least recently seen first
 * forgotten).
 *
 * <p>Thread-safe: map vertices call it concurrently.
 */
public final class RateLimitedLog {

  /** Default number of remembered reasons; a forgotten one is simply logged again. */
  public static final int DEFAULT_MAX_KEYS = 1_000;

  private final Logger logger;
  private final long intervalNanos;
  private final LongSupplier nanoTime;
  private final Map<String, KeyState> states;

  private static final class KeyState {
    long lastLoggedNanos;
    long suppressed;
  }

  /**
   * @param logger where the lines go
   * @param interval minimum time between two lines with the same key, > 0
   * @param maxKeys how many keys to remember, > 0
   * @param nanoTime monotonic clock in nanoseconds ({@code System::nanoTime}; tests pass a fake)
   */
  public RateLimitedLog(Logger logger, Duration interval, int maxKeys, LongSupplier nanoTime) {
    this.logger = Objects.requireNonNull(logger, "logger");
    Objects.requireNonNull(interval, "interval");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be > 0, got " + interval);
    }
    if (maxKeys <= 0) {
      throw new IllegalArgumentException("maxKeys must be > 0, got " + maxKeys);
    }
    this.intervalNanos = interval.toNanos();
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    // Access-ordered LRU bounded at maxKeys: memory stays bounded whatever the key stream.
    this.states =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, KeyState> eldest) {
            return size() > maxKeys;
          }
        };
  }

  /** A limiter on the system clock remembering {@value #DEFAULT_MAX_KEYS} keys. */
  public static RateLimitedLog perKey(Logger logger, Duration interval) {
    return new RateLimitedLog(logger, interval, DEFAULT_MAX_KEYS, System::nanoTime);
  }

  /**
   * Logs at WARN unless {@code key} was logged less than the interval ago. {@code format} and
   * {@code args} follow SLF4J ({@code {}} placeholders, a trailing {@link Throwable} is the cause).
   *
   * @return whether the line was logged
   */
  public boolean warn(String key, String format, Object... args) {
    return log(Level.WARN, key, format, args);
  }

  /** As {@link #warn}, at ERROR. */
  public boolean error(String key, String format, Object... args) {
    return log(Level.ERROR, key, format, args);
  }

  /** As {@link #warn}, at INFO. */
  public boolean info(String key, String format, Object... args) {
    return log(Level.INFO, key, format, args);
  }

  /**
   * Every argument cut to {@link LogValues#MAX_DETAIL_CHARS}; numbers, booleans and enums as they
   * are; a trailing {@link Throwable} stays the cause (SLF4J prints its stack trace).
   */
  private static Object[] bounded(Object[] args) {
    Object[] out = args.clone();
    for (int i = 0; i < out.length; i++) {
      Object arg = out[i];
      boolean cause = i == out.length - 1 && arg instanceof Throwable;
      if (arg != null
          && !cause
          && !(arg instanceof Number || arg instanceof Boolean || arg instanceof Enum)) {
        out[i] = LogValues.truncate(arg, LogValues.MAX_DETAIL_CHARS);
      }
    }
    return out;
  }

  private boolean log(Level level, String key, String format, Object[] args) {
    Objects.requireNonNull(key, "key");
    if (!logger.isEnabledForLevel(level)) {
      return false;
    }
    long suppressedBefore;
    long now = nanoTime.getAsLong();
    synchronized (states) {
      KeyState state = states.get(key);
      if (state == null) {
        state = new KeyState();
        states.put(key, state);
      } else if (now - state.lastLoggedNanos < intervalNanos) {
        state.suppressed++;
        return false;
      }
      suppressedBefore = state.suppressed;
      state.suppressed = 0;
      state.lastLoggedNanos = now;
    }
    var event = logger.atLevel(level).addKeyValue("logKey", key);
    if (suppressedBefore > 0) {
      event = event.addKeyValue("suppressed", suppressedBefore);
    }
    event.log(format, bounded(args));
    return true;
  }
}
