package io.rollguard.inference.trainer;

import java.util.Locale;

/**
 * What became of one train request. A bounded set: it is the {@code outcome} label of the trainer's
 * counter and duration histogram.
 */
public enum TrainingOutcome {
  /** A bundle was fitted and saved. */
  TRAINED,
  /** The registry already holds a bundle younger than {@code training.retrainEvery}. */
  SKIPPED_FRESH,
  /** Another trainer (replica) holds the entity's lease: it is training right now. */
  SKIPPED_LEASE_HELD,
  /** The entity is backing off after a failed or short-data attempt. */
  SKIPPED_BACKOFF,
  /** This pod is already training (or has queued) the entity. */
  SKIPPED_IN_FLIGHT,
  /** Every training slot and queue place of this pod is taken; inference will ask again. */
  SKIPPED_BUSY,
  /** The history is too short or too sparse ({@code training.minCoverage}); backs off. */
  TOO_LITTLE_DATA,
  /** Prometheus could not answer (after retries) or refused the query; backs off. */
  FAILED_PROMETHEUS,
  /** The bundle could not be saved, or the registry could not be read; backs off. */
  FAILED_REGISTRY,
  /**
   * The lease store (Redis) could not be reached; not trained (no back-off can be written either).
   */
  FAILED_LEASE,
  /** The fit itself failed (a bug or degenerate data); backs off. */
  FAILED_TRAINING;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
