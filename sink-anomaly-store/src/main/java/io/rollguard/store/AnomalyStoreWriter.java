package io.rollguard.store;

import io.rollguard.common.payload.AnomalyRecord;
import io.rollguard.common.payload.PayloadCodec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Writes anomaly records to Redis, one pipelined round trip per chunk.
 *
 * <p>Each record is one Lua script call, so a record's keys are updated together or not at all: the
 * latest record (only if not older than the stored one, so a retried or late record never replaces
 * a newer score), the history (one entry per timestamp, trimmed to {@code historyLength}), and both
 * indexes (scores only move forward). Every key gets its TTL on every write. Writes are idempotent,
 * so a record Numaflow re-sends after a failure is harmless.
 */
public final class AnomalyStoreWriter implements ScoreWriter {

  static final String WRITE_SCRIPT =
      """
      local ts = tonumber(ARGV[1])
      local current = redis.call('HGET', KEYS[1], 'ts')
      if (not current) or tonumber(current) <= ts then
        redis.call('HSET', KEYS[1], 'ts', ARGV[1], 'record', ARGV[2])
      end
      redis.call('PEXPIRE', KEYS[1], ARGV[3])
      redis.call('ZREMRANGEBYSCORE', KEYS[2], ts, ts)
      redis.call('ZADD', KEYS[2], ts, ARGV[2])
      redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(tonumber(ARGV[4]) + 1))
      redis.call('PEXPIRE', KEYS[2], ARGV[3])
      redis.call('ZADD', KEYS[3], 'GT', ts, ARGV[5])
      redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[7])
      redis.call('PEXPIRE', KEYS[3], ARGV[3])
      redis.call('ZADD', KEYS[4], 'GT', ts, ARGV[6])
      redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', '(' .. ARGV[7])
      redis.call('PEXPIRE', KEYS[4], ARGV[3])
      return 1""";

  private final JedisPooled redis;
  private final StoreKeys keys;
  private final int historyLength;
  private final Duration historyTtl;
  private final Clock clock;
  private final StoreMetrics metrics;

  public AnomalyStoreWriter(
      JedisPooled redis,
      StoreKeys keys,
      int historyLength,
      Duration historyTtl,
      Clock clock,
      StoreMetrics metrics) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keys = Objects.requireNonNull(keys, "keys");
    if (historyLength < 1) {
      throw new IllegalArgumentException("store.historyLength must be >= 1, got " + historyLength);
    }
    if (historyTtl.toMillis() <= 0) {
      throw new IllegalArgumentException("store.historyTtl must be > 0, got " + historyTtl);
    }
    this.historyLength = historyLength;
    this.historyTtl = historyTtl;
    this.clock = clock;
    this.metrics = metrics;
  }

  /**
   * Writes {@code records} in one pipeline. A lost connection is retried once on a fresh pooled
   * connection (the pool drops the broken one); if that fails too, every record of the chunk is
   * reported failed: the pipeline may have applied some of them, which is harmless because writes
   * are idempotent and Numaflow re-sends the failed ones.
   *
   * @return one outcome per record, in order
   */
  @Override
  public List<Outcome> write(List<AnomalyRecord> records) {
    if (records.isEmpty()) {
      return List.of();
    }
    long began = System.nanoTime();
    try {
      try {
        return writeOnce(records);
      } catch (JedisConnectionException first) {
        metrics.redisConnectionErrors.inc();
        try {
          return writeOnce(records);
        } catch (JedisConnectionException second) {
          metrics.redisConnectionErrors.inc();
          return allFailed(records.size(), "Redis unavailable: " + second.getMessage());
        }
      } catch (JedisException e) {
        return allFailed(records.size(), "Redis error: " + e.getMessage());
      }
    } finally {
      metrics.writeSeconds.observe((System.nanoTime() - began) / 1e9);
    }
  }

  private List<Outcome> writeOnce(List<AnomalyRecord> records) {
    String ttl = Long.toString(historyTtl.toMillis());
    String length = Integer.toString(historyLength);
    String pruneBefore = Long.toString(clock.millis() - historyTtl.toMillis());
    List<Response<Object>> responses = new ArrayList<>(records.size());
    try (Pipeline pipeline = redis.pipelined()) {
      for (AnomalyRecord record : records) {
        String json = new String(PayloadCodec.shared().encode(record), StandardCharsets.UTF_8);
        responses.add(
            pipeline.eval(
                WRITE_SCRIPT,
                List.of(
                    keys.latest(record.key()),
                    keys.history(record.key()),
                    keys.keysIndex(),
                    keys.entityIndex(record.key().namespace(), record.key().app())),
                List.of(
                    Long.toString(record.timestamp()),
                    json,
                    ttl,
                    length,
                    StoreKeys.member(record.key()),
                    StoreKeys.entityMember(record.key()),
                    pruneBefore)));
      }
      pipeline.sync();
    }
    List<Outcome> outcomes = new ArrayList<>(records.size());
    for (Response<Object> response : responses) {
      try {
        response.get();
        outcomes.add(Outcome.WRITTEN);
      } catch (JedisConnectionException e) {
        throw e;
      } catch (JedisException e) {
        outcomes.add(Outcome.failed("Redis rejected the write: " + e.getMessage()));
      }
    }
    return outcomes;
  }

  private static List<Outcome> allFailed(int n, String error) {
    List<Outcome> outcomes = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      outcomes.add(Outcome.failed(error));
    }
    return outcomes;
  }
}
