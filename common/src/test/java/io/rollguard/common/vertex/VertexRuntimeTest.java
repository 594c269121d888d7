package io.rollguard.common.vertex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.config.RollguardConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class VertexRuntimeTest {

  /** Upper bound for waits on other threads; a healthy run takes milliseconds. */
  private static final long WAIT_SECONDS = 10;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final AtomicReference<Throwable> servingFailure = new AtomicReference<>();
  private PrometheusRegistry registry;
  private VertexRuntime runtime;

  @BeforeEach
  void startRuntime() {
    registry = new PrometheusRegistry();
    runtime = VertexRuntime.start("test", TestConfigs.valid(), registry, 0);
  }

  @AfterEach
  void closeRuntime() {
    runtime.close();
    assertNull(servingFailure.get(), "serveUntilShutdown threw");
  }

  @Test
  void metricsEndpointServesRegisteredCounterAndJvmMetrics() throws Exception {
    Counter counter =
        Counter.builder()
            .name("rollguard_test_events_total")
            .help("events seen by the test")
            .labelNames("outcome")
            .register(registry);
    counter.labelValues("dropped").inc(3);

    HttpResponse<String> response = scrape(runtime.metricsPort());

    assertEquals(200, response.statusCode());
    assertTrue(
        response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"),
        "Prometheus text format");
    String body = response.body();
    assertTrue(
        body.contains("rollguard_test_events_total{outcome=\"dropped\"} 3.0"), "counter:\n" + body);
    assertTrue(body.contains("jvm_memory_used_bytes{area=\"heap\"}"), "JVM metrics:\n" + body);
    assertTrue(body.contains("jvm_threads_current"), "JVM thread metrics:\n" + body);
  }

  @Test
  void ephemeralPortIsReportedAsTheBoundPort() {
    assertTrue(runtime.metricsPort() > 0, "port 0 must resolve to a real port");
    assertEquals("test", runtime.vertexName());
    assertEquals(registry, runtime.registry());
  }

  @Test
  void jvmMetricsAreRegisteredOnceWhenTwoRuntimesShareARegistry() throws Exception {
    try (VertexRuntime second = VertexRuntime.start("second", TestConfigs.valid(), registry, 0)) {
      String body = scrape(second.metricsPort()).body();
      Matcher m = Pattern.compile("(?m)^# TYPE jvm_memory_used_bytes ").matcher(body);
      int families = 0;
      while (m.find()) {
        families++;
      }
      assertEquals(1, families, body);
    }
  }

  @Test
  void serveUntilShutdownReturnsAfterStopIsRequestedFromAnotherThread() throws Exception {
    FakeServer server = new FakeServer();
    Thread serving = serveInBackground(server);
    assertTrue(server.started.await(WAIT_SECONDS, TimeUnit.SECONDS), "server started");
    Thread hook = runtime.shutdownHook();

    Thread trigger = new Thread(() -> runtime.requestStop("test"));
    trigger.start();
    serving.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));

    assertFalse(serving.isAlive(), "serveUntilShutdown returned");
    assertEquals(1, server.stops.get());
    assertFalse(Runtime.getRuntime().removeShutdownHook(hook), "hook already removed");
    assertThrows(ConnectException.class, () -> scrape(runtime.metricsPort()), "metrics closed");
  }

  @Test
  void jvmShutdownHookStopsTheServerThenTerminatesWithTheSigtermStatus() throws Exception {
    AtomicInteger exitStatus = new AtomicInteger(-1);
    runtime.terminator(exitStatus::set);
    FakeServer server = new FakeServer();
    Thread serving = serveInBackground(server);
    assertTrue(server.started.await(WAIT_SECONDS, TimeUnit.SECONDS), "server started");

    // What the JVM runs on SIGTERM, run here without ending the test JVM.
    Thread hook = new Thread(runtime::onJvmShutdown);
    hook.start();
    hook.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
    serving.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));

    assertFalse(hook.isAlive(), "hook finished");
    assertFalse(serving.isAlive(), "serveUntilShutdown returned");
    assertEquals(1, server.stops.get());
    assertEquals(VertexRuntime.SHUTDOWN_EXIT_STATUS, exitStatus.get());
    assertThrows(ConnectException.class, () -> scrape(runtime.metricsPort()), "metrics closed");
  }

  @Test
  void aStopThatHangsIsAbandonedAfterTheGracePeriod() throws Exception {
    CountDownLatch neverReleasedByServer = new CountDownLatch(1);
    FakeServer server = new FakeServer(neverReleasedByServer);
    runtime.shutdownGrace(Duration.ofMillis(200));
    try {
      Thread serving = serveInBackground(server);
      assertTrue(server.started.await(WAIT_SECONDS, TimeUnit.SECONDS), "server started");

      runtime.requestStop("test");
      serving.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));

      assertFalse(serving.isAlive(), "returned although stop() never finished");
      assertEquals(1, server.stops.get(), "stop was attempted");
      assertThrows(ConnectException.class, () -> scrape(runtime.metricsPort()), "metrics closed");
    } finally {
      neverReleasedByServer.countDown();
    }
  }

  @Test
  void aServerThatFailsToStartIsStoppedAndReported() {
    GracefulServer failing =
        GracefulServer.of(
            () -> {
              throw new IOException("address already in use");
            },
            () -> {});

    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> runtime.serveUntilShutdown(failing));

    assertTrue(e.getMessage().contains("address already in use"), e.getMessage());
    assertFalse(Runtime.getRuntime().removeShutdownHook(runtime.shutdownHook()), "hook removed");
    assertThrows(ConnectException.class, () -> scrape(runtime.metricsPort()), "metrics closed");
  }

  @Test
  void servingTwiceIsRejected() throws Exception {
    FakeServer server = new FakeServer();
    Thread serving = serveInBackground(server);
    assertTrue(server.started.await(WAIT_SECONDS, TimeUnit.SECONDS), "server started");

    assertThrows(IllegalStateException.class, () -> runtime.serveUntilShutdown(new FakeServer()));

    runtime.requestStop("test");
    serving.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
    assertFalse(serving.isAlive());
  }

  @Test
  void anInvalidPortIsRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () -> VertexRuntime.start("bad", TestConfigs.valid(), new PrometheusRegistry(), 70_000));
  }

  @Test
  void aPortInUseIsReportedAsAnIoProblem() {
    assertThrows(
        UncheckedIOException.class,
        () ->
            VertexRuntime.start(
                "clash", TestConfigs.valid(), new PrometheusRegistry(), runtime.metricsPort()));
  }

  @Test
  void configIsHandedThrough() {
    RollguardConfig config = TestConfigs.valid();
    try (VertexRuntime other = VertexRuntime.start("other", config, new PrometheusRegistry(), 0)) {
      assertEquals(config, other.config());
    }
  }

  private Thread serveInBackground(GracefulServer server) {
    Thread serving =
        new Thread(
            () -> {
              try {
                runtime.serveUntilShutdown(server);
              } catch (Throwable t) {
                servingFailure.set(t);
              }
            },
            "test-serving");
    serving.start();
    return serving;
  }

  private HttpResponse<String> scrape(int port) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
            .timeout(Duration.ofSeconds(5))
            .GET()
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** Records its life cycle; {@code stop()} blocks until {@code release} opens, if given. */
  private static final class FakeServer implements GracefulServer {
    final CountDownLatch started = new CountDownLatch(1);
    final AtomicInteger stops = new AtomicInteger();
    private final CountDownLatch release;

    FakeServer() {
      this(new CountDownLatch(0));
    }

    FakeServer(CountDownLatch release) {
      this.release = release;
    }

    @Override
    public void start() {
      started.countDown();
    }

    @Override
    public void stop() throws InterruptedException {
      stops.incrementAndGet();
      release.await();
    }
  }
}
