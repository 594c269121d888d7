package io.rollguard.common.prometheus;

/**
 * A query that did not produce a result. {@link #kind()} tells the caller what to do: a {@link
 * Kind#BAD_QUERY} will fail again unchanged (fix the PromQL or the parameters), a {@link
 * Kind#UNAVAILABLE} may succeed later.
 */
public final class PrometheusException extends Exception {

  private static final long serialVersionUID = 1L;

  /** What went wrong, from the caller's point of view. */
  public enum Kind {
    /** 400/422 : the query or its parameters are wrong; not retried. */
    BAD_QUERY,
    /**
     * 401, 403, 404, other 4xx or an untrusted TLS certificate: fix credentials, URL or CA; not
     * retried.
     */
    REFUSED,
    /** 429, 5xx, timeouts or connection failures that persisted through every retry. */
    UNAVAILABLE,
    /** A 2xx answer that is not a Prometheus matrix response (a proxy page, a wrong URL). */
    BAD_RESPONSE
  }

  private final Kind kind;
  private final int httpStatus;
  private final String errorType;

  public PrometheusException(Kind kind, int httpStatus, String errorType, String message) {
    this(kind, httpStatus, errorType, message, null);
  }

  public PrometheusException(
      Kind kind, int httpStatus, String errorType, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.httpStatus = httpStatus;
    this.errorType = errorType;
  }

  public Kind kind() {
    return kind;
  }

  /** The HTTP status of the last answer, or 0 when there was none (timeout, connection failure). */
  public int httpStatus() {
    return httpStatus;
  }

  /** Prometheus' {@code errorType} ({@code bad_data}, {@code execution}, ...), or {@code ""}. */
  public String errorType() {
    return errorType;
  }
}
