package io.rollguard.common.config;

import java.util.Objects;

/**
 * A password or token from the configuration. Its {@link #toString()} never shows the value, so a
 * configuration can be logged whole; call {@link #reveal()} only where the value is sent.
 */
public final class Secret {

  private final String value;

  public Secret(String value) {
    this.value = Objects.requireNonNull(value, "value");
  }

  /** The secret value, for the one place that authenticates with it. */
  public String reveal() {
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s && value.equals(s.value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return "<redacted>";
  }
}
