package io.rollguard.cli.bench;

import io.numaproj.numaflow.mapper.GRPCConfig;
import io.numaproj.numaflow.mapper.Server;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.config.ConfigLoader;
import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.registry.BundleCache;
import io.rollguard.common.registry.ModelRegistries;
import io.rollguard.common.registry.ModelRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * The server side of {@code bench}'s gRPC figures, in a JVM of its own (so it can be pinned to one
 * CPU): one scoring map vertex, built as its vertex main builds it (configured registry, per-pod
 * bundle cache, its stage and mapper), behind the SDK's Mapper {@link Server}. It serves until its
 * standard input ends (the bench closes it, or the bench died), then stops the server and halts:
 * the SDK's own shutdown hook would deadlock a normal exit.
 *
 * <p>Arguments: {@code <vertex> <config.yaml> uds:<socket>:<server-info file>} (the SDK's pod mode,
 * as in a vertex pod) or {@code <vertex> <config.yaml> tcp:<port>} (the SDK's local mode).
 */
public final class VertexServerMain {

  private VertexServerMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println(
          "usage: VertexServerMain <vertex> <config.yaml> uds:<socket>:<info>|tcp:<port>");
      Runtime.getRuntime().halt(2);
    }
    BenchVertex vertex = BenchVertex.valueOf(args[0]);
    RollguardConfig config = ConfigLoader.load(Path.of(args[1]), Map.of());
    PrometheusRegistry metrics = new PrometheusRegistry();
    ModelRegistry registry = ModelRegistries.open(config, Clock.systemUTC());
    BundleCache bundles = ModelRegistries.cache(config, registry, metrics);
    ScoringPipeline stages = ScoringPipeline.create(config, bundles, Clock.systemUTC());
    Server server = new Server(vertex.mapper(config, stages, metrics), grpcConfig(args[2]));
    server.start();
    awaitEndOfInput(System.in);
    server.stop();
    registry.close();
    System.out.flush();
    Runtime.getRuntime().halt(0);
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

  private static void awaitEndOfInput(InputStream in) throws IOException {
    byte[] buffer = new byte[64];
    while (in.read(buffer) >= 0) {
      // nothing is sent; the bench only closes the stream
    }
  }
}
