package io.rollguard.common.registry;

import io.rollguard.common.LogValues;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;

/**
 * A bundle version id: {@code <creation time, UTC, ms>-<first 12 hex of the bundle's SHA-256>},
 * e.g. {@code 20261129T183000123Z-3fa2c81b9d04}. Lexical order is creation order, the time is
 * readable in logs and payloads, and the hash part makes two trainings in the same millisecond
 * distinct.
 */
public record BundleVersion(String id, Instant createdAt) {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);
  private static final Pattern FORMAT = Pattern.compile("\\d{8}T\\d{9}Z-[0-9a-f]{12}");

  public static BundleVersion create(Instant createdAt, String sha256Hex) {
    if (sha256Hex == null || sha256Hex.length() < 12) {
      throw new IllegalArgumentException("need a SHA-256 hex digest, got " + sha256Hex);
    }
    // The id carries milliseconds; truncate so a parsed id equals the created one.
    Instant millis = createdAt.truncatedTo(ChronoUnit.MILLIS);
    return new BundleVersion(TIME.format(millis) + "-" + sha256Hex.substring(0, 12), millis);
  }

  /** Parses a version id; rejects anything that is not exactly the format above. */
  public static BundleVersion parse(String id) {
    if (id == null || !FORMAT.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "not a bundle version id: '" + LogValues.truncate(id) + "'");
    }
    try {
      Instant created = TIME.parse(id.substring(0, id.indexOf('-')), Instant::from);
      return new BundleVersion(id, created);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "not a bundle version id: '" + LogValues.truncate(id) + "'", e);
    }
  }

  @Override
  public String toString() {
    return id;
  }
}
