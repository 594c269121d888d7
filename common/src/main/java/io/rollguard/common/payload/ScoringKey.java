package io.rollguard.common.payload;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * The unit that is scored: one role (stable or canary) of one version of one app.
 *
 * <p>Numaflow message keys are exactly these four strings in this order, so the window vertex
 * partitions and groups by scoring key. The entity (one model) is {@code (namespace, app)}.
 */
public record ScoringKey(
    @JsonProperty(required = true) String namespace,
    @JsonProperty(required = true) String app,
    @JsonProperty(required = true) String role,
    @JsonProperty(required = true) String podTemplateHash) {

  public static final String ROLE_STABLE = "stable";
  public static final String ROLE_CANARY = "canary";

  public ScoringKey {
    requireNonBlank(namespace, "namespace");
    requireNonBlank(app, "app");
    requireNonBlank(role, "role");
    requireNonBlank(podTemplateHash, "podTemplateHash");
  }

  /**
   * Rebuilds a key from Numaflow message keys; throws {@link IllegalArgumentException} if
   * malformed.
   */
  public static ScoringKey fromKeys(String[] keys) {
    if (keys == null || keys.length != 4) {
      throw new IllegalArgumentException(
          "expected 4 message keys [namespace, app, role, pod_template_hash], got "
              + (keys == null ? "null" : keys.length));
    }
    return new ScoringKey(keys[0], keys[1], keys[2], keys[3]);
  }

  /**
   * The Numaflow message keys for this scoring key (never contains null: the SDK 0.9.2 NPEs on it).
   */
  public String[] toKeys() {
    return new String[] {namespace, app, role, podTemplateHash};
  }

  /** The entity this key belongs to: one model per {@code namespace/app}. */
  public String entity() {
    return namespace + "/" + app;
  }

  @Override
  public String toString() {
    return namespace + "/" + app + "/" + role + "/" + podTemplateHash;
  }

  private static void requireNonBlank(String value, String field) {
    Objects.requireNonNull(value, () -> "scoring key field '" + field + "' is null");
    if (value.isBlank()) {
      throw new IllegalArgumentException("scoring key field '" + field + "' is blank");
    }
  }
}
