package io.rollguard.window;

import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.vertex.VertexRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of the udf-window container, the keyed sliding-window reducer. Configuration, the
 * {@code /metrics} port, JSON logs and the SIGTERM path come from {@link VertexRuntime}; the reduce
 * server listens on the UDS socket in a Numaflow pod and on localhost:50051 elsewhere.
 */
public final class WindowVertexMain {

  private static final Logger log = LoggerFactory.getLogger(WindowVertexMain.class);

  /**
   * Exit status when Numaflow's window is not the configured one (as for an invalid configuration).
   */
  static final int WINDOW_MISMATCH_EXIT_STATUS = 2;

  private WindowVertexMain() {}

  public static void main(String[] args) throws Exception {
    WindowSpecGuard guard;
    try (VertexRuntime runtime = VertexRuntime.start("udf-window")) {
      RollguardConfig config = runtime.config();
      guard =
          new WindowSpecGuard(
              config.windowSettings(),
              message -> {
                log.atError()
                    .addKeyValue("field", "window.lengthSteps")
                    .log("vertex udf-window: {}", message);
                runtime.stop("the Pipeline's window differs from the configuration");
              });
      WindowReducerFactory factory =
          new WindowReducerFactory(
              config.windowSettings(), config.metricNames(), runtime.registry(), guard);
      runtime.serveUntilShutdown(
          new WindowReduceServer(factory, WindowReduceServer.configFor(System.getenv())));
    }
    if (guard.tripped()) {
      // Not System.exit: the SDK's shutdown hooks would block it (see VertexRuntime). Kubernetes
      // restarts the container and the error stays in its log until the two windows agree.
      Runtime.getRuntime().halt(WINDOW_MISMATCH_EXIT_STATUS);
    }
  }
}
