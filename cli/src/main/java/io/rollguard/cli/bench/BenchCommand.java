package io.rollguard.cli.bench;

import com.github.benmanes.caffeine.cache.Ticker;
import io.numaproj.numaflow.map.v1.MapOuterClass.MapRequest;
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
import io.rollguard.common.registry.StoredBundle;
import java.io.PrintWriter;
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
 * three map vertices run in process, and the gRPC figures drive each map vertex through the SDK's
 * real Mapper server the way Numaflow's data plane does (one stream, N requests in flight), the
 * server in a JVM of its own pinned to one CPU.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Benchmark scoring (in process, and each map vertex through its gRPC server with N"
            + " requests in flight), training and cache memory.")
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
      names = "--warmup-seconds",
      defaultValue = "60",
      paramLabel = "S",
      description =
          "longest warm-up before the in-process figure: rounds of 1 s until this JVM's JIT"
              + " compiler has settled (default ${DEFAULT-VALUE})")
  int warmupSeconds;

  @Option(
      names = "--grpc-seconds",
      defaultValue = "5",
      paramLabel = "S",
      description =
          "measured seconds per map vertex and in-flight level through its gRPC server (default"
              + " ${DEFAULT-VALUE}; 0 skips the gRPC figures)")
  int grpcSeconds;

  @Option(
      names = "--grpc-warmup-seconds",
      defaultValue = "180",
      paramLabel = "S",
      description =
          "longest warm-up per vertex server, not measured: rounds of up to 5 s at the highest"
              + " in-flight level until the server's JIT compiler has settled (compiling for under"
              + " 2% of a round); a server that has not settled by then is measured anyway, and"
              + " says so (default ${DEFAULT-VALUE}; 0 measures a cold server)")
  int grpcWarmupSeconds;

  @Option(
      names = "--in-flight",
      defaultValue = "1,100,500",
      split = ",",
      paramLabel = "N",
      description =
          "requests in flight on the map stream (the batch size with --map-mode batch), one"
              + " figure each (default ${DEFAULT-VALUE}; numa reads up to limits.readBatchSize at a"
              + " time: 100 in pipelines/pipeline.yaml, 500 by Numaflow's default)")
  List<Integer> inFlight;

  @Option(
      names = "--vertices",
      defaultValue = "preprocess,inference,postprocess",
      split = ",",
      paramLabel = "LIST",
      description =
          "map vertices to drive through their gRPC servers (default ${DEFAULT-VALUE}; identity"
              + " = the SDK server with a mapper that returns its input, the SDK's own cost)")
  List<String> vertexNames;

  @Option(
      names = "--map-mode",
      defaultValue = "batch",
      paramLabel = "batch|unary",
      description =
          "the SDK map server behind each vertex: batch (what the vertices run; N = the batch"
              + " size) or unary (the SDK's Mapper server; N = requests in flight) (default"
              + " ${DEFAULT-VALUE})")
  String mapModeName;

  @Option(
      names = "--transport",
      defaultValue = "uds",
      paramLabel = "uds|tcp",
      description =
          "uds: Unix domain socket, the SDK's pod mode as in a vertex pod; tcp: loopback, the"
              + " SDK's local mode (default ${DEFAULT-VALUE})")
  String transport;

  @Option(
      names = "--server-cpu",
      defaultValue = "-1",
      paramLabel = "CPU",
      description =
          "CPU to pin each vertex server's JVM to with taskset (default: a CPU this JVM is not"
              + " bound to, else the last one it may use; none without taskset or with one CPU)")
  int serverCpu;

  @Option(
      names = "--server-jvm-option",
      paramLabel = "OPTION",
      description =
          "extra JVM option for the vertex servers, repeatable; {vertex} is replaced by the"
              + " vertex's name (e.g."
              + " -XX:StartFlightRecording=filename=/tmp/{vertex}.jfr,settings=profile)")
  List<String> serverJvmOptions = new ArrayList<>();

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
        || warmupSeconds < 0
        || grpcSeconds < 0
        || grpcWarmupSeconds < 0
        || inFlight.isEmpty()
        || inFlight.stream().anyMatch(n -> n < 1)
        || !List.of("uds", "tcp").contains(transport)
        || historyDays < 1
        || windowSteps < 2) {
      throw new IllegalArgumentException(
          "need --entities >= 1, --metrics in [1, "
              + ServiceMetric.all().size()
              + "], --seconds >= 1, --warmup-seconds >= 0, --grpc-seconds >= 0, --grpc-warmup-seconds >= 0,"
              + " --in-flight >= 1, --transport uds or tcp, --history-days >= 1,"
              + " --window-steps >= 2");
    }
    PrintWriter out = spec.commandLine().getOut();
    Path registryDir = Files.createTempDirectory("rollguard-bench-");
    try {
      String configYaml = configYaml(registryDir);
      RollguardConfig config = ConfigLoader.parse(configYaml, "bench", Map.of());
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
      if (grpcSeconds > 0) {
        Path configFile = registryDir.resolve("bench-config.yaml");
        Files.writeString(configFile, configYaml);
        measureGrpc(config, configFile, pipeline, windows, registryDir, out);
      }
      out.flush();
      return 0;
    } finally {
      deleteRecursively(registryDir);
    }
  }

  private String configYaml(Path registryDir) {
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
    return yaml.toString();
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

  /**
   * Heap per cached bundle: the size of the cached bundles' object graph (JOL), each entity's
   * bundle decoded separately as in a pod. Measured on the objects, not as a heap difference around
   * {@code System.gc()}, so the figure is exact and repeatable.
   */
  private static void measureCacheHeap(BundleCache cache, List<EntityId> ids, PrintWriter out) {
    List<StoredBundle> cached = new ArrayList<>(ids.size());
    for (EntityId id : ids) {
      cached.add(
          cache
              .latest(id)
              .orElseThrow(() -> new IllegalStateException("bundle missing for " + id)));
    }
    long bytes = ObjectGraphSize.bytes(cached.toArray());
    out.printf(
        Locale.ROOT,
        "heap per cached bundle: %.1f KiB (object graph of %d decoded bundles, %.1f MiB in all;"
            + " the cache's own entries not included)%n",
        bytes / 1024.0 / cached.size(),
        cached.size(),
        bytes / 1024.0 / 1024.0);
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
    // As for the servers: warm up until this JVM's JIT compiler has settled, in rounds of 1 s.
    boolean jitReported = VertexServerMain.jitCompileMillis() >= 0;
    long warmStart = System.nanoTime();
    boolean settled = false;
    int i = 0;
    while (!settled && System.nanoTime() - warmStart < warmupSeconds * 1_000_000_000L) {
      long compiledBefore = VertexServerMain.jitCompileMillis();
      long roundEnd = System.nanoTime() + 1_000_000_000L;
      while (System.nanoTime() < roundEnd) {
        requireScored(pipeline.score(windows.get(i++ % n)));
      }
      settled =
          jitReported && settled(VertexServerMain.jitCompileMillis() - compiledBefore, 1.0, 1);
    }
    out.printf(
        Locale.ROOT,
        "in-process warm-up: %s after %.0f s%n",
        !jitReported
            ? "JIT time not reported by this JVM, warmed up for the whole limit"
            : settled ? "JIT settled" : "JIT NOT settled, figures below include compiling",
        (System.nanoTime() - warmStart) / 1e9);
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

  /**
   * Each map vertex through its own gRPC server, one vertex at a time, as numa drives it: the SDK's
   * Mapper server in a child JVM (one CPU), a {@link MapStreamClient} here keeping N requests in
   * flight on one stream. Each vertex gets its real input: the bench windows passed through the
   * upstream mappers in this JVM.
   */
  private void measureGrpc(
      RollguardConfig config,
      Path configFile,
      ScoringPipeline pipeline,
      List<Window> windows,
      Path dir,
      PrintWriter out)
      throws Exception {
    List<BenchVertex> vertices = vertexNames.stream().map(BenchVertex::of).toList();
    MapMode mapMode = MapMode.of(mapModeName);
    Map<BenchVertex, List<MapRequest.Request>> inputs = VertexInputs.of(config, pipeline, windows);
    VertexServerProcess.Transport mode =
        transport.equals("tcp")
            ? VertexServerProcess.Transport.TCP
            : VertexServerProcess.Transport.UDS;
    CpuPlacement placement = CpuPlacement.choose(serverCpu);
    out.printf(
        Locale.ROOT,
        "grpc setup: map.v1.Map/MapFn, one stream with handshake, as numa drives a map vertex;"
            + " SDK %s server (%s); %s; each vertex server in its own JVM (%s); load generator in"
            + " this JVM (%s)%n",
        mapMode == MapMode.BATCH ? "batch-map" : "unary Mapper",
        mapMode == MapMode.BATCH
            ? "in flight = batch size, then end-of-transmission"
            : "in flight = requests outstanding, refilled as answered",
        mode == VertexServerProcess.Transport.UDS
            ? "Unix domain socket (SDK pod mode)"
            : "TCP loopback (SDK local mode)",
        placement.describeServer(),
        placement.describeClient());
    int warmupInFlight = inFlight.stream().max(Integer::compare).orElseThrow();
    for (BenchVertex vertex : vertices) {
      List<MapRequest.Request> requests = inputs.get(vertex);
      try (VertexServerProcess server =
              VertexServerProcess.start(
                  vertex, mapMode, configFile, dir, mode, placement.serverCpu(), serverJvmOptions);
          MapStreamClient client = connect(server)) {
        try {
          client.awaitReadyAndHandshake(60_000);
          if (grpcWarmupSeconds > 0) {
            warmUp(out, vertex, mapMode, server, client, requests, warmupInFlight);
          }
          for (int n : inFlight) {
            VertexServerProcess.Stats before = server.stats();
            long serverCpu = server.cpuNanos();
            long clientCpu = VertexServerProcess.cpuNanos(ProcessHandle.current());
            MapStreamClient.Run run =
                run(client, mapMode, requests, n, grpcSeconds * 1_000_000_000L);
            double serverMicros = (server.cpuNanos() - serverCpu) / 1e3 / run.messages();
            double clientMicros =
                (VertexServerProcess.cpuNanos(ProcessHandle.current()) - clientCpu)
                    / 1e3
                    / run.messages();
            VertexServerProcess.Stats after = server.stats();
            double mapperMicros =
                (after.processMessageCpuNanos() - before.processMessageCpuNanos())
                    / 1e3
                    / (after.calls() - before.calls());
            out.printf(
                Locale.ROOT,
                "grpc %s, %d in flight: %.0f msgs/s, %s (%d messages)%n",
                vertex.label(),
                n,
                run.messagesPerSecond(),
                run.percentiles().format(),
                run.messages());
            out.printf(
                Locale.ROOT,
                "grpc %s, %d in flight, CPU per message: server %.1f us (%.0f msgs/s per core), of"
                    + " which processMessage %.1f us; load generator %.1f us%n",
                vertex.label(),
                n,
                serverMicros,
                1e6 / serverMicros,
                mapperMicros,
                clientMicros);
            out.flush();
          }
        } catch (RuntimeException e) {
          throw new IllegalStateException(
              vertex.label() + " server: " + e.getMessage() + "\n" + server.logTail(), e);
        }
      }
    }
  }

  /**
   * Drives the server at {@code inFlight} in rounds until its JIT compiler has settled: a vertex
   * pod runs for hours, so its steady state is the figure that counts, and on one CPU the C2
   * compiler takes tens of seconds of a loaded server's time to compile the hot path (measured: 44
   * % of the server's CPU 20 s after start, under 1 % after 50 s). The rounds' throughput is
   * printed, so the warm-up of a freshly started pod is on record too.
   */
  private void warmUp(
      PrintWriter out,
      BenchVertex vertex,
      MapMode mapMode,
      VertexServerProcess server,
      MapStreamClient client,
      List<MapRequest.Request> requests,
      int inFlight)
      throws Exception {
    long started = System.nanoTime();
    // Whole rounds only: a short last round would compile nothing measurable and look settled.
    long limitNanos = grpcWarmupSeconds * 1_000_000_000L;
    long roundNanos = Math.min(WARMUP_ROUND_NANOS, limitNanos);
    long maxRounds = Math.max(1, limitNanos / roundNanos);
    List<String> rounds = new ArrayList<>();
    boolean settled = false;
    long compiled = server.stats().jitCompileMillis();
    while (!settled && rounds.size() < maxRounds) {
      MapStreamClient.Run run = run(client, mapMode, requests, inFlight, roundNanos);
      long compiledAfter = server.stats().jitCompileMillis();
      rounds.add(String.format(Locale.ROOT, "%.0f", run.messagesPerSecond()));
      settled = compiled >= 0 && settled(compiledAfter - compiled, run.seconds(), run.messages());
      compiled = compiledAfter;
    }
    out.printf(
        Locale.ROOT,
        "grpc %s, warm-up at %d in flight: %s after %.0f s; msgs/s per round: %s%n",
        vertex.label(),
        inFlight,
        compiled < 0
            ? "JIT time not reported by the server's JVM, warmed up for the whole limit"
            : settled ? "JIT settled" : "JIT NOT settled, figures below include compiling",
        (System.nanoTime() - started) / 1e9,
        String.join(", ", rounds));
  }

  /**
   * Whether a warm-up round shows a settled JIT: messages flowed and the compiler took under {@link
   * #SETTLED_COMPILE_SHARE} of the round's time.
   */
  static boolean settled(long compileMillis, double roundSeconds, int messages) {
    return messages > 0
        && roundSeconds > 0
        && compileMillis < SETTLED_COMPILE_SHARE * roundSeconds * 1000;
  }

  private static final long WARMUP_ROUND_NANOS = 5_000_000_000L;

  /** A round that spent less than this share of its time in the JIT compiler ends the warm-up. */
  private static final double SETTLED_COMPILE_SHARE = 0.02;

  private static MapStreamClient.Run run(
      MapStreamClient client,
      MapMode mode,
      List<MapRequest.Request> requests,
      int inFlight,
      long nanos)
      throws Exception {
    return mode == MapMode.BATCH
        ? client.runBatches(requests, inFlight, nanos)
        : client.run(requests, inFlight, nanos);
  }

  private static MapStreamClient connect(VertexServerProcess server) {
    return server.transport() == VertexServerProcess.Transport.UDS
        ? MapStreamClient.unixSocket(server.socket(), MapStreamClient::notDropped)
        : MapStreamClient.tcp(server.port(), MapStreamClient::notDropped);
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
