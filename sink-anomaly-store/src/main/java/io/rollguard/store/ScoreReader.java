package io.rollguard.store;

import io.rollguard.common.payload.AnomalyRecord;
import io.rollguard.common.payload.ScoringKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The read side of the anomaly store, as the HTTP API needs it ({@link AnomalyScoreCollector} for
 * {@code /metrics}, {@link VerdictService} for {@code /api/v1/verdict}). Implemented on Redis by
 * {@link AnomalyStoreReader} (the vertex: every replica reads the same data) and in memory by
 * {@link InMemoryAnomalyStore} (the local runner: one process, no Redis).
 *
 * <p>Every method throws {@link StoreUnavailableException} when the backing store cannot be read,
 * so the HTTP layer answers 503 / exports no scores whatever the backend.
 */
public interface ScoreReader {

  /** The latest record of every key scored at or after {@code sinceMillis} (record time). */
  List<AnomalyRecord> latestSince(long sinceMillis);

  /** Latest records, at most a given number of keys, and how many fresh keys were left out. */
  record Latest(List<AnomalyRecord> records, long omitted) {
    public Latest {
      records = List.copyOf(records);
    }
  }

  /**
   * As {@link #latestSince(long)} for at most {@code maxKeys} keys, the most recently scored first,
   * plus the number of fresh keys left out. Backends override it to read only what is kept.
   */
  default Latest latestSince(long sinceMillis, int maxKeys) {
    List<AnomalyRecord> all = latestSince(sinceMillis);
    if (all.size() <= maxKeys) {
      return new Latest(all, 0);
    }
    List<AnomalyRecord> newestFirst = new ArrayList<>(all);
    newestFirst.sort(
        Comparator.comparingLong(AnomalyRecord::timestamp)
            .reversed()
            .thenComparing(r -> r.key().toString()));
    return new Latest(newestFirst.subList(0, maxKeys), all.size() - (long) maxKeys);
  }

  /** The history of {@code key} with timestamps in {@code [fromMillis, toMillis]}, oldest first. */
  List<AnomalyRecord> history(ScoringKey key, long fromMillis, long toMillis);

  /**
   * The keys of entity {@code namespace/app} with a record at or after {@code sinceMillis}, newest
   * first.
   */
  List<ScoringKey> entityKeysSince(String namespace, String app, long sinceMillis);
}
