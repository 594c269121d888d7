package io.rollguard.testsupport;

import com.github.benmanes.caffeine.cache.Ticker;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.config.ConfigException;
import io.rollguard.common.config.ConfigLoader;
import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.detect.DetectorTrainer;
import io.rollguard.common.detect.MetricDefs;
import io.rollguard.common.detect.ModelBundle;
import io.rollguard.common.detect.TrainingOptions;
import io.rollguard.common.payload.ScoringKey;
import io.rollguard.common.payload.Window;
import io.rollguard.common.registry.BundleCache;
import io.rollguard.common.registry.ModelRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;

/**
 * Shared by the scoring tests of the vertex modules (through the common test-jar): a real
 * configuration with the five core service metrics, windows cut from {@link ServiceSeries}, bundles
 * trained on generated history, and a bundle cache with a short refresh.
 */
public final class ScoringFixtures {

  /** The five core service metrics, in the configured column order. */
  public static final List<String> METRICS = ServiceSeries.METRICS;

  public static final int WINDOW = 12;
  public static final long STEP = 60_000;

  /** error_ratio's static limit (max) in the test configuration. */
  public static final double ERROR_RATIO_LIMIT = 0.2;

  private ScoringFixtures() {}

  /**
   * The test configuration; queries read the gauges {@code rg_<metric>} that tests backfill into
   * Prometheus. {@code registryDir} is the directory backend's root.
   */
  public static RollguardConfig config(Path registryDir, String prometheusUrl) {
    return configWithWindow(registryDir, prometheusUrl, WINDOW);
  }

  /** {@link #config} with another {@code window.lengthSteps}. */
  public static RollguardConfig configWithWindow(
      Path registryDir, String prometheusUrl, int windowLength) {
    StringBuilder yaml = new StringBuilder("step: 60s\nmetrics:\n");
    for (String name : METRICS) {
      yaml.append("  - name: ")
          .append(name)
          .append('\n')
          .append("    query: 'max by ({{by}}) (rg_")
          .append(name)
          .append("{ {{selector}} })'\n")
          .append("    unit: '1'\n")
          .append("    direction: ")
          .append(direction(name))
          .append('\n');
      if (name.startsWith("latency")) {
        yaml.append("    transform: log1p\n");
      }
      if (name.startsWith("error")) {
        yaml.append("    staticLimit:\n      max: ").append(ERROR_RATIO_LIMIT).append('\n');
      }
    }
    yaml.append("window:\n  lengthSteps: ")
        .append(windowLength)
        .append("\n  minCoverage: 0.5\n  maxFillSteps: 2\n")
        .append("training:\n  lookback: 8d\n  minCoverage: 0.5\n  retrainEvery: 24h\n")
        .append("  retryBackoff: 1m\n  leaseTtl: 5m\n  concurrency: 1\n")
        .append("registry:\n  backend: directory\n  directory: '")
        .append(registryDir)
        .append("'\n")
        .append("prometheus:\n  url: '")
        .append(prometheusUrl)
        .append("'\n  ingestionDelay: 0s\n")
        .append("  timeout: 10s\n")
        .append("vertex:\n  metricsPort: 0\n");
    try {
      return ConfigLoader.parse(yaml.toString(), "ScoringFixtures", Map.of());
    } catch (ConfigException e) {
      throw new AssertionError("test configuration must load: " + e.getMessage() + "\n" + yaml, e);
    }
  }

  private static String direction(String metric) {
    return metric.startsWith("request") ? "down" : "up";
  }

  /** How long after a load the caches of {@link #cache} reload an entity's latest. */
  public static final Duration CACHE_REFRESH = Duration.ofMillis(100);

  /** A bundle cache that reloads latest 100 ms after a load, so tests see new versions quickly. */
  public static BundleCache cache(ModelRegistry registry) {
    return new BundleCache(
        registry,
        1000,
        CACHE_REFRESH,
        Duration.ofHours(1),
        ForkJoinPool.commonPool(),
        Ticker.systemTicker(),
        new PrometheusRegistry());
  }

  /**
   * A bundle cache on {@code ticker}: it reloads latest once the test advanced the ticker past
   * {@link #CACHE_REFRESH}, on the caller's thread, so the reload has happened when the access that
   * triggered it returns (that access still answers the old value, as in production).
   */
  public static BundleCache cache(
      ModelRegistry registry, Ticker ticker, PrometheusRegistry metrics) {
    return new BundleCache(
        registry, 1000, CACHE_REFRESH, Duration.ofHours(1), Runnable::run, ticker, metrics);
  }

  /** Healthy generated history: {@code rows} steps from {@code start}. */
  public static ServiceSeries history(long seed, Instant start, int rows) {
    return ServiceSeries.healthy(seed, start.toEpochMilli(), STEP, rows);
  }

  /** A bundle trained on two days of generated history. */
  public static ModelBundle trainedBundle(RollguardConfig config, long seed) {
    ServiceSeries h = history(seed, Instant.parse("2026-01-05T00:00:00Z"), 2 * 1440);
    return DetectorTrainer.train(
        h.values(), h.timestamps(), MetricDefs.of(config.metrics()), TrainingOptions.from(config));
  }

  /** The window of {@code WINDOW} rows of {@code rows} ending at row {@code endRow} (exclusive). */
  public static Window window(ScoringKey key, ServiceSeries rows, int endRow) {
    double[][] values = new double[WINDOW][];
    for (int i = 0; i < WINDOW; i++) {
      values[i] = rows.values()[endRow - WINDOW + i].clone();
    }
    long start = rows.timestamps()[endRow - WINDOW];
    return new Window(
        Window.SCHEMA_VERSION,
        key,
        start,
        start + WINDOW * STEP,
        STEP,
        rows.metrics(),
        values,
        1.0,
        0);
  }

  /**
   * The column of the first core metric whose name starts with {@code prefix} ({@code latency},
   * {@code error}, {@code request}, {@code cpu}, {@code memory}).
   */
  public static int column(String prefix) {
    for (int j = 0; j < METRICS.size(); j++) {
      if (METRICS.get(j).startsWith(prefix)) {
        return j;
      }
    }
    throw new AssertionError("no core metric starting with " + prefix + " in " + METRICS);
  }

  /**
   * The value of counter {@code name} (as registered, with {@code _total}) at {@code label=value};
   * fails when the series does not exist.
   */
  public static double counter(
      PrometheusRegistry registry, String name, String label, String value) {
    String baseName = name.endsWith("_total") ? name.substring(0, name.length() - 6) : name;
    for (var snapshot : registry.scrape()) {
      if (snapshot instanceof io.prometheus.metrics.model.snapshots.CounterSnapshot counter
          && counter.getMetadata().getName().equals(baseName)) {
        for (var point : counter.getDataPoints()) {
          if (value.equals(point.getLabels().get(label))) {
            return point.getValue();
          }
        }
      }
    }
    throw new AssertionError("no series " + name + "{" + label + "=\"" + value + "\"}");
  }

  /** A copy of {@code window} with other values (same key, bounds, metrics). */
  public static Window withValues(Window window, double[][] values) {
    return new Window(
        Window.SCHEMA_VERSION,
        window.key(),
        window.start(),
        window.end(),
        window.stepMillis(),
        window.metrics(),
        values,
        window.coverage(),
        window.filledCells());
  }
}
