package io.rollguard.common.config;

import java.util.Objects;

/**
 * The configuration cannot be used. The message starts with the field path so an operator can fix
 * the document without reading code, e.g. {@code metrics[2].direction: must be one of up, down,
 * both}.
 */
public final class ConfigException extends Exception {

  private static final long serialVersionUID = 1L;

  private final String field;

  /**
   * @param field the path of the offending field ({@code window.minCoverage}, {@code
   *     metrics[2].name}); empty when the whole document is at fault (unreadable, not YAML)
   * @param problem what is wrong, without the field name
   */
  public ConfigException(String field, String problem) {
    this(field, problem, null);
  }

  public ConfigException(String field, String problem, Throwable cause) {
    super(field == null || field.isEmpty() ? problem : field + ": " + problem, cause);
    this.field = Objects.requireNonNullElse(field, "");
  }

  /**
   * Path of the offending field, e.g. {@code metrics[2].direction}; empty for the whole document.
   */
  public String field() {
    return field;
  }
}
