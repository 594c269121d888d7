package io.rollguard.common.prometheus;

/** Parsing of the sample value strings of the Prometheus HTTP API. */
final class PrometheusValues {

  private PrometheusValues() {}

  /**
   * Parses a sample value. Prometheus writes {@code "NaN"}, {@code "+Inf"} and {@code "-Inf"};
   * {@link Double#parseDouble} accepts the first but throws on the other two, so they are mapped
   * explicitly.
   *
   * @throws NumberFormatException for anything that is not a Prometheus float
   */
  public static double parse(String text) {
    return switch (text) {
      case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(text);
    };
  }
}
