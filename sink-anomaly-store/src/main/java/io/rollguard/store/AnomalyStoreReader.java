package io.rollguard.store;

import io.rollguard.common.payload.AnomalyRecord;
import io.rollguard.common.payload.PayloadCodec;
import io.rollguard.common.payload.PayloadException;
import io.rollguard.common.payload.ScoringKey;
import io.rollguard.common.vertex.RateLimitedLog;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.resps.Tuple;

/**
 * Reads the anomaly store. Every replica reads the same Redis, so every replica answers the same.
 * Records that no longer decode (written by an incompatible version) are skipped and logged. Redis
 * failures are thrown as {@link StoreUnavailableException}; the HTTP layer counts them.
 */
public final class AnomalyStoreReader implements ScoreReader {

  private static final RateLimitedLog LOG =
      RateLimitedLog.perKey(
          LoggerFactory.getLogger(AnomalyStoreReader.class), Duration.ofMinutes(1));

  private final JedisPooled redis;
  private final StoreKeys keys;

  public AnomalyStoreReader(JedisPooled redis, StoreKeys keys) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keys = Objects.requireNonNull(keys, "keys");
  }

  @Override
  public List<AnomalyRecord> latestSince(long sinceMillis) {
    try {
      return readLatestSince(sinceMillis);
    } catch (JedisException e) {
      throw unavailable(e);
    }
  }

  /** Reads only the newest {@code maxKeys} index members: a scrape's cost stays bounded. */
  @Override
  public Latest latestSince(long sinceMillis, int maxKeys) {
    try {
      long fresh = redis.zcount(keys.keysIndex(), (double) sinceMillis, Double.POSITIVE_INFINITY);
      if (fresh <= maxKeys) {
        return new Latest(readLatestSince(sinceMillis), 0);
      }
      List<String> newest =
          redis.zrevrangeByScore(
              keys.keysIndex(), Double.POSITIVE_INFINITY, (double) sinceMillis, 0, maxKeys);
      return new Latest(readLatest(newest, sinceMillis), fresh - newest.size());
    } catch (JedisException e) {
      throw unavailable(e);
    }
  }

  private List<AnomalyRecord> readLatestSince(long sinceMillis) {
    return readLatest(
        redis.zrangeByScore(keys.keysIndex(), (double) sinceMillis, Double.POSITIVE_INFINITY),
        sinceMillis);
  }

  private List<AnomalyRecord> readLatest(List<String> members, long sinceMillis) {
    List<Response<String>> responses = new ArrayList<>(members.size());
    try (Pipeline pipeline = redis.pipelined()) {
      for (String member : members) {
        ScoringKey key = StoreKeys.parseMember(member);
        if (key != null) {
          responses.add(pipeline.hget(keys.latest(key), "record"));
        }
      }
      pipeline.sync();
    }
    List<AnomalyRecord> records = new ArrayList<>(responses.size());
    for (Response<String> response : responses) {
      AnomalyRecord record = decode(response.get());
      // The index may briefly be newer than an expired latest key; the record's own time decides.
      if (record != null && record.timestamp() >= sinceMillis) {
        records.add(record);
      }
    }
    return records;
  }

  @Override
  public List<AnomalyRecord> history(ScoringKey key, long fromMillis, long toMillis) {
    List<String> stored;
    try {
      stored = redis.zrangeByScore(keys.history(key), (double) fromMillis, (double) toMillis);
    } catch (JedisException e) {
      throw unavailable(e);
    }
    List<AnomalyRecord> records = new ArrayList<>();
    for (String json : stored) {
      AnomalyRecord record = decode(json);
      if (record != null) {
        records.add(record);
      }
    }
    return records;
  }

  @Override
  public List<ScoringKey> entityKeysSince(String namespace, String app, long sinceMillis) {
    List<Tuple> tuples;
    try {
      tuples =
          redis.zrevrangeByScoreWithScores(
              keys.entityIndex(namespace, app), Double.POSITIVE_INFINITY, (double) sinceMillis);
    } catch (JedisException e) {
      throw unavailable(e);
    }
    List<ScoringKey> result = new ArrayList<>(tuples.size());
    for (Tuple tuple : tuples) {
      ScoringKey key = StoreKeys.parseEntityMember(namespace, app, tuple.getElement());
      if (key != null) {
        result.add(key);
      }
    }
    return result;
  }

  private static StoreUnavailableException unavailable(JedisException e) {
    return new StoreUnavailableException("Redis: " + e.getMessage(), e);
  }

  private static AnomalyRecord decode(String json) {
    if (json == null) {
      return null;
    }
    try {
      return PayloadCodec.shared()
          .decode(json.getBytes(StandardCharsets.UTF_8), AnomalyRecord.class);
    } catch (PayloadException e) {
      LOG.warn(
          "stored-record", "skipping a stored record that does not decode: {}", e.getMessage());
      return null;
    }
  }
}
