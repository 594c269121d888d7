package io.rollguard.inference.trainer;

import io.numaproj.numaflow.sinker.Server;
import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.prometheus.PrometheusClient;
import io.rollguard.common.registry.Backends;
import io.rollguard.common.vertex.GracefulServer;
import io.rollguard.common.vertex.VertexRuntime;
import java.time.Clock;

/**
 * Entry point of the trainer: a user-defined sink on the inference vertex's {@code train} edge,
 * shipped in the udf-inference jar. Start it with {@code java -cp /app/vertex.jar
 * io.rollguard.inference.trainer.TrainerMain}, or with the image's default command plus the
 * argument {@code trainer} (see {@link InferenceVertexMain}).
 *
 * <p>With the Redis registry the lease and back-off live in the same Redis (shared by all trainer
 * replicas); with the directory registry (local mode, one trainer) they are in memory ({@link
 * TrainingGuard#on}).
 */
public final class TrainerMain {

  private TrainerMain() {}

  public static void main(String[] args) throws Exception {
    Clock clock = Clock.systemUTC();
    try (VertexRuntime runtime = VertexRuntime.start("trainer");
        Backends backends = Backends.open(runtime.config(), clock)) {
      RollguardConfig config = runtime.config();
      TrainerMetrics metrics = new TrainerMetrics(runtime.registry());
      PrometheusClient prometheus = new PrometheusClient(config.prometheus());
      try (TrainingService service =
          new TrainingService(
              config,
              backends.registry(),
              new PrometheusHistorySource(prometheus, config, clock),
              TrainingGuard.on(backends, podName(), clock),
              clock,
              metrics)) {
        Server server = new Server(new TrainerSink(service, metrics));
        runtime.serveUntilShutdown(GracefulServer.of(server::start, server::stop));
      }
    }
  }

  /** Written into lease tokens so an operator sees who trains an entity. */
  static String podName() {
    String pod = System.getenv("NUMAFLOW_POD");
    if (pod == null || pod.isBlank()) {
      pod = System.getenv("HOSTNAME");
    }
    return pod == null || pod.isBlank() ? "trainer" : pod;
  }
}
