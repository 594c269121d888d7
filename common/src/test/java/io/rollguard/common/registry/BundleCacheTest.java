package io.rollguard.common.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.rollguard.common.config.RedisSettings;
import io.rollguard.common.detect.ModelBundle;
import io.rollguard.common.redis.RedisConnections;
import io.rollguard.testsupport.RedisServer;
import io.rollguard.testsupport.SettableTicker;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/** The cache's outage behaviour against a real redis-server that the test stops and restarts. */
class BundleCacheTest {

  private static final EntityId SHOP = new EntityId("shop", "checkout");
  private static final EntityId OTHER = new EntityId("shop", "payments");

  private final SettableTicker ticker = new SettableTicker();

  @Test
  void servesCachedBundleThroughARegistryOutageAndPicksUpANewVersionAfterwards() throws Exception {
    ModelBundle bundle = Bundles.trained(1);
    try (RedisServer server = RedisServer.start();
        JedisPooled jedis = RedisConnections.open(RedisSettings.of(server.url()))) {
      RedisModelRegistry registry =
          new RedisModelRegistry(jedis, "c:", Duration.ofDays(7), Clock.systemUTC());
      PrometheusRegistry metrics = new PrometheusRegistry();
      // Runnable::run makes background refreshes synchronous, so the test needs no sleeps.
      BundleCache cache =
          new BundleCache(
              registry,
              100,
              Duration.ofMinutes(1),
              Duration.ofHours(1),
              Runnable::run,
              ticker,
              metrics);
      StoredBundle v1 = registry.save(SHOP, bundle);

      assertEquals(v1.version(), cache.latest(SHOP).orElseThrow().version());
      assertTrue(cache.latest(OTHER).isEmpty(), "no model yet");

      server.stop();
      advance(Duration.ofMinutes(2)); // due for refresh: the refresh fails
      assertEquals(
          v1.version(), cache.latest(SHOP).orElseThrow().version(), "stale entry keeps serving");
      assertEquals(v1.version(), cache.pinned(SHOP, v1.version()).orElseThrow().version());
      EntityId unseen = new EntityId("shop", "never-seen");
      assertTrue(
          cache.latest(unseen).isEmpty(), "nothing cached + outage = no bundle, not a crash");
      assertTrue(
          counter(metrics, "rollguard_registry_errors_total", "operation", "load_latest") >= 2);
      assertTrue(
          counter(metrics, "rollguard_bundle_lookups_total", "result", "registry_error") >= 1);

      server.restart();
      StoredBundle v2 = registry.save(SHOP, Bundles.trained(2));
      advance(Duration.ofMinutes(2));
      cache.latest(SHOP); // triggers the (synchronous) refresh, still answers the old value
      assertEquals(v2.version(), cache.latest(SHOP).orElseThrow().version());
    }
  }

  @Test
  void evictsIdleEntitiesAndBoundsSize() throws Exception {
    ModelBundle bundle = Bundles.trained(1);
    try (RedisServer server = RedisServer.start();
        JedisPooled jedis = RedisConnections.open(RedisSettings.of(server.url()))) {
      RedisModelRegistry registry =
          new RedisModelRegistry(jedis, "e:", Duration.ofDays(7), Clock.systemUTC());
      BundleCache cache =
          new BundleCache(
              registry,
              2,
              Duration.ofMinutes(1),
              Duration.ofMinutes(10),
              Runnable::run,
              ticker,
              new PrometheusRegistry());
      for (int i = 0; i < 5; i++) {
        EntityId entity = new EntityId("ns", "app-" + i);
        registry.save(entity, bundle);
        assertTrue(cache.latest(entity).isPresent());
      }
      assertTrue(cache.size() <= 5);
      advance(Duration.ofMinutes(11));
      assertTrue(cache.size() <= 2, "bounded by maxSize once maintenance runs");
    }
  }

  private void advance(Duration by) {
    ticker.advance(by);
  }

  private static double counter(
      PrometheusRegistry metrics, String name, String label, String value) {
    return metrics.scrape().stream()
        .filter(s -> s.getMetadata().getPrometheusName().equals(name.replace("_total", "")))
        .flatMap(s -> ((CounterSnapshot) s).getDataPoints().stream())
        .filter(d -> value.equals(d.getLabels().get(label)))
        .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
        .sum();
  }
}
