package io.rollguard.common.vertex.batchmap;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.BindableService;
import io.grpc.ServerInterceptors;
import io.numaproj.numaflow.batchmapper.BatchMapper;
import io.numaproj.numaflow.batchmapper.GRPCConfig;
import io.numaproj.numaflow.info.ContainerType;
import io.numaproj.numaflow.info.ServerInfoAccessorImpl;
import io.numaproj.numaflow.shared.GrpcServerUtils;
import io.numaproj.numaflow.shared.GrpcServerWrapper;
import io.rollguard.common.vertex.GracefulServer;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batch-map server of a scoring map vertex: numaflow-java 0.9.2's own batch-map service,
 * transport and server-info file ({@code MAP_MODE: batch-map}, which tells numa to send batches on
 * {@code /var/run/numaflow/batchmap.sock}), plus {@link StreamAcrossBatchesInterceptor} so that the
 * stream survives its first batch.
 *
 * <p>Why batch map rather than the SDK's unary {@code mapper.Server}: the unary server creates and
 * stops an Akka actor per message, which cost 190-260 us of CPU per message on one core before any
 * Rollguard code ran (docs/vertices.md, "Performance"). The batch-map service hands a whole batch
 * (numa's read batch, up to {@code limits.readBatchSize} = 500) to one call on one thread.
 *
 * <p>Why not the SDK's {@code batchmapper.Server}: it ends numa's stream after the first batch
 * (fixed in 0.10.0), and its constructors offer no interceptor except an in-process one for the
 * SDK's tests. So this class does what {@code Server.start()/stop()} do with the SDK's building
 * blocks ({@link GrpcServerWrapper}, {@link GrpcServerUtils#writeServerInfo}) and only wraps the
 * SDK's service (package-private, hence the one reflective constructor call), as {@code
 * udf-window}'s {@code WindowReduceServer} does for the reducer. A batch that fails (the mapper
 * threw) makes the SDK fail the stream; as the SDK's server does, this one then stops, and {@code
 * onFailure} hears why (vertex mains stop the process, so the container restarts and numa retries).
 *
 * <p><b>Delete</b> with the interceptor when moving to numaflow-java >= 0.10.0 and use {@code new
 * batchmapper.Server(mapper, config)} again.
 */
public final class BatchMapServer implements GracefulServer {

  private static final Logger log = LoggerFactory.getLogger(BatchMapServer.class);

  /** numaflow-java 0.9.2's batch-map gRPC service (package-private, public constructor). */
  private static final String SDK_BATCH_MAP_SERVICE = "io.numaproj.numaflow.batchmapper.Service";

  /** Same values as the SDK's package-private {@code batchmapper.Constants}. */
  static final String POD_SOCKET_PATH = "/var/run/numaflow/batchmap.sock";

  static final String POD_SERVER_INFO_PATH = "/var/run/numaflow/mapper-server-info";
  static final String MAP_MODE_KEY = "MAP_MODE";
  static final String MAP_MODE = "batch-map";
  static final int LOCAL_PORT = 50051;
  static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

  private final GRPCConfig config;
  private final BindableService sdkService;
  private final GrpcServerWrapper server;
  private final CompletableFuture<Void> failed = new CompletableFuture<>();
  private final Consumer<Throwable> onFailure;

  /**
   * Serves {@code mapper} (see {@link PerMessageBatchMapper} to serve a per-message mapper).
   *
   * @param onFailure told once when a batch failed and the server stopped
   */
  public BatchMapServer(BatchMapper mapper, GRPCConfig config, Consumer<Throwable> onFailure) {
    this(mapper, config, onFailure, true);
  }

  /**
   * @param keepStreamAcrossBatches false only in the test that proves the interceptor is needed:
   *     serves exactly like the SDK's own {@code batchmapper.Server}
   */
  BatchMapServer(
      BatchMapper mapper,
      GRPCConfig config,
      Consumer<Throwable> onFailure,
      boolean keepStreamAcrossBatches) {
    Objects.requireNonNull(mapper, "mapper");
    this.config = Objects.requireNonNull(config, "config");
    this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
    this.sdkService = sdkBatchMapService(mapper, failed);
    BindableService served =
        keepStreamAcrossBatches
            ? () -> ServerInterceptors.intercept(sdkService, new StreamAcrossBatchesInterceptor())
            : sdkService;
    this.server = new GrpcServerWrapper(config, served);
  }

  /**
   * The SDK's default choice, made explicit (its {@code GRPCConfig.defaultGrpcConfig()} is
   * package-private): in a Numaflow pod ({@code NUMAFLOW_POD} set) the UDS socket and server-info
   * file numa expects under {@code /var/run/numaflow}; elsewhere plain TCP on localhost:50051.
   */
  public static GRPCConfig configFor(Map<String, String> env) {
    return GRPCConfig.newBuilder()
        .socketPath(POD_SOCKET_PATH)
        .infoFilePath(POD_SERVER_INFO_PATH)
        .maxMessageSize(MAX_MESSAGE_BYTES)
        .port(LOCAL_PORT)
        .isLocal(env.get("NUMAFLOW_POD") == null)
        .build();
  }

  /**
   * Writes the server-info file with the batch map mode (pod mode; it also removes a stale socket)
   * exactly as the SDK does, then binds and serves.
   */
  @Override
  public void start() throws Exception {
    if (!config.isLocal()) {
      GrpcServerUtils.writeServerInfo(
          new ServerInfoAccessorImpl(new ObjectMapper()),
          config.getSocketPath(),
          config.getInfoFilePath(),
          ContainerType.MAPPER,
          Map.of(MAP_MODE_KEY, MAP_MODE));
    }
    server.start();
    // Runs on another thread: stopping waits for streams, and the failed one is still closing.
    CompletableFuture<Void> unused =
        failed.whenCompleteAsync(
            (ignored, e) -> {
              if (e != null) {
                log.error("batch map stream failed, stopping the server: {}", e.toString(), e);
                try {
                  stop();
                } catch (InterruptedException interrupted) {
                  Thread.currentThread().interrupt();
                }
                onFailure.accept(e);
              }
            });
    log.info(
        "batch map server listening on {}",
        config.isLocal() ? "localhost:" + config.getPort() : config.getSocketPath());
  }

  /**
   * Stops accepting streams, lets running ones finish (up to the SDK's 30 s), then closes, and
   * stops the SDK service's batch threads (not daemon threads: they would keep the JVM alive).
   */
  @Override
  public void stop() throws InterruptedException {
    server.gracefullyShutdown();
    try {
      Method shutDown = sdkService.getClass().getMethod("shutDown");
      shutDown.setAccessible(true);
      shutDown.invoke(sdkService);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot stop " + SDK_BATCH_MAP_SERVICE + "'s executor", e);
    }
  }

  private static BindableService sdkBatchMapService(
      BatchMapper mapper, CompletableFuture<Void> failed) {
    try {
      Constructor<?> constructor =
          Class.forName(SDK_BATCH_MAP_SERVICE)
              .getDeclaredConstructor(BatchMapper.class, CompletableFuture.class);
      constructor.setAccessible(true);
      return (BindableService) constructor.newInstance(mapper, failed);
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new IllegalStateException(
          "cannot create "
              + SDK_BATCH_MAP_SERVICE
              + "(BatchMapper, CompletableFuture): this adapter is written for numaflow-java 0.9.x;"
              + " from 0.10.0 on use the SDK's batchmapper.Server instead",
          e);
    }
  }
}
