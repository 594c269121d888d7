package io.rollguard.common.detect;

/**
 * A byte array is not a model bundle this build can read (bad magic, version, checksum or body).
 */
public final class BundleFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  public BundleFormatException(String message) {
    super(message);
  }

  public BundleFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
