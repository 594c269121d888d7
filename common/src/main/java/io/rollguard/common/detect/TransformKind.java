package io.rollguard.common.detect;

/**
 * The value transform applied to a metric before robust scaling. {@link #LOG1P} suits heavy-tailed,
 * non-negative metrics (request counts, latencies in ms, queue lengths): it turns multiplicative
 * swings into additive ones so one busy hour does not dominate the scale.
 */
public enum TransformKind {
  NONE,
  LOG1P
}
