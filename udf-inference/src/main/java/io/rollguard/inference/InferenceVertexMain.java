package io.rollguard.inference;

import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.registry.Backends;
import io.rollguard.common.registry.BundleCache;
import io.rollguard.common.stage.ScoringShape;
import io.rollguard.common.vertex.VertexRuntime;
import io.rollguard.common.vertex.batchmap.MapServers;
import io.rollguard.inference.trainer.TrainerMain;
import java.time.Clock;

/**
 * Entry point of the udf-inference container. The same jar also carries the trainer: with the first
 * argument {@code trainer} (the image's entrypoint is {@code java ... -jar /app/vertex.jar}, so the
 * pipeline's trainer vertex sets {@code args: ["trainer"]}) this main hands over to {@link
 * TrainerMain}; {@code java -cp /app/vertex.jar io.rollguard.inference.trainer.TrainerMain} works
 * as well.
 */
public final class InferenceVertexMain {

  /** The argument that selects the trainer. */
  public static final String TRAINER_ARG = "trainer";

  private InferenceVertexMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && TRAINER_ARG.equals(args[0])) {
      TrainerMain.main(new String[0]);
      return;
    }
    if (args.length > 0) {
      System.err.println(
          "udf-inference: unknown argument '"
              + args[0]
              + "'; use no argument for the"
              + " inference map vertex or '"
              + TRAINER_ARG
              + "' for the trainer sink");
      System.exit(2);
    }
    try (VertexRuntime runtime = VertexRuntime.start("udf-inference");
        Backends backends = Backends.open(runtime.config(), Clock.systemUTC())) {
      RollguardConfig config = runtime.config();
      BundleCache bundles = backends.bundleCache(runtime.registry());
      // One request per entity per retryBackoff: the trainer does not retry an entity sooner.
      TrainRequestLimiter limiter = TrainRequestLimiter.of(config);
      Inferencer inferencer =
          new Inferencer(
              ScoringShape.of(config),
              bundles,
              limiter,
              config.training().retrainEvery(),
              Clock.systemUTC());
      runtime.serveUntilShutdown(
          MapServers.forMapper(
              new InferenceMapper(inferencer, config.metrics(), runtime.registry()),
              System.getenv(),
              failure -> runtime.stop("a batch failed: " + failure)));
    }
  }
}
