package io.rollguard.preprocess;

import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.registry.Backends;
import io.rollguard.common.registry.BundleCache;
import io.rollguard.common.stage.ScoringShape;
import io.rollguard.common.vertex.VertexRuntime;
import io.rollguard.common.vertex.batchmap.MapServers;
import java.time.Clock;

/**
 * Entry point of the udf-preprocess container. Configuration, {@code /metrics}, JSON logs and the
 * SIGTERM path come from {@link VertexRuntime}; bundles from the configured registry through the
 * per-pod {@link BundleCache}. The map server ({@link MapServers}: batch map unless
 * ROLLGUARD_MAP_SERVER=unary) listens on the UDS socket in a Numaflow pod and on localhost:50051
 * elsewhere.
 */
public final class PreprocessVertexMain {

  private PreprocessVertexMain() {}

  public static void main(String[] args) throws Exception {
    try (VertexRuntime runtime = VertexRuntime.start("udf-preprocess");
        Backends backends = Backends.open(runtime.config(), Clock.systemUTC())) {
      RollguardConfig config = runtime.config();
      BundleCache bundles = backends.bundleCache(runtime.registry());
      Preprocessor preprocessor = new Preprocessor(ScoringShape.of(config), bundles);
      runtime.serveUntilShutdown(
          MapServers.forMapper(
              new PreprocessMapper(preprocessor, runtime.registry()),
              System.getenv(),
              failure -> runtime.stop("a batch failed: " + failure)));
    }
  }
}
