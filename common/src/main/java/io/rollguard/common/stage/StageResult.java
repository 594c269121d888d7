package io.rollguard.common.stage;

import java.util.Objects;

/**
 * What one scoring stage did with one input: produced a value, with an outcome label for the
 * vertex's counter, or rejected the input with a reason and a message that names the problem.
 */
public sealed interface StageResult<T> {

  /** The counter label of this result, e.g. {@code model} or {@code rejected_metric_mismatch}. */
  String outcomeLabel();

  record Accepted<T>(T value, String outcomeLabel) implements StageResult<T> {
    public Accepted {
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(outcomeLabel, "outcomeLabel");
    }
  }

  record Rejected<T>(Rejection reason, String detail) implements StageResult<T> {
    public Rejected {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }

    @Override
    public String outcomeLabel() {
      return reason.outcomeLabel();
    }

    /** The same rejection, typed for another stage's result. */
    public <U> Rejected<U> retype() {
      return new Rejected<>(reason, detail);
    }
  }

  static <T> StageResult<T> accepted(T value, String outcomeLabel) {
    return new Accepted<>(value, outcomeLabel);
  }

  static <T> StageResult<T> rejected(Rejection reason, String detail) {
    return new Rejected<>(reason, detail);
  }
}
