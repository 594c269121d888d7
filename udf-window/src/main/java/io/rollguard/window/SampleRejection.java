package io.rollguard.window;

import io.rollguard.common.payload.PayloadException;
import java.util.Locale;

/** Why an input message was skipped instead of collected. A bounded set: it is a metric label. */
public enum SampleRejection {
  /** Not one JSON object (see {@link PayloadException.Reason#MALFORMED_JSON}). */
  MALFORMED_JSON,
  /** {@code schemaVersion} missing or not the one this build reads. */
  UNSUPPORTED_SCHEMA_VERSION,
  /** Valid JSON of the right version, but a field is missing, mistyped or out of range. */
  INVALID_FIELD,
  /** The Numaflow message keys are not a valid scoring key {@code [namespace, app, role, hash]}. */
  INVALID_MESSAGE_KEYS,
  /** The sample's own key differs from the message keys it was routed by. */
  KEY_MISMATCH,
  /** The sample carries a metric name the configuration does not list. */
  UNKNOWN_METRIC;

  /** The codec's reason, one to one; exhaustive so a new codec reason fails compilation here. */
  public static SampleRejection of(PayloadException.Reason reason) {
    return switch (reason) {
      case MALFORMED_JSON -> MALFORMED_JSON;
      case UNSUPPORTED_SCHEMA_VERSION -> UNSUPPORTED_SCHEMA_VERSION;
      case INVALID_FIELD -> INVALID_FIELD;
    };
  }

  /** The metric label value, e.g. {@code rejected_key_mismatch}. */
  public String outcomeLabel() {
    return "rejected_" + name().toLowerCase(Locale.ROOT);
  }
}
