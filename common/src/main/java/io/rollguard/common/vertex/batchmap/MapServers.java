package io.rollguard.common.vertex.batchmap;

import io.numaproj.numaflow.mapper.Mapper;
import io.numaproj.numaflow.mapper.Server;
import io.rollguard.common.vertex.GracefulServer;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The gRPC server a map vertex runs its {@link Mapper} in, chosen by {@value #ENV}: {@code batch}
 * (default) serves numa's batch-map protocol through {@link BatchMapServer}, about twice the
 * messages per core (docs/vertices.md, Performance); {@code unary} serves the SDK's plain map
 * server, one Akka actor per message. The unary server is the escape hatch should a Numaflow
 * version drive batch map differently from the 1.8 data plane this was built against: the Pipeline
 * needs no change either way, numa reads the mode from the server-info file.
 */
public final class MapServers {

  /** Environment variable naming the map server: {@code batch} or {@code unary}. */
  public static final String ENV = "ROLLGUARD_MAP_SERVER";

  private MapServers() {}

  /**
   * The server for {@code mapper}.
   *
   * @param onBatchFailure called when a batch fails as a whole (batch server only)
   * @throws IllegalArgumentException when {@value #ENV} is neither {@code batch} nor {@code unary}
   */
  public static GracefulServer forMapper(
      Mapper mapper, Map<String, String> env, Consumer<Throwable> onBatchFailure) {
    String mode = env.getOrDefault(ENV, "batch").strip().toLowerCase(Locale.ROOT);
    return switch (mode) {
      case "batch" ->
          new BatchMapServer(
              new PerMessageBatchMapper(mapper), BatchMapServer.configFor(env), onBatchFailure);
      case "unary" -> {
        Server server = new Server(mapper);
        yield GracefulServer.of(server::start, server::stop);
      }
      default ->
          throw new IllegalArgumentException(
              ENV + " must be batch or unary, got '" + env.get(ENV) + "'");
    };
  }
}
