package io.rollguard.source;

import io.numaproj.numaflow.sourcer.Server;
import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.prometheus.PrometheusClient;
import io.rollguard.common.registry.Backends;
import io.rollguard.common.vertex.GracefulServer;
import io.rollguard.common.vertex.VertexRuntime;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point of the source-prometheus vertex container. */
public final class SourceVertexMain {

  private SourceVertexMain() {}

  /** Exit status when the vertex cannot start (Redis unreachable at start, port in use, ...). */
  static final int STARTUP_FAILURE_EXIT_STATUS = 2;

  private static final Logger LOG = LoggerFactory.getLogger(SourceVertexMain.class);

  public static void main(String[] args) {
    VertexRuntime runtime = VertexRuntime.start("source-prometheus");
    try {
      run(runtime);
    } catch (Exception e) {
      // The metrics server's threads would keep the JVM (and a broken pod) alive: exit so that
      // Kubernetes restarts the container. No SDK server is serving at this point.
      LOG.error("vertex source-prometheus failed: {}", e.toString(), e);
      runtime.close();
      System.exit(STARTUP_FAILURE_EXIT_STATUS);
    }
  }

  private static void run(VertexRuntime runtime) throws Exception {
    RollguardConfig config = runtime.config();
    SourceMetrics metrics = new SourceMetrics(runtime.registry());
    PrometheusClient client = new PrometheusClient(config.prometheus(), metrics.clientListener());
    List<MetricQuery> queries =
        MetricQuery.renderAll(config.metrics(), config.entity(), config.prometheus().rateRange());
    StepFetcher fetcher =
        new StepFetcher(
            client,
            queries,
            new SampleAssembler(config.entity(), config.metricNames(), metrics),
            metrics);
    try (Backends backends = Backends.open(config, Clock.systemUTC())) {
      int partition = PrometheusSourcer.defaultPartition();
      AckedOffsetStore offsets =
          new AckedOffsetStore(
              backends.redis(),
              AckedOffsetStore.key(
                  config.redis().keyPrefix(),
                  env("NUMAFLOW_PIPELINE_NAME", "local"),
                  env("NUMAFLOW_VERTEX_NAME", "source"),
                  partition),
              SourceSettings.DEFAULT_OFFSET_TTL);
      PrometheusSourcer sourcer =
          new PrometheusSourcer(
              SourceSettings.from(config), fetcher, offsets, metrics, Clock.systemUTC(), partition);
      Server server = new Server(sourcer);
      runtime.serveUntilShutdown(GracefulServer.of(server::start, server::stop));
    } finally {
      runtime.close();
    }
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
