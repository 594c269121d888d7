package io.rollguard.source;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/**
 * Persists the source's acked offset (the newest step whose samples are all acknowledged) in Redis,
 * so a restarted pod — which loses its memory and may land on another node — resumes after it.
 *
 * <p>Key: {@code <prefix>source:offset:<pipeline>:<vertex>:<partition>}, value: the step's epoch ms
 * as decimal text, with a TTL refreshed on every save (a source that stays down longer than the TTL
 * starts again at the newest step, like a first start).
 */
public final class AckedOffsetStore {

  private final UnifiedJedis redis;
  private final String key;
  private final Duration ttl;

  public AckedOffsetStore(UnifiedJedis redis, String key, Duration ttl) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.key = Objects.requireNonNull(key, "key");
    this.ttl = Objects.requireNonNull(ttl, "ttl");
  }

  public static String key(String prefix, String pipeline, String vertex, int partition) {
    return prefix + "source:offset:" + pipeline + ":" + vertex + ":" + partition;
  }

  public String key() {
    return key;
  }

  /**
   * The saved offset, if any.
   *
   * @throws redis.clients.jedis.exceptions.JedisException when Redis cannot be reached: the source
   *     must not guess where to resume
   * @throws IllegalStateException when the stored value is not a number
   */
  public OptionalLong load() {
    String value = redis.get(key);
    if (value == null) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(value));
    } catch (NumberFormatException e) {
      throw new IllegalStateException(
          "Redis key " + key + " holds '" + value + "', not a step timestamp", e);
    }
  }

  /** Saves {@code stepMillis}; throws {@code JedisException} when Redis cannot be reached. */
  public void save(long stepMillis) {
    redis.set(key, Long.toString(stepMillis), SetParams.setParams().px(ttl.toMillis()));
  }
}
