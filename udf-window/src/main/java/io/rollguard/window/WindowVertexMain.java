package io.rollguard.window;

import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.vertex.VertexRuntime;

/**
 * Entry point of the udf-window container, the keyed sliding-window reducer. Configuration, the
 * {@code /metrics} port, JSON logs and the SIGTERM path come from {@link VertexRuntime}; the reduce
 * server listens on the UDS socket in a Numaflow pod and on localhost:50051 elsewhere.
 */
public final class WindowVertexMain {

  private WindowVertexMain() {}

  public static void main(String[] args) throws Exception {
    try (VertexRuntime runtime = VertexRuntime.start("udf-window")) {
      RollguardConfig config = runtime.config();
      WindowReducerFactory factory =
          new WindowReducerFactory(
              config.windowSettings(), config.metricNames(), runtime.registry());
      runtime.serveUntilShutdown(
          new WindowReduceServer(factory, WindowReduceServer.configFor(System.getenv())));
    }
  }
}
