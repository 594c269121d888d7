package io.rollguard.cli.run;

import io.rollguard.cli.scenario.SeriesRows;
import io.rollguard.common.registry.EntityId;
import io.rollguard.inference.trainer.History;
import io.rollguard.inference.trainer.HistorySource;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The trainer's history in the local run: what {@code PrometheusHistorySource} would return for the
 * scenario's entity. The window ends {@code ingestionDelay} before now and reaches back at most
 * {@code lookback}; rows come from the stable role (the stable-only history, then the stable's rows
 * of the canary phase that are already in the past), since the Prometheus source prefers the stable
 * key at every step. Any other entity has no history.
 */
final class ScenarioHistorySource implements HistorySource {

  private final EntityId entity;
  private final List<SeriesRows> stableParts;
  private final Duration lookback;
  private final Duration ingestionDelay;
  private final Clock clock;

  ScenarioHistorySource(
      EntityId entity,
      List<SeriesRows> stableParts,
      Duration lookback,
      Duration ingestionDelay,
      Clock clock) {
    this.entity = Objects.requireNonNull(entity, "entity");
    this.stableParts = List.copyOf(stableParts);
    this.lookback = Objects.requireNonNull(lookback, "lookback");
    this.ingestionDelay = Objects.requireNonNull(ingestionDelay, "ingestionDelay");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public History fetch(EntityId requested) {
    if (!entity.equals(requested)) {
      return History.empty(0, 0);
    }
    long end = clock.millis() - ingestionDelay.toMillis();
    long from = end - lookback.toMillis();
    List<Long> timestamps = new ArrayList<>();
    List<double[]> values = new ArrayList<>();
    long finite = 0;
    int columns = 0;
    for (SeriesRows part : stableParts) {
      columns = part.metrics().size();
      for (int i = 0; i < part.rows(); i++) {
        long ts = part.timestamps()[i];
        if (ts > from && ts <= end) {
          timestamps.add(ts);
          double[] row = part.values()[i].clone();
          values.add(row);
          for (double v : row) {
            if (!Double.isNaN(v)) {
              finite++;
            }
          }
        }
      }
    }
    if (timestamps.isEmpty()) {
      return History.empty(0, 0);
    }
    long[] ts = timestamps.stream().mapToLong(Long::longValue).toArray();
    double coverage = finite / (double) ((long) ts.length * columns);
    return new History(ts, values.toArray(new double[0][]), coverage, 0, 1);
  }
}
