package io.rollguard.store;

import io.rollguard.common.payload.AnomalyRecord;
import io.rollguard.common.payload.ScoringKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The anomaly store in one process's memory, for the local runner ({@code rollguard run}): the same
 * rules as the Redis layout of {@code docs/anomaly-store.md}, so the HTTP API answers the same.
 *
 * <ul>
 *   <li>latest per key, replaced only by a record with a timestamp {@code >=} the stored one;
 *   <li>history per key, one record per timestamp (a re-sent timestamp replaces it), trimmed to the
 *       newest {@code historyLength};
 *   <li>a key whose last write is more than {@code historyTtl} ago (by {@code clock}) is forgotten,
 *       like Redis' TTL refreshed on every write.
 * </ul>
 *
 * Writes always succeed (there is no backend to lose) and reads never throw. Thread-safe: one lock,
 * since the writer and the HTTP threads touch a few hundred keys at most in local mode.
 */
public final class InMemoryAnomalyStore implements ScoreReader, ScoreWriter {

  private static final class KeyState {
    AnomalyRecord latest;
    final TreeMap<Long, AnomalyRecord> history = new TreeMap<>();
    long newestTimestamp = Long.MIN_VALUE;
    long lastWriteMillis;
  }

  private final int historyLength;
  private final Duration historyTtl;
  private final Clock clock;
  private final Map<ScoringKey, KeyState> keys = new HashMap<>();

  /**
   * Keys by entity ({@code namespace/app}), like Redis' entity index: a verdict reads one entity.
   */
  private final Map<String, Set<ScoringKey>> byEntity = new HashMap<>();

  public InMemoryAnomalyStore(int historyLength, Duration historyTtl, Clock clock) {
    if (historyLength < 1) {
      throw new IllegalArgumentException("store.historyLength must be >= 1, got " + historyLength);
    }
    if (historyTtl.toMillis() <= 0) {
      throw new IllegalArgumentException("store.historyTtl must be > 0, got " + historyTtl);
    }
    this.historyLength = historyLength;
    this.historyTtl = historyTtl;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public synchronized List<Outcome> write(List<AnomalyRecord> records) {
    long now = clock.millis();
    List<Outcome> outcomes = new ArrayList<>(records.size());
    for (AnomalyRecord record : records) {
      KeyState state =
          keys.computeIfAbsent(
              record.key(),
              k -> {
                byEntity
                    .computeIfAbsent(entity(k.namespace(), k.app()), e -> new HashSet<>())
                    .add(k);
                return new KeyState();
              });
      if (state.latest == null || state.latest.timestamp() <= record.timestamp()) {
        state.latest = record;
      }
      state.history.put(record.timestamp(), record);
      while (state.history.size() > historyLength) {
        state.history.pollFirstEntry();
      }
      state.newestTimestamp = Math.max(state.newestTimestamp, record.timestamp());
      state.lastWriteMillis = now;
      outcomes.add(Outcome.WRITTEN);
    }
    expire(now);
    return outcomes;
  }

  @Override
  public synchronized List<AnomalyRecord> latestSince(long sinceMillis) {
    List<AnomalyRecord> result = new ArrayList<>();
    for (KeyState state : keys.values()) {
      if (state.latest != null && state.latest.timestamp() >= sinceMillis) {
        result.add(state.latest);
      }
    }
    // Redis answers in index order; a stable order keeps /metrics output reproducible.
    result.sort(Comparator.comparing((AnomalyRecord r) -> r.key().toString()));
    return result;
  }

  @Override
  public synchronized List<AnomalyRecord> history(ScoringKey key, long fromMillis, long toMillis) {
    KeyState state = keys.get(key);
    if (state == null || fromMillis > toMillis) {
      return List.of();
    }
    return new ArrayList<>(state.history.subMap(fromMillis, true, toMillis, true).values());
  }

  @Override
  public synchronized List<ScoringKey> entityKeysSince(
      String namespace, String app, long sinceMillis) {
    List<Map.Entry<ScoringKey, KeyState>> matching = new ArrayList<>();
    for (ScoringKey k : byEntity.getOrDefault(entity(namespace, app), Set.of())) {
      KeyState state = keys.get(k);
      if (state.newestTimestamp >= sinceMillis) {
        matching.add(Map.entry(k, state));
      }
    }
    matching.sort(
        Comparator.comparingLong(
                (Map.Entry<ScoringKey, KeyState> e) -> e.getValue().newestTimestamp)
            .reversed()
            .thenComparing(e -> e.getKey().toString()));
    List<ScoringKey> result = new ArrayList<>(matching.size());
    matching.forEach(e -> result.add(e.getKey()));
    return result;
  }

  /** The entity index key; '/' cannot be confused because the two parts are length-prefixed. */
  private static String entity(String namespace, String app) {
    return namespace.length() + ":" + namespace + "/" + app;
  }

  private void expire(long now) {
    long oldest = now - historyTtl.toMillis();
    for (Iterator<Map.Entry<ScoringKey, KeyState>> it = keys.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<ScoringKey, KeyState> e = it.next();
      if (e.getValue().lastWriteMillis < oldest) {
        it.remove();
        String entity = entity(e.getKey().namespace(), e.getKey().app());
        Set<ScoringKey> ofEntity = byEntity.get(entity);
        ofEntity.remove(e.getKey());
        if (ofEntity.isEmpty()) {
          byEntity.remove(entity);
        }
      }
    }
  }
}
