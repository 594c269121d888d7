package io.rollguard.cli.csv;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * Reads the {@code timestamp} column: epoch seconds, epoch milliseconds or ISO-8601.
 *
 * <p>A number is read as milliseconds when its magnitude is at least 1e11 (1e11 s is the year 5138,
 * 1e11 ms is March 1973), otherwise as seconds, possibly fractional. ISO-8601 accepts an instant
 * ({@code 2026-01-05T10:00:00Z}), an offset date-time, or a local date-time taken as UTC; a space
 * may replace the {@code T}.
 */
public final class TimestampParser {

  static final double MILLIS_THRESHOLD = 1e11;

  private TimestampParser() {}

  /**
   * Epoch milliseconds of {@code text}; throws {@link IllegalArgumentException} naming the value.
   */
  public static long parseMillis(String text) {
    String s = text.trim();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("empty timestamp");
    }
    if (looksNumeric(s)) {
      double v;
      try {
        v = Double.parseDouble(s);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("unreadable timestamp '" + text + "'");
      }
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("unreadable timestamp '" + text + "'");
      }
      return Math.abs(v) >= MILLIS_THRESHOLD ? Math.round(v) : Math.round(v * 1000.0);
    }
    String iso =
        s.length() > 10 && s.charAt(10) == ' ' ? s.substring(0, 10) + 'T' + s.substring(11) : s;
    try {
      return Instant.parse(iso).toEpochMilli();
    } catch (DateTimeParseException ignored) {
      // not an instant with Z; try the other ISO forms
    }
    try {
      return OffsetDateTime.parse(iso).toInstant().toEpochMilli();
    } catch (DateTimeParseException ignored) {
      // no offset; try local date-time as UTC
    }
    try {
      return LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC).toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "unreadable timestamp '" + text + "' (expected epoch s, epoch ms or ISO-8601)");
    }
  }

  private static boolean looksNumeric(String s) {
    char c = s.charAt(0);
    // ISO dates start with 4 digits and a '-' at index 4; a number never has '-' after a digit
    return (Character.isDigit(c) || c == '-' || c == '+' || c == '.')
        && s.indexOf(':') < 0
        && s.indexOf('-', 1) < 0
        && s.indexOf('T') < 0;
  }
}
