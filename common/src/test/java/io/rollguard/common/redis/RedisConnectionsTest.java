package io.rollguard.common.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rollguard.common.config.RedisSettings;
import io.rollguard.common.config.Secret;
import io.rollguard.testsupport.RedisServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

class RedisConnectionsTest {

  @Test
  void connectsWithPasswordAndRefusesAWrongOne() {
    try (RedisServer redis = RedisServer.start("pa55")) {
      RedisSettings good =
          new RedisSettings(
              redis.url().toString(),
              null,
              new Secret("pa55"),
              false,
              null,
              Duration.ofSeconds(2),
              "rg:",
              4);
      try (JedisPooled jedis = RedisConnections.open(good)) {
        jedis.set("k", "v");
        assertEquals("v", jedis.get("k"));
      }
      RedisSettings bad =
          new RedisSettings(
              redis.url().toString(),
              null,
              new Secret("wrong"),
              false,
              null,
              Duration.ofSeconds(2),
              "rg:",
              4);
      try (JedisPooled jedis = RedisConnections.open(bad)) {
        RuntimeException e = assertThrows(RuntimeException.class, () -> jedis.get("k"));
        assertTrue(
            e instanceof JedisDataException
                || e.getCause() instanceof JedisDataException
                || String.valueOf(e.getMessage()).contains("WRONGPASS"),
            e.toString());
      }
    }
  }

  @Test
  void reconnectsAfterARestart() {
    try (RedisServer redis = RedisServer.start();
        JedisPooled jedis = RedisConnections.open(RedisSettings.of(redis.url()))) {
      jedis.set("a", "1");
      redis.stop();
      assertThrows(JedisConnectionException.class, () -> jedis.get("a"));
      redis.restart();
      assertNull(jedis.get("a"), "nothing is persisted across the restart");
      jedis.set("a", "2");
      assertEquals("2", jedis.get("a"));
    }
  }

  @Test
  void connectsOverTlsTrustingTheCaFile() {
    try (RedisServer redis = RedisServer.startTls()) {
      RedisSettings settings =
          new RedisSettings(
              redis.url().toString(),
              null,
              null,
              false,
              redis.certificate().certFile(),
              Duration.ofSeconds(2),
              "rg:",
              2);
      assertTrue(settings.useTls());
      try (JedisPooled jedis = RedisConnections.open(settings)) {
        jedis.set("tls", "yes");
        assertEquals("yes", jedis.get("tls"));
      }
      RedisSettings plain =
          new RedisSettings(
              "redis://127.0.0.1:" + redis.port(),
              null,
              null,
              false,
              null,
              Duration.ofSeconds(1),
              "rg:",
              2);
      try (JedisPooled jedis = RedisConnections.open(plain)) {
        assertThrows(JedisConnectionException.class, () -> jedis.get("tls"));
      }
    }
  }

  @Test
  void settingsParseUrlCredentialsDatabaseAndTls() {
    RedisSettings s = RedisSettings.of("rediss://bob:pw@redis.svc:6380/3");
    assertTrue(s.useTls());
    assertEquals(6380, s.port());
    assertEquals(3, s.database());
    assertEquals("bob", s.effectiveUsername());
    assertEquals("pw", s.effectivePassword());
    assertFalse(s.toString().contains("pw@"), s.toString());
    RedisSettings plain = RedisSettings.of("redis://redis.svc");
    assertFalse(plain.useTls());
    assertEquals(6379, plain.port());
    assertEquals(0, plain.database());
    assertNull(plain.effectivePassword());
    assertThrows(IllegalArgumentException.class, () -> RedisSettings.of("http://redis.svc:6379"));
  }

  @Test
  void aRedisClusterNodeIsRefusedAtStartNamingTheUrlAndAStandaloneOneIsAccepted() {
    try (RedisServer cluster =
            RedisServer.startWith(
                "--cluster-enabled", "yes", "--cluster-config-file", "nodes-test.conf");
        JedisPooled jedis = RedisConnections.open(RedisSettings.of(cluster.url()))) {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () -> RedisConnections.requireStandalone(jedis, RedisSettings.of(cluster.url())));
      assertTrue(e.getMessage().contains("redis.url"), e.getMessage());
      assertTrue(e.getMessage().contains("Redis Cluster"), e.getMessage());
    }
    try (RedisServer standalone = RedisServer.start();
        JedisPooled jedis = RedisConnections.open(RedisSettings.of(standalone.url()))) {
      RedisConnections.requireStandalone(jedis, RedisSettings.of(standalone.url()));
    }
  }
}
