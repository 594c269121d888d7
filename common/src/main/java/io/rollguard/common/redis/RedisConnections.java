package io.rollguard.common.redis;

import io.rollguard.common.config.RedisSettings;
import io.rollguard.common.config.Urls;
import io.rollguard.common.prometheus.TlsTrust;
import java.time.Duration;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.SafeEncoder;

/**
 * Opens a pooled Jedis client from {@link RedisSettings}.
 *
 * <p>Reconnection: the pool tests a connection when it is borrowed and when idle, and drops broken
 * ones, so after a Redis restart the next command gets a fresh connection; the command that hit the
 * broken connection fails with {@code JedisConnectionException}, which callers count and turn into
 * a retry (the sink answers a failure, Numaflow re-sends).
 */
public final class RedisConnections {

  private RedisConnections() {}

  public static JedisPooled open(RedisSettings settings) {
    int timeoutMillis = Math.toIntExact(settings.timeout().toMillis());
    DefaultJedisClientConfig.Builder client =
        DefaultJedisClientConfig.builder()
            .connectionTimeoutMillis(timeoutMillis)
            .socketTimeoutMillis(timeoutMillis)
            .database(settings.database())
            .clientName("rollguard")
            .ssl(settings.useTls());
    if (settings.effectivePassword() != null) {
      client.user(settings.effectiveUsername()).password(settings.effectivePassword());
    }
    if (settings.useTls() && settings.caFile() != null) {
      client.sslSocketFactory(TlsTrust.trustingCaFile(settings.caFile()).getSocketFactory());
    }
    GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
    pool.setMaxTotal(settings.maxConnections());
    pool.setMaxIdle(settings.maxConnections());
    pool.setMinIdle(0);
    pool.setTestOnBorrow(true);
    pool.setTestWhileIdle(true);
    pool.setTimeBetweenEvictionRuns(Duration.ofSeconds(30));
    // Waiting longer than one timeout for a pooled connection only delays the failure response.
    pool.setMaxWait(settings.timeout());
    pool.setJmxEnabled(false);
    return new JedisPooled(pool, new HostAndPort(settings.host(), settings.port()), client.build());
  }

  /**
   * Fails when {@code redis} is a Redis Cluster node: Rollguard's anomaly-store script writes keys
   * of several entities in one call, and a pooled client does not follow cluster redirections, so a
   * cluster would fail record by record instead of at start. An unreachable server is not decided
   * here (the callers count outages and retry).
   *
   * @throws IllegalStateException naming {@code redis.url} when the server runs in cluster mode
   */
  public static void requireStandalone(JedisPooled redis, RedisSettings settings) {
    String info;
    try {
      Object reply = redis.sendCommand(Protocol.Command.INFO, "cluster");
      info = reply instanceof byte[] bytes ? SafeEncoder.encode(bytes) : String.valueOf(reply);
    } catch (JedisException e) {
      return;
    }
    if (info != null && info.contains("cluster_enabled:1")) {
      throw new IllegalStateException(
          "redis.url "
              + Urls.redact(settings.url())
              + " is a Redis Cluster node (cluster_enabled:1): Rollguard needs a standalone Redis"
              + " (a primary with replicas is fine), see docs/anomaly-store.md");
    }
  }
}
