package io.rollguard.store;

import io.numaproj.numaflow.sinker.Server;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.rollguard.common.config.MetricSpec;
import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.config.StoreSettings;
import io.rollguard.common.registry.Backends;
import io.rollguard.common.vertex.GracefulServer;
import io.rollguard.common.vertex.VertexRuntime;
import io.rollguard.store.verdict.CanaryJudge;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point of the sink-anomaly-store vertex container (also usable as the fallback udsink). */
public final class StoreVertexMain {

  private StoreVertexMain() {}

  /** Exit status when the vertex cannot start (Redis unreachable at start, port in use, ...). */
  static final int STARTUP_FAILURE_EXIT_STATUS = 2;

  private static final Logger LOG = LoggerFactory.getLogger(StoreVertexMain.class);

  public static void main(String[] args) {
    VertexRuntime runtime = VertexRuntime.start("sink-anomaly-store");
    try {
      run(runtime);
    } catch (Exception e) {
      // The metrics server's threads would keep the JVM (and a broken pod) alive: exit so that
      // Kubernetes restarts the container. No SDK server is serving at this point.
      LOG.error("vertex sink-anomaly-store failed: {}", e.toString(), e);
      runtime.close();
      System.exit(STARTUP_FAILURE_EXIT_STATUS);
    }
  }

  private static void run(VertexRuntime runtime) throws Exception {
    RollguardConfig config = runtime.config();
    StoreSettings store = config.store();
    StoreMetrics metrics = new StoreMetrics(runtime.registry());
    Clock clock = Clock.systemUTC();
    try (Backends backends = Backends.open(config, clock)) {
      ScoreStore scores = ScoreStore.redis(backends, store, clock, metrics);
      VerdictService verdicts =
          new VerdictService(
              scores.reader(), clock, CanaryJudge.of(config.verdict(), config.metrics()));
      PrometheusRegistry exported =
          storeRegistry(
              runtime.registry(),
              new AnomalyScoreCollector(
                  scores.reader(),
                  store.staleness(),
                  clock,
                  metrics,
                  store.metricsMaxKeys(),
                  verdicts));
      StoreHttpServer http =
          new StoreHttpServer(store.httpPort(), store.http(), exported, verdicts, metrics);
      AnomalyStoreSink sink =
          new AnomalyStoreSink(
              scores.writer(),
              config.metrics().stream().map(MetricSpec::name).toList(),
              MalformedRecordPolicy.fromEnvironment(System.getenv()),
              metrics,
              AnomalyStoreSink.DEFAULT_CHUNK_SIZE);
      Server server = new Server(sink);
      try {
        runtime.serveUntilShutdown(GracefulServer.of(server::start, server::stop));
      } finally {
        http.stop();
      }
    } finally {
      runtime.close();
    }
  }

  /**
   * The registry of the store's {@code /metrics}: the scores plus everything in the vertex's own
   * registry (operational and JVM metrics), so one scrape target carries both.
   */
  public static PrometheusRegistry storeRegistry(
      PrometheusRegistry operational, AnomalyScoreCollector scores) {
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register(scores);
    registry.register(
        new MultiCollector() {
          @Override
          public MetricSnapshots collect() {
            return operational.scrape();
          }
        });
    return registry;
  }
}
