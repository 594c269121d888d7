package io.rollguard.inference.trainer;

import io.rollguard.common.config.EntitySettings;
import io.rollguard.common.config.MetricSpec;
import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.payload.ScoringKey;
import io.rollguard.common.prometheus.PrometheusClient;
import io.rollguard.common.prometheus.PrometheusException;
import io.rollguard.common.prometheus.RangeSeries;
import io.rollguard.common.prometheus.StepGrid;
import io.rollguard.common.registry.EntityId;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads an entity's history from Prometheus with {@code query_range}: every metric's query rendered
 * for the entity ({@link RollguardConfig#queryPlaceholders}), over {@code training.lookback} ending
 * {@code prometheus.ingestionDelay} ago, on the step grid. The {@link PrometheusClient} splits the
 * range into requests below Prometheus' 11 000-points-per-series limit and retries
 * 429/5xx/timeouts; {@link StepGrid#place} re-grids each series (Prometheus omits steps without
 * data), so a gap is NaN, never a shifted value. NaN and ±Inf samples (e.g. a ratio over zero
 * traffic) are missing.
 *
 * <p>One model per entity is trained on all its versions together (mostly the stable one). The
 * queries return one series per scoring key (role, pod-template hash); each row of the history is
 * taken from ONE key, so a row never mixes metrics of two versions: the stable role first, then the
 * key with the most metrics at that step, then the key with the most data overall. Leading and
 * trailing rows without any data (before the app existed) are trimmed.
 */
public final class PrometheusHistorySource implements HistorySource {

  private final PrometheusClient client;
  private final RollguardConfig config;
  private final Clock clock;

  public PrometheusHistorySource(PrometheusClient client, RollguardConfig config, Clock clock) {
    this.client = Objects.requireNonNull(client, "client");
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public History fetch(EntityId entity) throws PrometheusException, InterruptedException {
    Instant end = clock.instant().minus(config.prometheus().ingestionDelay());
    StepGrid grid = StepGrid.aligned(end.minus(config.training().lookback()), end, config.step());
    Map<String, String> placeholders = config.queryPlaceholders(entity.namespace(), entity.app());
    List<MetricSpec> specs = config.metrics();
    int m = specs.size();
    EntitySettings labels = config.entity();
    Map<String, KeySeries> byKey = new LinkedHashMap<>();
    int series = 0;
    int nonFinite = 0;
    for (int j = 0; j < m; j++) {
      List<RangeSeries> answer = client.queryRange(specs.get(j).render(placeholders), grid);
      for (RangeSeries s : answer) {
        String role = labels.roleOf(s.label(labels.roleLabel()));
        String hash = s.label(labels.podTemplateHashLabel());
        if (role == null || hash == null) {
          continue; // not a scoring key of this entity; the source vertex counts such series
        }
        series++;
        for (double v : s.values()) {
          if (!Double.isFinite(v)) {
            nonFinite++;
          }
        }
        KeySeries key =
            byKey.computeIfAbsent(
                role + "/" + hash, k -> new KeySeries(role.equals(ScoringKey.ROLE_STABLE), m));
        key.add(j, grid.place(s));
      }
    }
    return assemble(grid, new ArrayList<>(byKey.values()), m, series, nonFinite);
  }

  /** Picks one key per row (see the class comment) and trims rows without data at both ends. */
  static History assemble(StepGrid grid, List<KeySeries> keys, int m, int series, int nonFinite) {
    for (KeySeries key : keys) {
      key.countObserved();
    }
    int points = grid.points();
    double[][] rows = new double[points][];
    int first = -1;
    int last = -1;
    for (int t = 0; t < points; t++) {
      KeySeries best = null;
      int bestCount = 0;
      for (KeySeries key : keys) {
        int count = key.observedAt(t);
        if (count == 0) {
          continue;
        }
        if (best == null || better(key, count, best, bestCount)) {
          best = key;
          bestCount = count;
        }
      }
      if (best != null) {
        rows[t] = best.row(t);
        if (first < 0) {
          first = t;
        }
        last = t;
      }
    }
    if (first < 0) {
      return History.empty(series, nonFinite);
    }
    int n = last - first + 1;
    long[] timestamps = new long[n];
    double[][] values = new double[n][];
    long finite = 0;
    for (int i = 0; i < n; i++) {
      timestamps[i] = grid.timestampAt(first + i);
      double[] row = rows[first + i];
      if (row == null) {
        row = new double[m];
        Arrays.fill(row, Double.NaN);
      }
      values[i] = row;
      for (double v : row) {
        if (!Double.isNaN(v)) {
          finite++;
        }
      }
    }
    return new History(timestamps, values, finite / (double) ((long) n * m), nonFinite, series);
  }

  private static boolean better(KeySeries a, int aCount, KeySeries b, int bCount) {
    if (a.stable != b.stable) {
      return a.stable;
    }
    if (aCount != bCount) {
      return aCount > bCount;
    }
    return a.totalObserved > b.totalObserved;
  }

  /**
   * One scoring key's values on the grid, NaN where missing. Each metric's column covers only the
   * span between its first and last finite value: over 8 days an entity sees many short-lived
   * versions, and a full-length column per version would cost memory for nothing.
   */
  static final class KeySeries {
    final boolean stable;
    private final int[] offsets;
    private final double[][] columns;
    long totalObserved;

    KeySeries(boolean stable, int m) {
      this.stable = stable;
      this.offsets = new int[m];
      this.columns = new double[m][];
    }

    /** Adds a placed series of metric {@code j}; a value never overwrites an earlier finite one. */
    void add(int j, double[] placed) {
      int first = -1;
      int last = -1;
      for (int t = 0; t < placed.length; t++) {
        if (Double.isFinite(placed[t])) {
          if (first < 0) {
            first = t;
          }
          last = t;
        }
      }
      if (first < 0) {
        return;
      }
      ensureSpan(j, first, last);
      for (int t = first; t <= last; t++) {
        if (Double.isFinite(placed[t]) && Double.isNaN(columns[j][t - offsets[j]])) {
          columns[j][t - offsets[j]] = placed[t];
        }
      }
    }

    /** Sets one value (tests). */
    void put(int j, int t, double value) {
      ensureSpan(j, t, t);
      columns[j][t - offsets[j]] = value;
    }

    private void ensureSpan(int j, int from, int to) {
      double[] old = columns[j];
      if (old != null && from >= offsets[j] && to < offsets[j] + old.length) {
        return;
      }
      int newFrom = old == null ? from : Math.min(from, offsets[j]);
      int newTo = old == null ? to : Math.max(to, offsets[j] + old.length - 1);
      double[] grown = new double[newTo - newFrom + 1];
      Arrays.fill(grown, Double.NaN);
      if (old != null) {
        System.arraycopy(old, 0, grown, offsets[j] - newFrom, old.length);
      }
      columns[j] = grown;
      offsets[j] = newFrom;
    }

    double value(int t, int j) {
      double[] column = columns[j];
      int i = t - offsets[j];
      return column == null || i < 0 || i >= column.length ? Double.NaN : column[i];
    }

    int observedAt(int t) {
      int c = 0;
      for (int j = 0; j < columns.length; j++) {
        if (!Double.isNaN(value(t, j))) {
          c++;
        }
      }
      return c;
    }

    double[] row(int t) {
      double[] row = new double[columns.length];
      for (int j = 0; j < row.length; j++) {
        row[j] = value(t, j);
      }
      return row;
    }

    void countObserved() {
      long c = 0;
      for (double[] column : columns) {
        if (column != null) {
          for (double v : column) {
            if (!Double.isNaN(v)) {
              c++;
            }
          }
        }
      }
      totalObserved = c;
    }
  }
}
