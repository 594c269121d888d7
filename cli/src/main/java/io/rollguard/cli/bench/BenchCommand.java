package io.rollguard.cli.bench;

import com.github.benmanes.caffeine.cache.Ticker;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.cli.scenario.Scenario;
import io.rollguard.cli.scenario.SeriesRows;
import io.rollguard.cli.scenario.ServiceMetric;
import io.rollguard.common.config.ConfigLoader;
import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.detect.DetectorTrainer;
import io.rollguard.common.detect.MetricDefs;
import io.rollguard.common.detect.ModelBundle;
import io.rollguard.common.detect.TrainingOptions;
import io.rollguard.common.payload.ScoringKey;
import io.rollguard.common.payload.Window;
import io.rollguard.common.registry.BundleCache;
import io.rollguard.common.registry.DirectoryModelRegistry;
import io.rollguard.common.registry.EntityId;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench}: the scoring path's throughput and latency, the training time and the memory of the
 * per-pod bundle cache, for a configurable number of entities and metrics. One labelled figure per
 * line. Every figure comes from the vertices' own classes: {@link ScoringPipeline} is what the
 * three map vertices run, and the gRPC figures go through their real Mapper servers.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Benchmark scoring (in-process and through the vertices' gRPC servers), training and cache memory.")
public final class BenchCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--entities",
      defaultValue = "1000",
      paramLabel = "N",
      description = "entities (namespace/app) with a trained bundle (default ${DEFAULT-VALUE})")
  int entities;

  @Option(
      names = "--metrics",
      defaultValue = "8",
      paramLabel = "M",
      description = "metrics per window, 1 to 8 (default ${DEFAULT-VALUE})")
  int metricCount;

  @Option(
      names = "--window-steps",
      defaultValue = "12",
      paramLabel = "W",
      description = "window length in steps (default ${DEFAULT-VALUE})")
  int windowSteps;

  @Option(
      names = "--seconds",
      defaultValue = "5",
      paramLabel = "S",
      description = "measured seconds for the in-process figure (default ${DEFAULT-VALUE})")
  int seconds;

  @Option(
      names = "--grpc-windows",
      defaultValue = "3000",
      paramLabel = "N",
      description =
          "windows sent through the gRPC servers, one in flight (default ${DEFAULT-VALUE}; 0 skips)")
  int grpcWindows;

  @Option(
      names = "--history-days",
      defaultValue = "8",
      paramLabel = "D",
      description = "days of 1-minute history to train on (default ${DEFAULT-VALUE})")
  int historyDays;

  @Override
  public Integer call() throws Exception {
    if (entities < 1
        || metricCount < 1
        || metricCount > ServiceMetric.all().size()
        || seconds < 1
        || grpcWindows < 0
        || historyDays < 1
        || windowSteps < 2) {
      throw new IllegalArgumentException(
          "need --entities >= 1, --metrics in [1, "
              + ServiceMetric.all().size()
              + "], --seconds >= 1, --grpc-windows >= 0, --history-days >= 1, --window-steps >= 2");
    }
    PrintWriter out = spec.commandLine().getOut();
    Path registryDir = Files.createTempDirectory("rollguard-bench-");
    try {
      RollguardConfig config = config(registryDir);
      SeriesRows history = history(config);
      out.printf(
          Locale.ROOT,
          "setup: %d entities, %d metrics, window %d steps, %d days of 1-min history, %d processors%n",
          entities,
          metricCount,
          windowSteps,
          historyDays,
          Runtime.getRuntime().availableProcessors());

      ModelBundle bundle = timeTraining(config, history, out);
      DirectoryModelRegistry registry =
          new DirectoryModelRegistry(registryDir, Duration.ofDays(7), Clock.systemUTC());
      List<EntityId> ids = new ArrayList<>(entities);
      for (int e = 0; e < entities; e++) {
        EntityId id = new EntityId("bench", "app-" + e);
        registry.save(id, bundle);
        ids.add(id);
      }
      // Background refresh would add registry reads to the measurement; a long refresh keeps it
      // out.
      BundleCache cache =
          new BundleCache(
              registry,
              entities + 16,
              Duration.ofHours(1),
              Duration.ofHours(2),
              Runnable::run,
              Ticker.systemTicker(),
              new PrometheusRegistry());
      measureCacheHeap(cache, ids, out);

      List<Window> windows = windows(config, history, ids);
      ScoringPipeline pipeline = ScoringPipeline.create(config, cache, Clock.systemUTC());
      measureInProcess(pipeline, windows, out);
      if (grpcWindows > 0) {
        measureGrpc(config, pipeline, windows, out);
      }
      out.flush();
      return 0;
    } finally {
      deleteRecursively(registryDir);
    }
  }

  private RollguardConfig config(Path registryDir) throws Exception {
    StringBuilder yaml = new StringBuilder("step: 60s\nmetrics:\n");
    for (ServiceMetric m : ServiceMetric.all().subList(0, metricCount)) {
      yaml.append("  - name: ")
          .append(m.metricName())
          .append('\n')
          .append("    query: 'max by ({{by}}) (")
          .append(m.metricName())
          .append("{ {{selector}} })'\n")
          .append("    unit: '1'\n")
          .append("    direction: ")
          .append(m == ServiceMetric.REQUEST_RATE ? "down" : "up")
          .append('\n');
    }
    yaml.append("window:\n  lengthSteps: ")
        .append(windowSteps)
        .append('\n')
        .append("registry:\n  backend: directory\n  directory: '")
        .append(registryDir)
        .append("'\n");
    return ConfigLoader.parse(yaml.toString(), "bench", Map.of());
  }

  private SeriesRows history(RollguardConfig config) {
    SeriesRows all =
        Scenario.of("bench", 7, historyDays * 1440, 1, List.of(), List.of()).generate().history();
    List<String> names = config.metricNames();
    double[][] values = new double[all.rows()][names.size()];
    for (int j = 0; j < names.size(); j++) {
      double[] column = all.column(names.get(j));
      for (int t = 0; t < column.length; t++) {
        values[t][j] = column[t];
      }
    }
    return new SeriesRows(names, all.timestamps(), values, all.labels());
  }

  private ModelBundle timeTraining(RollguardConfig config, SeriesRows history, PrintWriter out) {
    var metrics = MetricDefs.of(config.metrics());
    var options = TrainingOptions.from(config);
    ModelBundle bundle =
        DetectorTrainer.train(history.values(), history.timestamps(), metrics, options); // warm-up
    long[] runs = new long[3];
    for (int r = 0; r < runs.length; r++) {
      long t0 = System.nanoTime();
      bundle = DetectorTrainer.train(history.values(), history.timestamps(), metrics, options);
      runs[r] = System.nanoTime() - t0;
    }
    java.util.Arrays.sort(runs);
    out.printf(
        Locale.ROOT,
        "training (%d days x %d metrics, model=%s): %.3f s median of 3 after a warm-up%n",
        historyDays,
        metricCount,
        options.modelKind(),
        runs[1] / 1e9);
    return bundle;
  }

  /** Heap retained per cached bundle: each entity's bundle is decoded separately, as in a pod. */
  private static void measureCacheHeap(BundleCache cache, List<EntityId> ids, PrintWriter out) {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long before = settledHeap(memory);
    for (EntityId id : ids) {
      if (cache.latest(id).isEmpty()) {
        throw new IllegalStateException("bundle missing for " + id);
      }
    }
    long after = settledHeap(memory);
    out.printf(
        Locale.ROOT,
        "heap per cached bundle: %.1f KiB (%d bundles cached, %.1f MiB in all)%n",
        (after - before) / 1024.0 / ids.size(),
        cache.size(),
        (after - before) / 1024.0 / 1024.0);
  }

  private static long settledHeap(MemoryMXBean memory) {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  /** Windows cut from the history at random offsets, for random entities and both roles. */
  private List<Window> windows(RollguardConfig config, SeriesRows history, List<EntityId> ids) {
    Random random = new Random(11);
    long step = config.step().toMillis();
    List<Window> windows = new ArrayList<>(4096);
    for (int k = 0; k < 4096; k++) {
      EntityId id = ids.get(random.nextInt(ids.size()));
      String role = random.nextBoolean() ? ScoringKey.ROLE_STABLE : ScoringKey.ROLE_CANARY;
      int startRow = random.nextInt(history.rows() - windowSteps);
      double[][] values = new double[windowSteps][];
      for (int t = 0; t < windowSteps; t++) {
        values[t] = history.values()[startRow + t].clone();
      }
      long start = history.timestamps()[startRow];
      windows.add(
          new Window(
              Window.SCHEMA_VERSION,
              new ScoringKey(id.namespace(), id.app(), role, "h" + role.length()),
              start,
              start + windowSteps * step,
              step,
              config.metricNames(),
              values,
              1.0,
              0));
    }
    return windows;
  }

  private void measureInProcess(ScoringPipeline pipeline, List<Window> windows, PrintWriter out) {
    int n = windows.size();
    long warmUntil = System.nanoTime() + 2_000_000_000L;
    int i = 0;
    while (System.nanoTime() < warmUntil) {
      requireScored(pipeline.score(windows.get(i++ % n)));
    }
    long[] latencies = new long[4_000_000];
    int count = 0;
    long t0 = System.nanoTime();
    long end = t0 + seconds * 1_000_000_000L;
    long now = t0;
    while (now < end && count < latencies.length) {
      long s = System.nanoTime();
      requireScored(pipeline.score(windows.get(count % n)));
      now = System.nanoTime();
      latencies[count++] = now - s;
    }
    double rate = count / ((now - t0) / 1e9);
    out.printf(
        Locale.ROOT,
        "in-process: %.0f windows/s (preprocess->inference->postprocess, 1 thread, %d windows)%n",
        rate,
        count);
    out.printf(
        Locale.ROOT,
        "in-process latency per window: %s%n",
        Percentiles.of(latencies, count).format());
  }

  private void measureGrpc(
      RollguardConfig config, ScoringPipeline pipeline, List<Window> windows, PrintWriter out)
      throws Exception {
    try (GrpcScoringChain chain = GrpcScoringChain.start(config, pipeline)) {
      int n = windows.size();
      for (int i = 0; i < Math.min(500, grpcWindows); i++) { // warm-up: connections, JIT
        chain.score(windows.get(i % n));
      }
      long[] latencies = new long[grpcWindows];
      long t0 = System.nanoTime();
      int dropped = 0;
      for (int i = 0; i < grpcWindows; i++) {
        long s = System.nanoTime();
        if (chain.score(windows.get(i % n)) == null) {
          dropped++;
        }
        latencies[i] = System.nanoTime() - s;
      }
      double rate = grpcWindows / ((System.nanoTime() - t0) / 1e9);
      if (dropped > 0) {
        throw new IllegalStateException(
            dropped + " windows were dropped by the gRPC chain; the figure would be meaningless");
      }
      out.printf(
          Locale.ROOT,
          "grpc: %.0f windows/s (3 Mapper servers on loopback, JSON on every edge, 1 window in flight, %d windows)%n",
          rate,
          grpcWindows);
      out.printf(
          Locale.ROOT,
          "grpc latency per window: %s%n",
          Percentiles.of(latencies, grpcWindows).format());
    }
  }

  private static void requireScored(ScoringPipeline.Result result) {
    if (result.record() == null) {
      throw new IllegalStateException("a bench window was not scored: " + result.rejection());
    }
  }

  private static void deleteRecursively(Path dir) throws java.io.IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
