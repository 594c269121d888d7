package io.rollguard.testsupport;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the OpenMetrics text that {@code promtool tsdb create-blocks-from openmetrics} backfills:
 * gauge families, samples grouped per family, in the order added (add each series' samples in time
 * order). Values may be NaN or ±Inf.
 */
public final class OpenMetricsText {

  private final Map<String, StringBuilder> families = new LinkedHashMap<>();

  /** Adds one sample; {@code labels} are written sorted by name. */
  public OpenMetricsText gauge(
      String name, Map<String, String> labels, long epochMillis, double value) {
    StringBuilder family = families.computeIfAbsent(name, n -> new StringBuilder());
    family.append(name);
    if (!labels.isEmpty()) {
      family.append('{');
      boolean first = true;
      for (Map.Entry<String, String> label : new TreeMap<>(labels).entrySet()) {
        if (!first) {
          family.append(',');
        }
        first = false;
        family.append(label.getKey()).append("=\"").append(escape(label.getValue())).append('"');
      }
      family.append('}');
    }
    family
        .append(' ')
        .append(format(value))
        .append(' ')
        .append(java.math.BigDecimal.valueOf(epochMillis, 3).toPlainString())
        .append('\n');
    return this;
  }

  public String build() {
    StringBuilder out = new StringBuilder();
    families.forEach(
        (name, samples) -> out.append("# TYPE ").append(name).append(" gauge\n").append(samples));
    return out.append("# EOF\n").toString();
  }

  private static String format(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    return Double.toString(value);
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
