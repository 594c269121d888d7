package io.rollguard.common.vertex;

import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * A vertex process for {@link VertexRuntimeSigtermTest}: serves a server that behaves like
 * numaflow-java 0.9.2's Mapper on shutdown, i.e. whose {@code start()} registers a JVM shutdown
 * hook that calls {@code System.exit} from inside the hook (which alone blocks JVM exit forever).
 */
public final class SigtermChild {

  static final String READY = "CHILD-READY";
  static final String SDK_HOOK_RAN = "SDK-LIKE-HOOK-RAN";

  private SigtermChild() {}

  public static void main(String[] args) throws Exception {
    VertexRuntime runtime =
        VertexRuntime.start("sigterm-child", TestConfigs.valid(), new PrometheusRegistry(), 0);
    GracefulServer sdkLike =
        GracefulServer.of(
            () ->
                Runtime.getRuntime()
                    .addShutdownHook(
                        new Thread(
                            () -> {
                              System.out.println(SDK_HOOK_RAN);
                              System.out.flush();
                              System.exit(0); // what mapper.Server's hook does in 0.9.2
                            })),
            () -> {});
    new Thread(
            () -> {
              // Announce readiness only once serveUntilShutdown has registered its hook.
              while (runtime.shutdownHook() == null) {
                Thread.onSpinWait();
              }
              System.out.println(READY);
              System.out.flush();
            })
        .start();
    runtime.serveUntilShutdown(sdkLike);
  }
}
