package io.rollguard.store;

import io.rollguard.common.LogValues;
import io.rollguard.common.config.Durations;
import io.rollguard.common.config.VerdictSettings;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The parameters of one {@code GET /api/v1/verdict}: the scoring key's {@code namespace}, {@code
 * app} and {@code hash} (required) and an optional {@code range} that replaces the verdict
 * interval. A parameter given twice counts once (the first).
 */
record VerdictQuery(String namespace, String app, String hash, VerdictSettings settings) {

  /**
   * Parses the raw (still URL-encoded) query string.
   *
   * @throws IllegalArgumentException with the message the client gets in its 400 answer
   */
  static VerdictQuery parse(String rawQuery, VerdictSettings defaults) {
    Map<String, String> params;
    try {
      params = params(rawQuery);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "malformed query string: " + LogValues.truncate(e.getMessage()), e);
    }
    String namespace = params.get("namespace");
    String app = params.get("app");
    String hash = params.get("hash");
    if (isBlank(namespace) || isBlank(app) || isBlank(hash)) {
      throw new IllegalArgumentException("namespace, app and hash are required query parameters");
    }
    VerdictSettings effective = defaults;
    if (params.containsKey("range")) {
      try {
        effective = effective.withInterval(Durations.parse(params.get("range")));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "invalid parameter: " + LogValues.truncate(e.getMessage()), e);
      }
    }
    return new VerdictQuery(namespace, app, hash, effective);
  }

  private static Map<String, String> params(String raw) {
    Map<String, String> params = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return params;
    }
    for (String pair : raw.split("&", -1)) {
      int eq = pair.indexOf('=');
      String name =
          URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      params.putIfAbsent(name, value);
    }
    return params;
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
