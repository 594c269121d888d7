package io.rollguard.common.registry;

/**
 * The registry could not answer: backend unreachable, or a stored bundle failed its format or
 * checksum check. "No model" is not an exception; it is an empty {@code Optional}.
 */
public final class RegistryException extends Exception {

  private static final long serialVersionUID = 1L;

  public RegistryException(String message, Throwable cause) {
    super(message, cause);
  }

  public RegistryException(String message) {
    super(message);
  }
}
