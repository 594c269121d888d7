package io.rollguard.store;

import io.rollguard.common.payload.AnomalyRecord;
import java.util.List;

/**
 * The write side of the anomaly store, as {@link AnomalyStoreSink} needs it. Implemented on Redis
 * by {@link AnomalyStoreWriter} and in memory by {@link InMemoryAnomalyStore}. Both follow the same
 * rules: the latest record of a key is only replaced by one that is not older, the history holds
 * one record per timestamp (a re-sent timestamp replaces it) and is bounded, so writes are
 * idempotent.
 */
public interface ScoreWriter {

  /** The outcome of one record: written, or the reason it was not. */
  record Outcome(boolean written, String error) {
    static final Outcome WRITTEN = new Outcome(true, null);

    static Outcome failed(String error) {
      return new Outcome(false, error);
    }
  }

  /**
   * Writes {@code records}; never throws for an unavailable store (those records are answered
   * failed, so Numaflow retries them).
   *
   * @return one outcome per record, in order
   */
  List<Outcome> write(List<AnomalyRecord> records);
}
