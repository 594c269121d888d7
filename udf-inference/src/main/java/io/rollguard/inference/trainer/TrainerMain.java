package io.rollguard.inference.trainer;

import io.numaproj.numaflow.sinker.Server;
import io.rollguard.common.config.RegistrySettings;
import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.prometheus.PrometheusClient;
import io.rollguard.common.prometheus.PrometheusClientSettings;
import io.rollguard.common.redis.RedisConnectionSettings;
import io.rollguard.common.redis.RedisConnections;
import io.rollguard.common.registry.ModelRegistries;
import io.rollguard.common.registry.ModelRegistry;
import io.rollguard.common.vertex.GracefulServer;
import io.rollguard.common.vertex.VertexRuntime;
import java.time.Clock;
import redis.clients.jedis.JedisPooled;

/**
 * Entry point of the trainer: a user-defined sink on the inference vertex's {@code train} edge,
 * shipped in the udf-inference jar. Start it with {@code java -cp /app/vertex.jar
 * io.rollguard.inference.trainer.TrainerMain}, or with the image's default command plus the
 * argument {@code trainer} (see {@link InferenceVertexMain}).
 *
 * <p>With the Redis registry the lease and back-off live in the same Redis (shared by all trainer
 * replicas); with the directory registry (local mode, one trainer) they are in memory.
 */
public final class TrainerMain {

  private TrainerMain() {}

  public static void main(String[] args) throws Exception {
    try (VertexRuntime runtime = VertexRuntime.start("trainer");
        ModelRegistry registry = ModelRegistries.open(runtime.config(), Clock.systemUTC())) {
      RollguardConfig config = runtime.config();
      Clock clock = Clock.systemUTC();
      TrainerMetrics metrics = new TrainerMetrics(runtime.registry());
      PrometheusClient prometheus =
          new PrometheusClient(PrometheusClientSettings.from(config.prometheus()));
      JedisPooled redis = null;
      TrainingGuard guard;
      if (config.registry().backend() == RegistrySettings.Backend.REDIS) {
        redis = RedisConnections.open(RedisConnectionSettings.from(config.redis()));
        guard = new RedisTrainingGuard(redis, config.redis().keyPrefix(), podName());
      } else {
        guard = new LocalTrainingGuard(clock);
      }
      try (TrainingService service =
          new TrainingService(
              config,
              registry,
              new PrometheusHistorySource(prometheus, config, clock),
              guard,
              clock,
              metrics)) {
        Server server = new Server(new TrainerSink(service, metrics));
        runtime.serveUntilShutdown(GracefulServer.of(server::start, server::stop));
      } finally {
        if (redis != null) {
          redis.close();
        }
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
