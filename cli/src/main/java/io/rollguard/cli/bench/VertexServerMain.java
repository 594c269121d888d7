package io.rollguard.cli.bench;

import io.numaproj.numaflow.mapper.Datum;
import io.numaproj.numaflow.mapper.GRPCConfig;
import io.numaproj.numaflow.mapper.Mapper;
import io.numaproj.numaflow.mapper.MessageList;
import io.numaproj.numaflow.mapper.Server;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.config.ConfigLoader;
import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.registry.Backends;
import io.rollguard.common.registry.BundleCache;
import io.rollguard.common.vertex.GracefulServer;
import io.rollguard.common.vertex.batchmap.BatchMapServer;
import io.rollguard.common.vertex.batchmap.PerMessageBatchMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;

/**
 * The server side of {@code bench}'s gRPC figures, in a JVM of its own (so it can be pinned to one
 * CPU): one scoring map vertex, built as its vertex main builds it (configured registry, per-pod
 * bundle cache, its stage and mapper), behind the SDK's Mapper {@link Server}, with the CPU time of
 * its {@code processMessage} counted. The server is the SDK's batch-map server through {@link
 * BatchMapServer} (what the vertex mains run) or, for comparison, the SDK's unary Mapper server. It
 * serves until its standard input ends (the bench closes it, or the bench died), then stops the
 * server and halts: the SDK's own shutdown hook would deadlock a normal exit.
 *
 * <p>Arguments: {@code <vertex> BATCH|UNARY <config.yaml> uds:<socket>:<server-info file>} (the
 * SDK's pod mode, as in a vertex pod) or {@code <vertex> BATCH|UNARY <config.yaml> tcp:<port>} (the
 * SDK's local mode).
 */
public final class VertexServerMain {

  private VertexServerMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println(
          "usage: VertexServerMain <vertex> BATCH|UNARY <config.yaml>"
              + " uds:<socket>:<info>|tcp:<port>");
      Runtime.getRuntime().halt(2);
    }
    BenchVertex vertex = BenchVertex.valueOf(args[0]);
    MapMode mode = MapMode.valueOf(args[1]);
    RollguardConfig config = ConfigLoader.load(Path.of(args[2]), Map.of());
    PrometheusRegistry metrics = new PrometheusRegistry();
    Backends backends = Backends.open(config, Clock.systemUTC());
    BundleCache bundles = backends.bundleCache(metrics);
    ScoringPipeline stages = ScoringPipeline.create(config, bundles, Clock.systemUTC());
    CpuTimedMapper mapper = new CpuTimedMapper(vertex.mapper(config, stages, metrics));
    GracefulServer server =
        mode == MapMode.BATCH
            ? new BatchMapServer(
                new PerMessageBatchMapper(mapper),
                batchGrpcConfig(args[3]),
                e -> Runtime.getRuntime().halt(3))
            : unaryServer(mapper, grpcConfig(args[3]));
    server.start();
    serveCommands(System.in, mapper);
    server.stop();
    backends.close();
    stopFlightRecordings();
    System.out.flush();
    Runtime.getRuntime().halt(0);
  }

  /**
   * Writes out recordings started with {@code -XX:StartFlightRecording=filename=...} (for profiling
   * a vertex with {@code --server-jvm-option}): halting skips JFR's own dump at exit.
   */
  private static void stopFlightRecordings() {
    if (FlightRecorder.isInitialized()) {
      for (Recording recording : FlightRecorder.getFlightRecorder().getRecordings()) {
        recording.stop();
      }
    }
  }

  private static GracefulServer unaryServer(Mapper mapper, GRPCConfig config) {
    Server server = new Server(mapper, config);
    return GracefulServer.of(server::start, server::stop);
  }

  /** The batch-map server's config for the same address forms as {@link #grpcConfig}. */
  static io.numaproj.numaflow.batchmapper.GRPCConfig batchGrpcConfig(String address) {
    GRPCConfig unary = grpcConfig(address);
    return io.numaproj.numaflow.batchmapper.GRPCConfig.newBuilder()
        .isLocal(unary.isLocal())
        .port(unary.getPort())
        .socketPath(unary.getSocketPath())
        .infoFilePath(unary.getInfoFilePath())
        .maxMessageSize(unary.getMaxMessageSize())
        .build();
  }

  static GRPCConfig grpcConfig(String address) {
    if (address.startsWith("tcp:")) {
      return GRPCConfig.newBuilder()
          .isLocal(true)
          .port(Integer.parseInt(address.substring("tcp:".length())))
          .build();
    }
    if (address.startsWith("uds:")) {
      String[] parts = address.substring("uds:".length()).split(":", 2);
      if (parts.length == 2) {
        return GRPCConfig.newBuilder()
            .isLocal(false)
            .socketPath(parts[0])
            .infoFilePath(parts[1])
            .build();
      }
    }
    throw new IllegalArgumentException(
        "address must be uds:<socket>:<info> or tcp:<port>: " + address);
  }

  /**
   * Answers the bench's requests on standard input until it ends: {@code stats <file>} writes
   * {@code <calls> <cpu nanoseconds>} of the vertex's {@code processMessage} so far and the JIT
   * compiler's time so far in milliseconds to the file (atomically, so the bench never reads half a
   * line).
   */
  private static void serveCommands(InputStream in, CpuTimedMapper mapper) throws IOException {
    BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    String line;
    while ((line = lines.readLine()) != null) {
      if (line.startsWith(STATS_COMMAND)) {
        Path file = Path.of(line.substring(STATS_COMMAND.length()));
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.writeString(
            partial, mapper.calls() + " " + mapper.cpuNanos() + " " + jitCompileMillis() + "\n");
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
      }
    }
  }

  /** The JIT compiler's time so far, or -1 when this JVM does not report it (e.g. -Xint). */
  static long jitCompileMillis() {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported()
        ? jit.getTotalCompilationTime()
        : -1;
  }

  /** The request for the mapper's counters: {@code stats <file>}. */
  static final String STATS_COMMAND = "stats ";

  /**
   * Counts the CPU time the vertex's own {@code processMessage} takes on the calling thread, so the
   * bench can tell it from the SDK's share (gRPC, protobuf, an Akka actor per message).
   */
  static final class CpuTimedMapper extends Mapper {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Mapper delegate;
    private final LongAdder calls = new LongAdder();
    private final LongAdder cpuNanos = new LongAdder();

    CpuTimedMapper(Mapper delegate) {
      this.delegate = delegate;
    }

    @Override
    public MessageList processMessage(String[] keys, Datum datum) {
      long started = THREADS.getCurrentThreadCpuTime();
      try {
        return delegate.processMessage(keys, datum);
      } finally {
        cpuNanos.add(THREADS.getCurrentThreadCpuTime() - started);
        calls.increment();
      }
    }

    long calls() {
      return calls.sum();
    }

    long cpuNanos() {
      return cpuNanos.sum();
    }
  }
}
