package io.rollguard.common.config;

import io.rollguard.common.LogValues;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as written in the configuration: Prometheus style, one or more {@code <integer><unit>}
 * parts with units {@code ms, s, m, h, d, w}, e.g. {@code 500ms}, {@code 60s}, {@code 1h30m},
 * {@code 8d}. A bare number is refused: {@code 60} could mean seconds or milliseconds.
 */
public final class Durations {

  private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:ms|s|m|h|d|w))+");
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d|w)");

  private Durations() {}

  /** Parses {@code text}; throws {@link IllegalArgumentException} with a usable message. */
  public static Duration parse(String text) {
    if (text == null || !WHOLE.matcher(text.strip()).matches()) {
      throw new IllegalArgumentException(
          "invalid duration '"
              + LogValues.truncate(text)
              + "' (use e.g. 500ms, 60s, 5m, 1h30m, 24h, 8d)");
    }
    Duration total = Duration.ZERO;
    Matcher m = PART.matcher(text.strip());
    try {
      while (m.find()) {
        long n = Long.parseLong(m.group(1));
        total =
            total.plus(
                switch (m.group(2)) {
                  case "ms" -> Duration.ofMillis(n);
                  case "s" -> Duration.ofSeconds(n);
                  case "m" -> Duration.ofMinutes(n);
                  case "h" -> Duration.ofHours(n);
                  case "d" -> Duration.ofDays(n);
                  case "w" -> Duration.ofDays(Math.multiplyExact(n, 7));
                  default -> throw new IllegalStateException("unreachable unit " + m.group(2));
                });
      }
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException(
          "duration '" + LogValues.truncate(text) + "' is too large", e);
    }
    return total;
  }

  /**
   * Formats a duration in days and smaller units, the way PromQL range selectors accept it ({@code
   * 2m}, {@code 1m30s}, {@code 1s500ms}, {@code 8d}).
   */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms == 0) {
      return "0s";
    }
    long[] sizes = {86_400_000, 3_600_000, 60_000, 1_000, 1};
    String[] units = {"d", "h", "m", "s", "ms"};
    StringBuilder out = new StringBuilder();
    long rest = ms;
    for (int i = 0; i < sizes.length; i++) {
      if (rest >= sizes[i]) {
        out.append(rest / sizes[i]).append(units[i]);
        rest %= sizes[i];
      }
    }
    return out.toString();
  }
}
