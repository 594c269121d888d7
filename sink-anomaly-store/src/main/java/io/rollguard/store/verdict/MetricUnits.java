package io.rollguard.store.verdict;

import java.util.Locale;

/**
 * Writes a metric's value in the unit people read, from the unit the configuration declares for it
 * ({@code metrics[].unit}): seconds as ms, a ratio as %, bytes as MiB, requests/s as req/s, cores
 * as cores; any other unit is printed as configured.
 */
public final class MetricUnits {

  private MetricUnits() {}

  /**
   * E.g. {@code 0.412, "seconds"} -> {@code "412 ms"}; {@code 0.031, "ratio"} -> {@code "3.10%"}.
   */
  public static String format(double value, String unit) {
    String u = unit == null ? "" : unit.trim().toLowerCase(Locale.ROOT);
    return switch (u) {
      // Milliseconds up to 10 s, so "1030 ms vs 601 ms" compares at a glance.
      case "seconds", "second", "s" ->
          Math.abs(value) < 10 ? number(value * 1000) + " ms" : number(value) + " s";
      case "milliseconds", "ms" -> number(value) + " ms";
      case "ratio" ->
          String.format(Locale.ROOT, Math.abs(value) < 0.1 ? "%.2f%%" : "%.1f%%", value * 100);
      case "percent", "%" -> String.format(Locale.ROOT, "%.2f%%", value);
      case "bytes" -> number(value / (1024.0 * 1024.0)) + " MiB";
      case "requests/s", "req/s", "rps" -> number(value) + " req/s";
      case "cores" -> number(value) + " cores";
      case "" -> number(value);
      default -> number(value) + " " + unit.trim();
    };
  }

  /** Three significant digits, without an exponent for everyday magnitudes. */
  static String number(double v) {
    double a = Math.abs(v);
    if (a == 0) {
      return "0";
    }
    if (a >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    if (a >= 0.01) {
      return String.format(Locale.ROOT, "%.3g", v);
    }
    return String.format(Locale.ROOT, "%.2e", v);
  }
}
