package io.rollguard.cli.eval;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses {@code --seeds}: integers as a comma list, ranges {@code a..b} (inclusive, a <= b), or
 * both ({@code 1..20}, {@code 3,7,11}, {@code -5..-1,100}). Duplicates are dropped, order is kept.
 */
public final class SeedList {

  /**
   * A bound on one range, so a typo like {@code 1..1000000000} fails instead of running for days.
   */
  static final long MAX_SEEDS = 100_000;

  private static final Pattern RANGE = Pattern.compile("(-?\\d+)\\.\\.(-?\\d+)");
  private static final Pattern SINGLE = Pattern.compile("-?\\d+");

  private SeedList() {}

  public static List<Long> parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("--seeds: no seed given");
    }
    Set<Long> seeds = new LinkedHashSet<>();
    // -1: a trailing comma is an empty token and an error, not silently ignored.
    for (String raw : text.split(",", -1)) {
      String token = raw.trim();
      Matcher range = RANGE.matcher(token);
      if (range.matches()) {
        long from = parseLong(range.group(1), token);
        long to = parseLong(range.group(2), token);
        if (from > to) {
          throw new IllegalArgumentException("--seeds: range '" + token + "' runs backwards");
        }
        if (to - from + 1 > MAX_SEEDS) {
          throw new IllegalArgumentException(
              "--seeds: range '" + token + "' has more than " + MAX_SEEDS + " seeds");
        }
        for (long s = from; s <= to; s++) {
          seeds.add(s);
        }
      } else if (SINGLE.matcher(token).matches()) {
        seeds.add(parseLong(token, token));
      } else {
        throw new IllegalArgumentException(
            "--seeds: '" + token + "' is neither an integer nor a range a..b");
      }
    }
    if (seeds.size() > MAX_SEEDS) {
      throw new IllegalArgumentException("--seeds: more than " + MAX_SEEDS + " seeds");
    }
    return new ArrayList<>(seeds);
  }

  private static long parseLong(String digits, String token) {
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--seeds: '" + token + "' is out of range for a 64-bit integer");
    }
  }
}
