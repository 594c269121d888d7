package io.rollguard.window;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.BindableService;
import io.grpc.ServerInterceptors;
import io.numaproj.numaflow.info.ContainerType;
import io.numaproj.numaflow.info.ServerInfoAccessorImpl;
import io.numaproj.numaflow.reducer.GRPCConfig;
import io.numaproj.numaflow.reducer.Reducer;
import io.numaproj.numaflow.reducer.ReducerFactory;
import io.numaproj.numaflow.shared.GrpcServerUtils;
import io.numaproj.numaflow.shared.GrpcServerWrapper;
import io.rollguard.common.vertex.GracefulServer;
import java.lang.reflect.Constructor;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reduce server of the window vertex: numaflow-java 0.9.2's own reducer service, transport and
 * server-info file, plus the {@link RequestWindowInterceptor} so that it works on both Numaflow
 * data planes (window in headers up to 1.5, window only in the requests from 1.6).
 *
 * <p>Why not the SDK's {@code reducer.Server}: its public constructors offer no interceptor, and
 * its protected one with a {@code ServerInterceptor} builds an <em>in-process</em> gRPC server (for
 * the SDK's own tests), which numa cannot reach. So this class does what {@code
 * Server.start()/stop()} do, with the same SDK building blocks ({@link GrpcServerWrapper} for the
 * UDS or TCP server with the SDK's header interceptor, {@link GrpcServerUtils#writeServerInfo} for
 * the server-info file), and only wraps the SDK's reducer service with the interceptor. The service
 * class is package-private in the SDK, hence the one reflective constructor call.
 *
 * <p><b>Delete</b> together with {@link RequestWindowInterceptor} when moving to numaflow-java >=
 * 0.10.1 and use {@code new Server(factory)} again.
 */
public final class WindowReduceServer implements GracefulServer {

  private static final Logger log = LoggerFactory.getLogger(WindowReduceServer.class);

  /** numaflow-java 0.9.2's reducer gRPC service (package-private, public constructor). */
  private static final String SDK_REDUCE_SERVICE = "io.numaproj.numaflow.reducer.Service";

  /** Same values as the SDK's package-private {@code reducer.Constants}. */
  static final String POD_SOCKET_PATH = "/var/run/numaflow/reduce.sock";

  static final String POD_SERVER_INFO_PATH = "/var/run/numaflow/reducer-server-info";
  static final int LOCAL_PORT = 50051;
  static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

  private final GRPCConfig config;
  private final GrpcServerWrapper server;

  /** Serves {@code factory} with the request-window adapter. */
  public WindowReduceServer(ReducerFactory<? extends Reducer> factory, GRPCConfig config) {
    this(factory, config, true);
  }

  /**
   * @param adaptRequestWindows false only in the test that proves the adapter is needed: serves
   *     exactly like the SDK's own {@code Server}
   */
  WindowReduceServer(
      ReducerFactory<? extends Reducer> factory, GRPCConfig config, boolean adaptRequestWindows) {
    Objects.requireNonNull(factory, "factory");
    this.config = Objects.requireNonNull(config, "config");
    BindableService sdkService = sdkReduceService(factory);
    BindableService served =
        adaptRequestWindows
            ? () -> ServerInterceptors.intercept(sdkService, new RequestWindowInterceptor())
            : sdkService;
    this.server = new GrpcServerWrapper(config, served);
  }

  /**
   * The SDK's default choice, made explicit (its {@code GRPCConfig.defaultGrpcConfig()} is
   * package-private): in a Numaflow pod ({@code NUMAFLOW_POD} set) the UDS socket and server-info
   * file numa expects under {@code /var/run/numaflow}; elsewhere plain TCP on localhost:50051.
   */
  public static GRPCConfig configFor(Map<String, String> env) {
    GRPCConfig.GRPCConfigBuilder builder =
        GRPCConfig.newBuilder()
            .socketPath(POD_SOCKET_PATH)
            .infoFilePath(POD_SERVER_INFO_PATH)
            .maxMessageSize(MAX_MESSAGE_BYTES)
            .port(LOCAL_PORT);
    return builder.isLocal(env.get("NUMAFLOW_POD") == null).build();
  }

  /**
   * Writes the server-info file (pod mode; it also removes a stale socket) exactly as the SDK does,
   * then binds and serves.
   */
  @Override
  public void start() throws Exception {
    if (!config.isLocal()) {
      GrpcServerUtils.writeServerInfo(
          new ServerInfoAccessorImpl(new ObjectMapper()),
          config.getSocketPath(),
          config.getInfoFilePath(),
          ContainerType.REDUCER);
    }
    server.start();
    log.info(
        "reduce server listening on {}",
        config.isLocal() ? "localhost:" + config.getPort() : config.getSocketPath());
  }

  /** Stops accepting streams, lets running ones finish (up to the SDK's 30 s), then closes. */
  @Override
  public void stop() throws InterruptedException {
    server.gracefullyShutdown();
  }

  private static BindableService sdkReduceService(ReducerFactory<? extends Reducer> factory) {
    try {
      Constructor<?> constructor =
          Class.forName(SDK_REDUCE_SERVICE).getDeclaredConstructor(ReducerFactory.class);
      constructor.setAccessible(true);
      return (BindableService) constructor.newInstance(factory);
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new IllegalStateException(
          "cannot create "
              + SDK_REDUCE_SERVICE
              + "(ReducerFactory): this adapter is written for"
              + " numaflow-java 0.9.x; from 0.10.1 on use the SDK's reducer.Server instead",
          e);
    }
  }
}
