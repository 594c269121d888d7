package io.rollguard.cli.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.cli.bench.ScoringPipeline;
import io.rollguard.common.config.RedisSettings;
import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.payload.AnomalyRecord;
import io.rollguard.common.payload.ScoringKey;
import io.rollguard.common.redis.RedisConnections;
import io.rollguard.common.registry.BundleCache;
import io.rollguard.common.registry.EntityId;
import io.rollguard.common.registry.RedisModelRegistry;
import io.rollguard.common.registry.StoredBundle;
import io.rollguard.inference.Inferencer;
import io.rollguard.inference.trainer.HistorySource;
import io.rollguard.inference.trainer.RedisTrainingGuard;
import io.rollguard.inference.trainer.TrainerMetrics;
import io.rollguard.inference.trainer.TrainingOutcome;
import io.rollguard.inference.trainer.TrainingService;
import io.rollguard.testsupport.RedisServer;
import io.rollguard.testsupport.ScoringFixtures;
import io.rollguard.testsupport.ServiceSeries;
import io.rollguard.testsupport.SettableTicker;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.JedisPooled;

/**
 * Redis goes away mid-stream: scoring keeps going (cached bundles keep serving, an entity without a
 * cached bundle is scored by the fallback), and the trainer reports the outage instead of crashing.
 */
@Timeout(60)
class RedisOutageTest {

  static final ScoringKey TRAINED = new ScoringKey("shop", "checkout", "stable", "s1");
  static final ScoringKey UNTRAINED = new ScoringKey("shop", "cart", "stable", "c1");

  @TempDir Path dir;

  @Test
  void scoringSurvivesARegistryOutageAndTheTrainerReportsIt() throws Exception {
    RollguardConfig config = ScoringFixtures.config(dir, "http://127.0.0.1:9");
    ServiceSeries live = ScoringFixtures.history(41, Instant.parse("2026-01-12T00:00:00Z"), 60);
    try (RedisServer redis = RedisServer.start();
        JedisPooled jedis = RedisConnections.open(RedisSettings.of(redis.url()))) {
      RedisModelRegistry registry =
          new RedisModelRegistry(jedis, "rg:", Duration.ofDays(7), Clock.systemUTC());
      StoredBundle saved =
          registry.save(EntityId.of(TRAINED), ScoringFixtures.trainedBundle(config, 43));
      SettableTicker ticker = new SettableTicker();
      PrometheusRegistry cacheMetrics = new PrometheusRegistry();
      BundleCache cache = ScoringFixtures.cache(registry, ticker, cacheMetrics);
      ScoringPipeline pipeline = ScoringPipeline.create(config, cache, Clock.systemUTC());
      assertEquals(
          AnomalyRecord.Source.MODEL,
          pipeline.score(ScoringFixtures.window(TRAINED, live, 20)).record().source());

      redis.stop();
      double failedReloads = 0;
      for (int i = 0; i < 5; i++) {
        // Past the cache's refresh: the next access reloads (on this thread) and the reload fails.
        ticker.advance(ScoringFixtures.CACHE_REFRESH.plusMillis(1));
        ScoringPipeline.Result r = pipeline.score(ScoringFixtures.window(TRAINED, live, 21 + i));
        assertEquals(
            AnomalyRecord.Source.MODEL, r.record().source(), "the cached bundle keeps serving");
        assertEquals(saved.version().id(), r.record().modelVersion());
        double failedNow =
            ScoringFixtures.counter(
                cacheMetrics, "rollguard_registry_errors_total", "operation", "load_latest");
        assertTrue(failedNow > failedReloads, "a reload was tried and failed");
        failedReloads = failedNow;
      }
      ScoringPipeline.Result untrained =
          pipeline.score(ScoringFixtures.window(UNTRAINED, live, 30));
      assertEquals(Inferencer.FALLBACK_NO_MODEL, untrained.path());
      assertNotNull(untrained.record(), "still scored, by the fallback");

      PrometheusRegistry metrics = new PrometheusRegistry();
      HistorySource unused =
          entity -> {
            throw new AssertionError("no history is fetched without a lease");
          };
      try (TrainingService trainer =
          new TrainingService(
              config,
              registry,
              unused,
              new RedisTrainingGuard(jedis, "rg:", "pod-a"),
              Clock.systemUTC(),
              new TrainerMetrics(metrics))) {
        assertEquals(TrainingOutcome.FAILED_LEASE, trainer.trainNow(EntityId.of(UNTRAINED)));
      }
      assertEquals(
          1, ScoringFixtures.counter(metrics, TrainerMetrics.REQUESTS, "outcome", "failed_lease"));
    }
  }
}
