package io.rollguard.common.registry;

import io.rollguard.common.LogValues;
import io.rollguard.common.payload.ScoringKey;
import java.util.regex.Pattern;

/**
 * The entity a model belongs to: {@code (namespace, app)}. Both parts are Kubernetes-style names;
 * they are validated because they become Redis key segments and directory names (no separators, no
 * {@code ..}, so a crafted label can never escape the registry directory or key space).
 */
public record EntityId(String namespace, String app) {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]{0,252})");

  public EntityId {
    requireName(namespace, "namespace");
    requireName(app, "app");
  }

  public static EntityId of(ScoringKey key) {
    return new EntityId(key.namespace(), key.app());
  }

  /** Parses {@code namespace/app}. */
  public static EntityId parse(String text) {
    int slash = text == null ? -1 : text.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("entity must be 'namespace/app', got " + text);
    }
    return new EntityId(text.substring(0, slash), text.substring(slash + 1));
  }

  @Override
  public String toString() {
    return namespace + "/" + app;
  }

  private static void requireName(String value, String field) {
    if (value == null || !NAME.matcher(value).matches() || value.contains("..")) {
      throw new IllegalArgumentException(
          "entity "
              + field
              + " must be a Kubernetes-style name ([A-Za-z0-9._-], no '..'), got '"
              + LogValues.truncate(value)
              + "'");
    }
  }
}
