package io.rollguard.cli.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rollguard.common.config.RedisSettings;
import io.rollguard.common.detect.DetectorTrainer;
import io.rollguard.common.detect.Direction;
import io.rollguard.common.detect.MetricDef;
import io.rollguard.common.detect.ModelBundle;
import io.rollguard.common.detect.TrainingOptions;
import io.rollguard.common.detect.TransformKind;
import io.rollguard.common.redis.RedisConnections;
import io.rollguard.common.registry.DirectoryModelRegistry;
import io.rollguard.common.registry.EntityId;
import io.rollguard.common.registry.ModelRegistry;
import io.rollguard.common.registry.RedisModelRegistry;
import io.rollguard.common.registry.StoredBundle;
import io.rollguard.testsupport.RedisServer;
import io.rollguard.testsupport.SettableClock;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rollguard models list|show} on real registries: a real redis-server and a directory, each
 * holding bundles that the trainer's code path produced and the registry saved.
 */
class ModelsCommandTest {

  private static final List<MetricDef> METRICS =
      List.of(
          new MetricDef("latency_p99", 1, Direction.UP, TransformKind.LOG1P),
          new MetricDef("error_ratio", 1, Direction.UP, TransformKind.NONE),
          new MetricDef("request_rate", 0.5, Direction.DOWN, TransformKind.LOG1P));
  private static final EntityId CHECKOUT = new EntityId("shop", "checkout");
  private static final EntityId CART = new EntityId("shop", "cart");
  private static final long HISTORY_START = 1_790_000_000_000L;

  private static RedisServer redis;
  private static ModelBundle bundle;
  private static StoredBundle redisFirst;
  private static StoredBundle redisLatest;

  @BeforeAll
  static void fill() throws Exception {
    bundle = trained(1);
    redis = RedisServer.start();
    // Version ids carry their save time: the second save is a second later, so it sorts last.
    SettableClock clock = new SettableClock(Instant.now());
    try (ModelRegistry registry =
        new RedisModelRegistry(
            RedisConnections.open(RedisSettings.of(redis.url())),
            "rollguard:",
            Duration.ofDays(7),
            clock)) {
      redisFirst = registry.save(CHECKOUT, bundle);
      clock.advance(Duration.ofSeconds(1));
      redisLatest = registry.save(CHECKOUT, trained(2));
      registry.save(CART, bundle);
    }
  }

  @AfterAll
  static void stop() {
    redis.close();
  }

  /**
   * A PCA bundle trained on 2 days of a seeded service (history timestamps give the data range).
   */
  static ModelBundle trained(long seed) {
    Random random = new Random(seed);
    int rows = 2 * 1440;
    double[][] history = new double[rows][METRICS.size()];
    long[] times = new long[rows];
    for (int t = 0; t < rows; t++) {
      double load = 1 + 0.5 * Math.sin(2 * Math.PI * t / 1440.0) + random.nextGaussian() * 0.05;
      history[t][0] = 0.2 + 0.05 * load + random.nextGaussian() * 0.01;
      history[t][1] = 0.01 + 0.002 * load + random.nextGaussian() * 0.001;
      history[t][2] = 100 * load + random.nextGaussian() * 2;
      times[t] = HISTORY_START + t * 60_000L;
    }
    return DetectorTrainer.train(
        history, times, METRICS, TrainingOptions.builder().windowLength(12).build());
  }

  @Test
  void listShowsEveryEntityWithItsLatestModelFromRedis() {
    CliRun run = CliRun.of("models", "list", "--redis-url", redis.url().toString());
    assertEquals(ModelsCommand.EXIT_OK, run.exitCode(), run.toString());
    assertTrue(run.out().contains("Registry: redis; 2 entities"), run.toString());
    String checkout =
        run.out().lines().filter(l -> l.startsWith("shop/checkout")).findFirst().orElseThrow();
    assertTrue(checkout.contains(redisLatest.version().id()), checkout);
    assertTrue(
        checkout.contains(" pca ") && checkout.matches(".* 3 +12 .*"),
        "model, metrics, window: " + checkout);
    assertTrue(
        checkout.contains("2026-09-21 14:13 to 2026-09-23 14:12"), "data range: " + checkout);
    assertTrue(checkout.endsWith(" 2"), "two versions: " + checkout);
    assertTrue(run.out().lines().anyMatch(l -> l.startsWith("shop/cart")), run.toString());
  }

  @Test
  void showPrintsVersionsTrainingDataMetricsAndCalibration() {
    CliRun run =
        CliRun.of("models", "show", "shop/checkout", "--redis-url", redis.url().toString());
    assertEquals(ModelsCommand.EXIT_OK, run.exitCode(), run.toString());
    String out = run.out();
    assertTrue(
        out.startsWith("Model shop/checkout, version " + redisLatest.version().id() + " (latest)"),
        out);
    assertTrue(out.contains("fresh after training.retrainEvery = 24h"), out);
    assertTrue(out.contains("  model        pca, "), out);
    assertTrue(out.contains("  data         2026-09-21 14:13 to 2026-09-23 14:12, 2880 rows"), out);
    assertTrue(out.contains("  calibration  unified: typical "), out);
    assertTrue(
        out.lines().anyMatch(l -> l.matches("\\s+latency_p99\\s+1\\.00\\s+up\\s+log1p\\s+.*")),
        out);
    assertTrue(
        out.lines().anyMatch(l -> l.matches("\\s+request_rate\\s+0\\.500\\s+down\\s+log1p\\s+.*")),
        out);
    assertTrue(out.contains("    " + redisFirst.version().id() + "\n"), out);
    assertTrue(out.contains("    " + redisLatest.version().id() + "  latest"), out);

    CliRun first =
        CliRun.of(
            "models",
            "show",
            "shop/checkout",
            "--version",
            redisFirst.version().id(),
            "--redis-url",
            redis.url().toString());
    assertEquals(ModelsCommand.EXIT_OK, first.exitCode(), first.toString());
    assertTrue(
        first.out().startsWith("Model shop/checkout, version " + redisFirst.version().id() + "\n"),
        first.toString());
  }

  @Test
  void theDirectoryRegistryOfALocalRunReadsTheSame(@TempDir Path dir) throws Exception {
    StoredBundle saved;
    try (ModelRegistry registry =
        new DirectoryModelRegistry(dir, Duration.ofDays(7), Clock.systemUTC())) {
      saved = registry.save(CART, bundle);
    }
    CliRun list = CliRun.of("models", "list", "--directory", dir.toString());
    assertEquals(ModelsCommand.EXIT_OK, list.exitCode(), list.toString());
    assertTrue(list.out().contains("Registry: directory; 1 entities"), list.toString());
    CliRun show = CliRun.of("models", "show", "shop/cart", "--directory", dir.toString());
    assertEquals(ModelsCommand.EXIT_OK, show.exitCode(), show.toString());
    assertTrue(
        show.out().startsWith("Model shop/cart, version " + saved.version().id() + " (latest)"),
        show.toString());
  }

  /**
   * A directory keeps an expired latest until the next save: listed as such, not silently left out.
   */
  @Test
  void anExpiredLatestIsListedAsSuch(@TempDir Path dir) throws Exception {
    Clock longAgo =
        Clock.fixed(java.time.Instant.parse("2026-01-13T10:10:00Z"), java.time.ZoneOffset.UTC);
    try (ModelRegistry registry = new DirectoryModelRegistry(dir, Duration.ofDays(7), longAgo)) {
      registry.save(CART, bundle);
    }
    CliRun list = CliRun.of("models", "list", "--directory", dir.toString());
    assertEquals(ModelsCommand.EXIT_OK, list.exitCode(), list.toString());
    assertTrue(
        list.out()
            .contains(
                "shop/cart                        (no live model: the latest is older than"
                    + " registry.bundleTtl = 7d)"),
        list.toString());
  }

  @Test
  void missingEntitiesBadArgumentsAndAnUnreachableRegistryHaveTheirOwnStatus() throws Exception {
    CliRun missing =
        CliRun.of("models", "show", "shop/unknown", "--redis-url", redis.url().toString());
    assertEquals(ModelsCommand.EXIT_NOT_FOUND, missing.exitCode(), missing.toString());
    assertTrue(missing.err().contains("has no model for shop/unknown"), missing.toString());

    assertEquals(
        ModelsCommand.EXIT_USAGE,
        CliRun.of("models", "show", "no-slash", "--redis-url", redis.url().toString()).exitCode());
    assertEquals(
        ModelsCommand.EXIT_USAGE,
        CliRun.of(
                "models",
                "show",
                "shop/cart",
                "--version",
                "latest",
                "--redis-url",
                redis.url().toString())
            .exitCode());
    assertEquals(
        ModelsCommand.EXIT_USAGE,
        CliRun.of("models", "list", "--redis-url", "localhost:6379").exitCode());

    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    CliRun down = CliRun.of("models", "list", "--redis-url", "redis://127.0.0.1:" + port);
    assertEquals(ModelsCommand.EXIT_REGISTRY_ERROR, down.exitCode(), down.toString());
    assertTrue(down.err().startsWith("error: "), down.toString());
  }
}
