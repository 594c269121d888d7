package io.rollguard.store;

import io.rollguard.common.payload.ScoringKey;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The Redis key layout of the anomaly store (documented in {@code docs/anomaly-store.md}). Key
 * components are percent-encoded, so a {@code :} inside a value can never shift the layout.
 *
 * <pre>
 * {prefix}store:latest:{ns}:{app}:{role}:{hash}   HASH {ts, record}   newest record of a key
 * {prefix}store:history:{ns}:{app}:{role}:{hash}  ZSET ts -> record   newest historyLength records
 * {prefix}store:keys                               ZSET member {ns}:{app}:{role}:{hash}, score newest ts
 * {prefix}store:entity:{ns}:{app}                  ZSET member {role}:{hash}, score newest ts
 * </pre>
 */
public final class StoreKeys {

  private final String prefix;

  public StoreKeys(String prefix) {
    this.prefix = Objects.requireNonNull(prefix, "prefix") + "store:";
  }

  public String latest(ScoringKey key) {
    return prefix + "latest:" + member(key);
  }

  public String history(ScoringKey key) {
    return prefix + "history:" + member(key);
  }

  /** The index of every scoring key, scored by its newest record's timestamp. */
  public String keysIndex() {
    return prefix + "keys";
  }

  /** The index of one entity's scoring keys ({@code role:hash}), scored by newest timestamp. */
  public String entityIndex(String namespace, String app) {
    return prefix + "entity:" + enc(namespace) + ":" + enc(app);
  }

  /** Member of {@link #keysIndex()}. */
  public static String member(ScoringKey key) {
    return enc(key.namespace())
        + ":"
        + enc(key.app())
        + ":"
        + enc(key.role())
        + ":"
        + enc(key.podTemplateHash());
  }

  /** Member of {@link #entityIndex}. */
  public static String entityMember(ScoringKey key) {
    return enc(key.role()) + ":" + enc(key.podTemplateHash());
  }

  /** Parses a {@link #member} back; null when it is not one. */
  public static ScoringKey parseMember(String member) {
    String[] parts = member.split(":", -1);
    if (parts.length != 4) {
      return null;
    }
    try {
      return new ScoringKey(dec(parts[0]), dec(parts[1]), dec(parts[2]), dec(parts[3]));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Parses an {@link #entityMember} of entity {@code namespace/app}; null when it is not one. */
  public static ScoringKey parseEntityMember(String namespace, String app, String member) {
    String[] parts = member.split(":", -1);
    if (parts.length != 2) {
      return null;
    }
    try {
      return new ScoringKey(namespace, app, dec(parts[0]), dec(parts[1]));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String dec(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
