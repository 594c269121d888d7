package io.rollguard.inference.trainer;

import io.rollguard.common.prometheus.PrometheusException;
import io.rollguard.common.registry.EntityId;

/** Where the trainer gets an entity's history from (Prometheus in production). */
public interface HistorySource {

  /**
   * Up to {@code training.lookback} of the entity's history.
   *
   * @throws PrometheusException when the history cannot be read (after the client's retries)
   */
  History fetch(EntityId entity) throws PrometheusException, InterruptedException;
}
