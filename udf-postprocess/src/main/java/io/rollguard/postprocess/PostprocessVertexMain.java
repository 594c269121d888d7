package io.rollguard.postprocess;

import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.registry.Backends;
import io.rollguard.common.registry.BundleCache;
import io.rollguard.common.stage.ScoringShape;
import io.rollguard.common.vertex.VertexRuntime;
import io.rollguard.common.vertex.batchmap.MapServers;
import java.time.Clock;

/**
 * Entry point of the udf-postprocess container: the model's calibration comes from the pinned
 * bundle (registry through the per-pod cache), the fallback calibration is fixed.
 */
public final class PostprocessVertexMain {

  private PostprocessVertexMain() {}

  public static void main(String[] args) throws Exception {
    try (VertexRuntime runtime = VertexRuntime.start("udf-postprocess");
        Backends backends = Backends.open(runtime.config(), Clock.systemUTC())) {
      RollguardConfig config = runtime.config();
      BundleCache bundles = backends.bundleCache(runtime.registry());
      Postprocessor postprocessor = new Postprocessor(ScoringShape.of(config), bundles);
      runtime.serveUntilShutdown(
          MapServers.forMapper(
              new PostprocessMapper(postprocessor, runtime.registry()),
              System.getenv(),
              failure -> runtime.stop("a batch failed: " + failure)));
    }
  }
}
