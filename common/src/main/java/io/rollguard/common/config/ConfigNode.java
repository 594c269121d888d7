package io.rollguard.common.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One YAML mapping being read, with its path. Every read names the key it consumed, so {@link
 * #finish()} can refuse keys nobody asked for: a misspelt key ({@code minCoverge}) fails instead of
 * silently leaving the default in place. Every error names the full field path.
 */
final class ConfigNode {

  private final JsonNode node;
  private final String path;
  private final Set<String> known = new LinkedHashSet<>();

  private ConfigNode(JsonNode node, String path) {
    this.node = node;
    this.path = path;
  }

  /**
   * A mapping at {@code path}; an absent or null section reads as an empty mapping (all defaults).
   */
  static ConfigNode of(JsonNode node, String path) throws ConfigException {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return new ConfigNode(null, path);
    }
    if (!node.isObject()) {
      throw new ConfigException(path, "must be a mapping (key: value), got " + kind(node));
    }
    return new ConfigNode(node, path);
  }

  String path() {
    return path;
  }

  String field(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** The raw value, or null when absent or written as null (YAML {@code key:} or {@code ~}). */
  JsonNode raw(String key) {
    known.add(key);
    if (node == null) {
      return null;
    }
    JsonNode value = node.get(key);
    return value == null || value.isNull() ? null : value;
  }

  boolean has(String key) {
    return raw(key) != null;
  }

  ConfigNode child(String key) throws ConfigException {
    return of(raw(key), field(key));
  }

  String string(String key, String defaultValue) throws ConfigException {
    JsonNode value = raw(key);
    if (value == null) {
      return defaultValue;
    }
    if (!value.isTextual()) {
      throw new ConfigException(field(key), "must be a string, got " + kind(value));
    }
    return value.textValue();
  }

  String requiredString(String key) throws ConfigException {
    String value = string(key, null);
    if (value == null || value.isBlank()) {
      throw new ConfigException(field(key), "is required");
    }
    return value;
  }

  long longValue(String key, long defaultValue, long min, long max) throws ConfigException {
    JsonNode value = raw(key);
    if (value == null) {
      return defaultValue;
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw new ConfigException(field(key), "must be an integer, got " + kind(value));
    }
    return checkRange(key, value.longValue(), min, max);
  }

  int intValue(String key, int defaultValue, int min, int max) throws ConfigException {
    return (int) longValue(key, defaultValue, min, max);
  }

  long checkRange(String key, long v, long min, long max) throws ConfigException {
    if (v < min || v > max) {
      throw new ConfigException(field(key), "must be in [" + min + ", " + max + "], got " + v);
    }
    return v;
  }

  /** A finite number; {@code open} bounds exclude the limit itself. */
  double doubleValue(
      String key, double defaultValue, double min, boolean minOpen, double max, boolean maxOpen)
      throws ConfigException {
    JsonNode value = raw(key);
    double v;
    if (value == null) {
      v = defaultValue;
    } else if (value.isNumber()) {
      v = value.doubleValue();
    } else {
      throw new ConfigException(field(key), "must be a number, got " + kind(value));
    }
    boolean below = minOpen ? !(v > min) : !(v >= min);
    boolean above = maxOpen ? !(v < max) : !(v <= max);
    if (!Double.isFinite(v) || below || above) {
      throw new ConfigException(
          field(key),
          "must be in "
              + (minOpen ? "(" : "[")
              + fmt(min)
              + ", "
              + fmt(max)
              + (maxOpen ? ")" : "]")
              + ", got "
              + value);
    }
    return v;
  }

  /** An optional finite number (null when absent). */
  Double optionalFinite(String key) throws ConfigException {
    JsonNode value = raw(key);
    if (value == null) {
      return null;
    }
    if (!value.isNumber() || !Double.isFinite(value.doubleValue())) {
      throw new ConfigException(field(key), "must be a finite number, got " + kind(value));
    }
    return value.doubleValue();
  }

  boolean bool(String key, boolean defaultValue) throws ConfigException {
    JsonNode value = raw(key);
    if (value == null) {
      return defaultValue;
    }
    if (!value.isBoolean()) {
      throw new ConfigException(field(key), "must be true or false, got " + kind(value));
    }
    return value.booleanValue();
  }

  Duration duration(String key, Duration defaultValue, Duration min, Duration max)
      throws ConfigException {
    String text = string(key, null);
    Duration d;
    if (text == null) {
      d = defaultValue;
    } else {
      try {
        d = Durations.parse(text);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(field(key), e.getMessage());
      }
    }
    return checkDuration(field(key), d, min, max);
  }

  static Duration checkDuration(String field, Duration d, Duration min, Duration max)
      throws ConfigException {
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw new ConfigException(
          field,
          "must be between "
              + Durations.format(min)
              + " and "
              + Durations.format(max)
              + ", got "
              + Durations.format(d));
    }
    return d;
  }

  /** One of {@code allowed} (case-sensitive, as documented), mapped to the enum constant. */
  <E extends Enum<E>> E choice(String key, Class<E> type, E defaultValue) throws ConfigException {
    String text = string(key, null);
    if (text == null) {
      if (defaultValue == null) {
        throw new ConfigException(field(key), "is required (one of " + names(type) + ")");
      }
      return defaultValue;
    }
    for (E constant : type.getEnumConstants()) {
      if (constant.name().toLowerCase(Locale.ROOT).equals(text)) {
        return constant;
      }
    }
    throw new ConfigException(field(key), "must be one of " + names(type) + ", got '" + text + "'");
  }

  static <E extends Enum<E>> String names(Class<E> type) {
    List<String> names = new ArrayList<>();
    for (E constant : type.getEnumConstants()) {
      names.add(constant.name().toLowerCase(Locale.ROOT));
    }
    return String.join(", ", names);
  }

  /** The elements of a sequence; absent reads as empty. */
  List<JsonNode> list(String key) throws ConfigException {
    JsonNode value = raw(key);
    if (value == null) {
      return List.of();
    }
    if (!value.isArray()) {
      throw new ConfigException(field(key), "must be a list, got " + kind(value));
    }
    List<JsonNode> out = new ArrayList<>();
    value.elements().forEachRemaining(out::add);
    return out;
  }

  /** Fails on the first key that no read asked for. */
  void finish() throws ConfigException {
    if (node == null) {
      return;
    }
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!known.contains(name)) {
        // A YAML null or empty key (e.g. "{&anchor: x}") reads as ""; name it so the message
        // still points somewhere (found by the config fuzz test).
        throw new ConfigException(
            field(name.isBlank() ? "<empty key>" : name),
            "unknown key"
                + (known.isEmpty() ? "" : " (expected one of " + String.join(", ", known) + ")"));
      }
    }
  }

  static String kind(JsonNode value) {
    if (value.isTextual()) {
      return "'" + value.textValue() + "'";
    }
    if (value.isObject()) {
      return "a mapping";
    }
    if (value.isArray()) {
      return "a list";
    }
    return value.toString();
  }

  private static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
