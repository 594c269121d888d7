package io.rollguard.common.config;

import io.rollguard.common.LogValues;
import java.util.Objects;

/**
 * The configuration cannot be used. The message starts with the field path so an operator can fix
 * the document without reading code, e.g. {@code metrics[2].direction: must be one of up, down,
 * both}.
 */
public final class ConfigException extends Exception {

  private static final long serialVersionUID = 1L;

  private static final int MAX_FIELD_CHARS = 200;
  private static final int MAX_PROBLEM_CHARS = 600;

  private final String field;
  private final String problem;

  /**
   * @param field the path of the offending field ({@code window.minCoverage}, {@code
   *     metrics[2].name}); empty when the whole document is at fault (unreadable, not YAML)
   * @param problem what is wrong, without the field name
   */
  public ConfigException(String field, String problem) {
    this(field, problem, null);
  }

  public ConfigException(String field, String problem, Throwable cause) {
    // A document may carry a 1 MB key or value that the problem quotes: the message stays a line.
    super(
        field == null || field.isEmpty()
            ? LogValues.truncate(problem, MAX_PROBLEM_CHARS)
            : LogValues.truncate(field, MAX_FIELD_CHARS)
                + ": "
                + LogValues.truncate(problem, MAX_PROBLEM_CHARS),
        cause);
    this.field = Objects.requireNonNullElse(field, "");
    this.problem = LogValues.truncate(problem, MAX_PROBLEM_CHARS);
  }

  /**
   * Path of the offending field, e.g. {@code metrics[2].direction}; empty for the whole document.
   */
  public String field() {
    return field;
  }

  /** What is wrong, without the field (bounded like the message). */
  public String problem() {
    return problem;
  }
}
