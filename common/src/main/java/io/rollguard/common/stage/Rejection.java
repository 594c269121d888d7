package io.rollguard.common.stage;

import io.rollguard.common.payload.PayloadException;
import java.util.Locale;

/**
 * Why a scoring vertex dropped an input message instead of processing it. A bounded set: it is a
 * metric label ({@code rejected_<reason>}). Nothing rejected is ever repaired or zero-filled.
 */
public enum Rejection {
  /** Not one JSON object. */
  MALFORMED_JSON,
  /** {@code schemaVersion} missing or not the one this build reads. */
  UNSUPPORTED_SCHEMA_VERSION,
  /** A field is missing, mistyped or breaks a rule of its type. */
  INVALID_FIELD,
  /** A number is NaN or infinite where the payload contract allows only finite numbers or null. */
  NON_FINITE,
  /** The Numaflow message keys are not the payload's own key (or not a key at all). */
  INVALID_KEYS,
  /** The entity's namespace or app cannot name a model ({@code [A-Za-z0-9._-]}, no {@code ..}). */
  UNKNOWN_ENTITY,
  /** The payload's metrics are not the configured metrics, in the configured order. */
  METRIC_MISMATCH,
  /** The payload's row count is not {@code window.lengthSteps}. */
  WINDOW_LENGTH_MISMATCH,
  /**
   * No metric has an observed value in the rows that are scored (postprocess): there is nothing to
   * score, and a unified 0 would claim "normal" without evidence.
   */
  NO_SCORED_DATA;

  /**
   * The codec's reason. A non-finite number is reported by the codec as an invalid field whose
   * message says {@code non-finite}; it gets its own label because it usually means an upstream
   * producer wrote {@code NaN}/{@code Infinity} instead of {@code null}.
   */
  public static Rejection of(PayloadException e) {
    return switch (e.reason()) {
      case MALFORMED_JSON -> MALFORMED_JSON;
      case UNSUPPORTED_SCHEMA_VERSION -> UNSUPPORTED_SCHEMA_VERSION;
      case INVALID_FIELD -> {
        String message = e.getMessage();
        yield message != null && message.contains("non-finite") ? NON_FINITE : INVALID_FIELD;
      }
    };
  }

  /** The metric label value, e.g. {@code rejected_metric_mismatch}. */
  public String outcomeLabel() {
    return "rejected_" + name().toLowerCase(Locale.ROOT);
  }
}
