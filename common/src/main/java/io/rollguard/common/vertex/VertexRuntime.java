package io.rollguard.common.vertex;

import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.config.ConfigException;
import io.rollguard.common.config.ConfigLoader;
import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.http.BoundedHttpServer;
import io.rollguard.common.http.HttpLimits;
import io.rollguard.common.http.PrometheusMetricsHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import org.eclipse.jetty.http.pathmap.PathSpec;
import org.eclipse.jetty.server.handler.PathMappingsHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way every vertex starts: configuration, the {@code /metrics} endpoint, JVM metrics and a
 * graceful SIGTERM path. A vertex main is:
 *
 * <pre>{@code
 * try (VertexRuntime runtime = VertexRuntime.start("window")) {
 *   Server server = new Server(factory);            // numaflow-java
 *   runtime.serveUntilShutdown(GracefulServer.of(server::start, server::stop));
 * }
 * }</pre>
 *
 * <p><b>Why the SIGTERM path halts the JVM.</b> numaflow-java 0.9.2's {@code server.start()}
 * registers its own shutdown hook. The Mapper and SourceTransformer hooks call {@code System.exit}
 * from inside the hook, which blocks forever (the JVM is already exiting), so the pod would hang
 * until Kubernetes kills it at the end of its grace period. Our own hook therefore stops the server
 * within a bounded grace period, closes the metrics endpoint, logs that it is exiting and then
 * calls {@link Runtime#halt}: the remaining hooks (the SDK's) are not waited for. Logs are not
 * lost: the console appender flushes every event. (Measured with a real 0.9.2 Mapper server:
 * without this the JVM was still hanging 15 s after SIGTERM; with it, it exits about 0.4 s after
 * SIGTERM, status 143. {@code VertexRuntimeSigtermTest} checks the same in a child JVM.)
 *
 * <p>The exit status after a JVM shutdown is always {@value #SHUTDOWN_EXIT_STATUS}: a hook cannot
 * see the status a {@code System.exit(n)} elsewhere asked for.
 */
public final class VertexRuntime implements AutoCloseable {

  /**
   * How long {@link GracefulServer#stop()} may take before the vertex gives up on it. Below the
   * Kubernetes default {@code terminationGracePeriodSeconds} (30 s) so that the vertex exits on its
   * own, and the SDK's own gRPC shutdown waits at most 30 s, so we never wait for it in full.
   */
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(20);

  /** Exit status after a JVM shutdown: the status a JVM reports for SIGTERM (128 + 15). */
  static final int SHUTDOWN_EXIT_STATUS = 143;

  /** Exit status when the configuration is invalid or the metrics port cannot be bound. */
  static final int STARTUP_FAILURE_EXIT_STATUS = 2;

  private static final Logger log = LoggerFactory.getLogger(VertexRuntime.class);

  /** Extra time the shutdown hook waits beyond the grace period for the metrics to close. */
  private static final Duration HOOK_MARGIN = Duration.ofSeconds(2);

  private final String vertexName;
  private final RollguardConfig config;
  private final PrometheusRegistry registry;
  private final BoundedHttpServer metricsServer;

  private final AtomicBoolean serving = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile String stopReason = "";
  private volatile Thread shutdownHook;
  private volatile Duration shutdownGrace = DEFAULT_SHUTDOWN_GRACE;
  // Replaced in tests: halting the test JVM would end the test run.
  private volatile IntConsumer terminator = status -> Runtime.getRuntime().halt(status);

  private VertexRuntime(
      String vertexName,
      RollguardConfig config,
      PrometheusRegistry registry,
      BoundedHttpServer server) {
    this.vertexName = vertexName;
    this.config = config;
    this.registry = registry;
    this.metricsServer = server;
  }

  /**
   * Starts a vertex from its environment: loads the configuration with {@link
   * ConfigLoader#loadFromEnvironment()}, serves {@code /metrics} on {@code vertex.metricsPort} from
   * the default registry, and registers JVM metrics. (The loader applies the {@code
   * ROLLGUARD_METRICS_PORT} override and checks the range; 0 picks a free port.)
   *
   * <p>Fails fast: an invalid configuration or an unusable metrics port is logged with the field at
   * fault and the process exits with status {@value #STARTUP_FAILURE_EXIT_STATUS}. No SDK server
   * exists yet at this point, so a plain {@code System.exit} cannot deadlock.
   */
  public static VertexRuntime start(String vertexName) {
    RollguardConfig config;
    try {
      config = ConfigLoader.loadFromEnvironment();
    } catch (ConfigException e) {
      // The message starts with the field path (ConfigException's contract); the field is also a
      // separate JSON field for log queries.
      log.atError()
          .addKeyValue("field", e.field())
          .log("vertex {}: invalid configuration: {}", vertexName, e.getMessage());
      throw exitOnStartupFailure(e);
    }
    int port = config.vertex().metricsPort();
    try {
      return start(vertexName, config, PrometheusRegistry.defaultRegistry, port);
    } catch (UncheckedIOException e) {
      log.atError()
          .addKeyValue("field", "vertex.metricsPort")
          .log(
              "vertex {}: vertex.metricsPort: cannot serve /metrics on port {}: {}",
              vertexName,
              port,
              e.getCause().getMessage());
      throw exitOnStartupFailure(e);
    }
  }

  /** Exits the process; declared to return so that callers can {@code throw} and stay definite. */
  private static IllegalStateException exitOnStartupFailure(Exception cause) {
    System.exit(STARTUP_FAILURE_EXIT_STATUS);
    return new IllegalStateException("System.exit returned", cause);
  }

  /**
   * Starts a vertex with an explicit configuration and registry (tests, the local runner). Serves
   * {@code /metrics} from {@code registry} on {@code metricsPort} (0 = a free port, see {@link
   * #metricsPort()}) and registers the JVM metrics in it; registering them in the same registry
   * twice is a no-op of the Prometheus client.
   *
   * <p>The endpoint runs on {@link BoundedHttpServer} with {@link HttpLimits#VERTEX_METRICS}: a
   * client that sends half a request header holds a connection for at most the header timeout and
   * never a thread, so it cannot stop the scrapes (the JDK server the Prometheus client bundles
   * reads headers on a worker thread without a timeout).
   *
   * @throws UncheckedIOException if the port cannot be bound
   */
  public static VertexRuntime start(
      String vertexName, RollguardConfig config, PrometheusRegistry registry, int metricsPort) {
    Objects.requireNonNull(vertexName, "vertexName");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(registry, "registry");
    if (!isPort(metricsPort)) {
      throw new IllegalArgumentException("metricsPort must be in [0, 65535], got " + metricsPort);
    }
    JvmMetrics.builder().register(registry);
    PathMappingsHandler routes = new PathMappingsHandler();
    routes.addMapping(PathSpec.from("/metrics"), new PrometheusMetricsHandler(registry));
    BoundedHttpServer server;
    try {
      server =
          BoundedHttpServer.start(
              vertexName + "-metrics", metricsPort, HttpLimits.VERTEX_METRICS, null, routes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind the metrics port " + metricsPort, e);
    }
    log.info("vertex {}: serving /metrics on port {}", vertexName, server.port());
    return new VertexRuntime(vertexName, config, registry, server);
  }

  public String vertexName() {
    return vertexName;
  }

  public RollguardConfig config() {
    return config;
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  /** The port {@code /metrics} is actually bound to (the chosen one when 0 was asked for). */
  public int metricsPort() {
    return metricsServer.port();
  }

  /** Connections open now to {@code /metrics}, unfinished requests included. */
  public int metricsConnections() {
    return metricsServer.openConnections();
  }

  /**
   * Starts {@code server} and blocks until the vertex is asked to stop (SIGTERM or any other JVM
   * shutdown), then stops the server within the shutdown grace period and closes the metrics
   * endpoint. Under a JVM shutdown the process is then halted (see the class comment); the method
   * itself returns when the stop was requested from inside the process.
   *
   * @throws IllegalStateException if the server fails to start (after cleaning up), or if this
   *     runtime is already serving or closed
   * @throws InterruptedException if the calling thread is interrupted; the server is stopped first
   */
  public void serveUntilShutdown(GracefulServer server) throws InterruptedException {
    Objects.requireNonNull(server, "server");
    if (closed.get()) {
      throw new IllegalStateException("vertex " + vertexName + ": runtime is closed");
    }
    if (!serving.compareAndSet(false, true)) {
      throw new IllegalStateException("vertex " + vertexName + ": already serving");
    }
    // Registered before server.start(): a SIGTERM that arrives while the SDK binds its socket must
    // still take the bounded path rather than the SDK's own hook alone.
    Thread hook = new Thread(this::onJvmShutdown, "rollguard-" + vertexName + "-shutdown");
    shutdownHook = hook;
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      server.start();
    } catch (Exception e) {
      log.error("vertex {}: server failed to start: {}", vertexName, e.toString(), e);
      stopWithinGrace(server);
      finishStop();
      throw new IllegalStateException(
          "vertex " + vertexName + ": server failed to start: " + e.getMessage(), e);
    }
    log.info("vertex {}: server started; metrics on port {}", vertexName, metricsPort());
    try {
      stopRequested.await();
    } finally {
      log.info(
          "vertex {}: stopping ({}), grace period {} ms",
          vertexName,
          stopReason.isEmpty() ? "interrupted" : stopReason,
          shutdownGrace.toMillis());
      stopWithinGrace(server);
      finishStop();
    }
  }

  /** Closes the metrics endpoint. Idempotent. Does not stop a server that is still serving. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      metricsServer.stop();
      log.info("vertex {}: metrics endpoint closed", vertexName);
    }
  }

  /**
   * Asks {@link #serveUntilShutdown} to stop from inside the vertex, e.g. when it finds that it
   * cannot work as configured; the server is stopped within the grace period and the call returns,
   * so the vertex main can exit with its own status.
   */
  public void stop(String reason) {
    requestStop(Objects.requireNonNull(reason, "reason"));
  }

  /** Asks {@link #serveUntilShutdown} to stop; the first reason wins. Package-private for tests. */
  void requestStop(String reason) {
    synchronized (stopRequested) {
      if (stopRequested.getCount() > 0) {
        stopReason = reason;
        stopRequested.countDown();
      }
    }
  }

  /** The body of the shutdown hook. Package-private so tests can run it without a real SIGTERM. */
  void onJvmShutdown() {
    log.info(
        "vertex {}: JVM shutdown (SIGTERM) received, stopping the server within {} ms",
        vertexName,
        shutdownGrace.toMillis());
    requestStop("JVM shutdown");
    boolean finished;
    try {
      finished = stopped.await(shutdownGrace.plus(HOOK_MARGIN).toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      finished = false;
    }
    log.info(
        "vertex {}: {}; halting the JVM with status {} now, without waiting for the numaflow-java"
            + " shutdown hooks (0.9.2's call System.exit inside the hook and would block exit)",
        vertexName,
        finished ? "stopped" : "stop did not finish in time",
        SHUTDOWN_EXIT_STATUS);
    terminator.accept(SHUTDOWN_EXIT_STATUS);
  }

  /** Test seam: what the shutdown hook does after stopping (production: {@link Runtime#halt}). */
  void terminator(IntConsumer terminator) {
    this.terminator = Objects.requireNonNull(terminator, "terminator");
  }

  /** Test seam: a shorter grace period. */
  void shutdownGrace(Duration grace) {
    if (grace.isNegative() || grace.isZero()) {
      throw new IllegalArgumentException("shutdown grace must be > 0, got " + grace);
    }
    this.shutdownGrace = grace;
  }

  /** The hook registered by {@link #serveUntilShutdown}, null before. Package-private for tests. */
  Thread shutdownHook() {
    return shutdownHook;
  }

  private static boolean isPort(int port) {
    return port >= 0 && port <= 65_535;
  }

  /**
   * Runs {@code server.stop()} on its own thread and waits at most the grace period: the SDK's stop
   * waits up to 30 s for in-flight calls, longer than we may take before Kubernetes kills the pod.
   */
  private void stopWithinGrace(GracefulServer server) {
    Thread stopper =
        new Thread(
            () -> {
              try {
                server.stop();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (Exception e) {
                log.warn("vertex {}: server stop failed: {}", vertexName, e.toString(), e);
              }
            },
            "rollguard-" + vertexName + "-stop");
    stopper.setDaemon(true);
    stopper.start();
    try {
      stopper.join(shutdownGrace.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (stopper.isAlive()) {
      log.warn(
          "vertex {}: server did not stop within {} ms; closing anyway",
          vertexName,
          shutdownGrace.toMillis());
    } else {
      log.info("vertex {}: server stopped", vertexName);
    }
  }

  private void finishStop() {
    close();
    removeShutdownHook();
    stopped.countDown();
  }

  private void removeShutdownHook() {
    Thread hook = shutdownHook;
    if (hook == null || Thread.currentThread() == hook) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shutdownInProgress) {
      // The JVM is already exiting and the hook is running: it halts the JVM itself.
    }
  }
}
