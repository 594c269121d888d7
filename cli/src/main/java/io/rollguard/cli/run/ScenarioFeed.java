package io.rollguard.cli.run;

import io.rollguard.cli.scenario.SeriesRows;
import io.rollguard.common.payload.PayloadCodec;
import io.rollguard.common.payload.Sample;
import io.rollguard.common.payload.ScoringKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The source vertex of the local pipeline: per step, one {@link Sample} message per scoring key, as
 * source-prometheus emits them (keys = the scoring key, value = the sample's JSON with every
 * configured metric, {@code null} where the series has no value, event time = sample time).
 */
final class ScenarioFeed {

  private final ScoringKey stableKey;
  private final ScoringKey canaryKey;
  private final SeriesRows stable;
  private final SeriesRows canary;
  private final PayloadCodec codec = PayloadCodec.shared();

  ScenarioFeed(ScoringKey stableKey, ScoringKey canaryKey, SeriesRows stable, SeriesRows canary) {
    this.stableKey = Objects.requireNonNull(stableKey, "stableKey");
    this.canaryKey = Objects.requireNonNull(canaryKey, "canaryKey");
    this.stable = Objects.requireNonNull(stable, "stable");
    this.canary = Objects.requireNonNull(canary, "canary");
    if (stable.rows() != canary.rows()) {
      throw new IllegalArgumentException("stable and canary must have the same steps");
    }
  }

  int steps() {
    return stable.rows();
  }

  long timestampOf(int step) {
    return stable.timestamps()[step];
  }

  /** The messages of step {@code step}: the stable's sample, then the canary's. */
  List<LocalMessage> messagesAt(int step) {
    return List.of(message(stableKey, stable, step), message(canaryKey, canary, step));
  }

  private LocalMessage message(ScoringKey key, SeriesRows rows, int step) {
    Map<String, Double> values = new LinkedHashMap<>();
    double[] row = rows.values()[step];
    for (int j = 0; j < row.length; j++) {
      values.put(rows.metrics().get(j), Double.isNaN(row[j]) ? null : row[j]);
    }
    long ts = rows.timestamps()[step];
    Sample sample = new Sample(Sample.SCHEMA_VERSION, key, ts, values);
    return new LocalMessage(key.toKeys(), codec.encode(sample), null, ts);
  }
}
