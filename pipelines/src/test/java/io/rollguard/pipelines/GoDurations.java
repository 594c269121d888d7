package io.rollguard.pipelines;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Go {@code time.ParseDuration} for the units manifests use (Numaflow and Argo Rollouts are Go).
 */
final class GoDurations {

  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h)");

  private GoDurations() {}

  /**
   * @throws IllegalArgumentException if {@code text} is not a Go duration such as 1m30s
   */
  static Duration parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("empty duration");
    }
    if (text.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = PART.matcher(text);
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        break;
      }
      long n = Long.parseLong(m.group(1));
      total =
          total.plus(
              switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
              });
      end = m.end();
    }
    if (end != text.length()) {
      throw new IllegalArgumentException("not a Go duration: '" + text + "'");
    }
    return total;
  }
}
