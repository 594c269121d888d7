package io.rollguard.window;

import java.util.Locale;

/** Why a window was not emitted. A bounded set: it is a metric label value. */
public enum DropReason {
  /**
   * Not a single observed value in the window (no samples, or all missing or outside the window).
   */
  EMPTY,
  /** Some values, but the share of covered (observed or filled) cells is below the minimum. */
  LOW_COVERAGE,
  /**
   * The window Numaflow handed over does not fit the configured grid (length is not {@code
   * lengthSteps * step}, or the start is not on the step grid): the pipeline's {@code
   * groupBy.window.sliding} and Rollguard's {@code window} settings disagree.
   */
  WINDOW_MISMATCH;

  /** The metric label value, e.g. {@code dropped_low_coverage}. */
  public String outcomeLabel() {
    return "dropped_" + name().toLowerCase(Locale.ROOT);
  }
}
