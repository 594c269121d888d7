package io.rollguard.common.vertex;

import io.rollguard.common.LogValues;
import io.rollguard.common.payload.ScoringKey;
import java.util.Objects;
import org.slf4j.MDC;

/**
 * Puts a scoring key into the SLF4J MDC for the duration of one message, so that every JSON log
 * line written while handling it carries {@code namespace}, {@code app}, {@code role} and {@code
 * podTemplateHash} in its {@code mdc} object:
 *
 * <pre>{@code
 * try (ScoringKeyMdc ignored = ScoringKeyMdc.put(key)) {
 *   ...
 * }
 * }</pre>
 *
 * <p>Closing restores the values that were there before, so nested use and thread reuse by the
 * SDK's thread pools leave no stale key behind.
 */
public final class ScoringKeyMdc implements AutoCloseable {

  public static final String NAMESPACE = "namespace";
  public static final String APP = "app";
  public static final String ROLE = "role";
  public static final String POD_TEMPLATE_HASH = "podTemplateHash";

  private static final String[] FIELDS = {NAMESPACE, APP, ROLE, POD_TEMPLATE_HASH};

  private final String[] previous;

  private ScoringKeyMdc(String[] previous) {
    this.previous = previous;
  }

  public static ScoringKeyMdc put(ScoringKey key) {
    Objects.requireNonNull(key, "key");
    // Truncated: a key arrives from outside, and every line in the scope repeats it.
    String[] values = {
      LogValues.truncate(key.namespace()),
      LogValues.truncate(key.app()),
      LogValues.truncate(key.role()),
      LogValues.truncate(key.podTemplateHash())
    };
    String[] previous = new String[FIELDS.length];
    for (int i = 0; i < FIELDS.length; i++) {
      previous[i] = MDC.get(FIELDS[i]);
      MDC.put(FIELDS[i], values[i]);
    }
    return new ScoringKeyMdc(previous);
  }

  /** Runs {@code action} with the key's fields in the MDC, then removes them. */
  @SuppressWarnings("try") // the resource only scopes the MDC entries
  public static void run(ScoringKey key, Runnable action) {
    try (ScoringKeyMdc mdc = put(key)) {
      action.run();
    }
  }

  @Override
  public void close() {
    for (int i = 0; i < FIELDS.length; i++) {
      if (previous[i] == null) {
        MDC.remove(FIELDS[i]);
      } else {
        MDC.put(FIELDS[i], previous[i]);
      }
    }
  }
}
