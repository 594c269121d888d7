package io.rollguard.common.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rollguard.common.config.RedisSettings;
import io.rollguard.common.detect.ModelBundle;
import io.rollguard.common.redis.RedisConnections;
import io.rollguard.testsupport.Poll;
import io.rollguard.testsupport.RedisServer;
import io.rollguard.testsupport.SettableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/** Against a real redis-server. */
class RedisModelRegistryTest {

  private static final EntityId SHOP = new EntityId("shop", "checkout");
  private static RedisServer server;
  private static JedisPooled jedis;
  private static ModelBundle bundle;

  @BeforeAll
  static void start() {
    server = RedisServer.start();
    jedis = RedisConnections.open(RedisSettings.of(server.url()));
    bundle = Bundles.trained(1);
  }

  @AfterAll
  static void stop() {
    jedis.close();
    server.close();
  }

  @Test
  void saveThenLoadLatestAndPinned() throws Exception {
    RedisModelRegistry registry =
        new RedisModelRegistry(jedis, "t1:", Duration.ofDays(7), Clock.systemUTC());
    StoredBundle first = registry.save(SHOP, bundle);
    StoredBundle second = registry.save(SHOP, Bundles.trained(2));

    assertEquals(second.version(), registry.loadLatest(SHOP).orElseThrow().version());
    assertEquals(first.version(), registry.load(SHOP, first.version()).orElseThrow().version());
    assertTrue(registry.loadLatest(new EntityId("shop", "unknown")).isEmpty());
  }

  /**
   * Listing for operators: entities by their latest pointer, versions oldest first; SCAN, not KEYS.
   */
  @Test
  void listsEntitiesAndTheirVersions() throws Exception {
    // A prefix with glob characters must match only itself.
    // Version ids carry their save time: the second save is a second later, so it sorts last.
    SettableClock clock = new SettableClock(Instant.parse("2026-03-01T12:00:00Z"));
    RedisModelRegistry registry =
        new RedisModelRegistry(jedis, "tx*[3]:", Duration.ofDays(7), clock);
    RedisModelRegistry other =
        new RedisModelRegistry(jedis, "tx3:", Duration.ofDays(7), Clock.systemUTC());
    EntityId cart = new EntityId("shop", "cart");
    StoredBundle first = registry.save(SHOP, bundle);
    clock.advance(Duration.ofSeconds(1));
    StoredBundle second = registry.save(SHOP, Bundles.trained(2));
    registry.save(cart, bundle);
    other.save(new EntityId("elsewhere", "app"), bundle);

    assertEquals(List.of(cart, SHOP), registry.entities());
    assertEquals(List.of(first.version(), second.version()), registry.versions(SHOP));
    assertEquals(List.of(), registry.versions(new EntityId("shop", "unknown")));
    assertEquals(List.of(new EntityId("elsewhere", "app")), other.entities());
  }

  @Test
  void latestAndVersionCarryTheSameTtlAndExpireTogether() throws Exception {
    RedisModelRegistry registry =
        new RedisModelRegistry(jedis, "t2:", Duration.ofMillis(500), Clock.systemUTC());
    StoredBundle saved = registry.save(SHOP, bundle);

    long versionTtl = jedis.pttl(registry.versionKey(SHOP, saved.version()));
    long latestTtl = jedis.pttl(registry.latestKey(SHOP));
    assertTrue(versionTtl > 0 && latestTtl > 0, "both keys have a TTL");
    assertTrue(latestTtl <= versionTtl, "latest never outlives its version");

    // Real time: the keys expire on the Redis server's clock (PX), which no test can advance.
    Poll.until(
        "the latest pointer expired",
        Duration.ofSeconds(10),
        () -> !jedis.exists(registry.latestKey(SHOP)));
    assertTrue(registry.loadLatest(SHOP).isEmpty());
    assertFalse(jedis.exists(registry.versionKey(SHOP, saved.version())), "expired together");
  }

  @Test
  void corruptBundleInRedisIsRejected() throws Exception {
    RedisModelRegistry registry =
        new RedisModelRegistry(jedis, "t3:", Duration.ofDays(7), Clock.systemUTC());
    StoredBundle saved = registry.save(SHOP, bundle);
    byte[] key = registry.versionKey(SHOP, saved.version());
    byte[] bytes = jedis.get(key);
    bytes[bytes.length - 3] ^= 0x01;
    jedis.set(key, bytes);

    RegistryException e = assertThrows(RegistryException.class, () -> registry.loadLatest(SHOP));
    assertTrue(e.getMessage().contains("rejected"), e.getMessage());
  }
}
