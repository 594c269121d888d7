package io.rollguard.common.payload;

import java.util.Objects;

/**
 * A payload that could not be decoded. The {@link #reason()} lets a vertex count drops by cause;
 * the message says which field was wrong and why, so the log line is actionable on its own.
 */
public final class PayloadException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Why a payload was rejected; a bounded set, so it can be a metric label. */
  public enum Reason {
    /**
     * Not parseable as one JSON object (syntax error, truncated, trailing garbage, not an object).
     */
    MALFORMED_JSON,
    /** {@code schemaVersion} missing, not an integer, or not the version this build understands. */
    UNSUPPORTED_SCHEMA_VERSION,
    /** Well-formed JSON of the right version, but a field is missing, mistyped or out of range. */
    INVALID_FIELD
  }

  private final Reason reason;

  public PayloadException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public PayloadException(Reason reason, String message) {
    this(reason, message, null);
  }

  public Reason reason() {
    return reason;
  }
}
