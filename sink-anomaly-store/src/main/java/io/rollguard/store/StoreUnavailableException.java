package io.rollguard.store;

/**
 * The anomaly store's backend cannot be read (Redis down, timeout, ...). The HTTP layer answers 503
 * for a verdict and exports no scores on {@code /metrics}, and counts the failure.
 */
public final class StoreUnavailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
