package io.rollguard.common;

import java.util.Arrays;

/**
 * The one place that bounds values from outside (payload fields, message keys, Prometheus labels
 * and error bodies, exception messages that quote them) before they go into a log line or an error
 * message. A hostile 1 MB value must cost a log line a hundred characters, not a megabyte: a fuzz
 * run once wrote 783 MB of logs from one vertex because every rejection quoted its value whole.
 *
 * <p>A truncated value keeps its beginning (what an operator needs to recognise it) and says how
 * long it was: {@code "aaaa…(1048576 chars)"}.
 */
public final class LogValues {

  /** Longest quoted value: a name, a key, a label set. */
  public static final int MAX_VALUE_CHARS = 120;

  /**
   * Longest whole detail (an exception message or a composed description that may quote a value);
   * also the cap {@link RateLimitedLog} applies to every argument, as a safety net.
   */
  public static final int MAX_DETAIL_CHARS = 400;

  /** Message keys shown at most; the rest is counted. */
  private static final int MAX_KEYS_SHOWN = 8;

  private LogValues() {}

  /** {@code value} as text, at most {@value #MAX_VALUE_CHARS} characters plus the length note. */
  public static String truncate(Object value) {
    return truncate(value, MAX_VALUE_CHARS);
  }

  /** {@code value} as text, at most {@code maxChars} characters plus the length note. */
  public static String truncate(Object value, int maxChars) {
    if (maxChars < 1) {
      throw new IllegalArgumentException("maxChars must be >= 1, got " + maxChars);
    }
    String text =
        value instanceof Object[] array ? Arrays.deepToString(array) : String.valueOf(value);
    if (text.length() <= maxChars) {
      return text;
    }
    int cut = maxChars;
    if (Character.isHighSurrogate(text.charAt(cut - 1))) {
      cut--; // never split a surrogate pair
    }
    return text.substring(0, cut) + "…(" + text.length() + " chars)";
  }

  /**
   * Numaflow message keys as {@code [a, b, c]}, each truncated to {@value #MAX_VALUE_CHARS}
   * characters and at most 8 of them, without first joining the whole array (which a 1 MB key would
   * make a 1 MB string).
   */
  public static String keys(String[] keys) {
    if (keys == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder("[");
    int shown = Math.min(keys.length, MAX_KEYS_SHOWN);
    for (int i = 0; i < shown; i++) {
      out.append(i == 0 ? "" : ", ").append(truncate(keys[i]));
    }
    if (keys.length > shown) {
      out.append(", …(").append(keys.length).append(" keys)");
    }
    return out.append(']').toString();
  }
}
