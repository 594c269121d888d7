package io.rollguard.window;

import static io.rollguard.window.RustStyleReduceClient.epochMillis;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceRequest;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceResponse;
import io.numaproj.numaflow.reducer.GRPCConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.config.WindowSettings;
import io.rollguard.common.payload.PayloadCodec;
import io.rollguard.common.payload.Sample;
import io.rollguard.common.payload.ScoringKey;
import io.rollguard.common.payload.Window;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The window vertex over real gRPC, fed exactly like Numaflow >= 1.6 (Rust data plane) feeds it: no
 * window headers, the window only inside the requests. See {@link RustStyleReduceClient}.
 */
@Timeout(30)
class RustReduceWireTest {

  static final int PORT = 50112;
  static final int PORT_WITHOUT_ADAPTER = 50113;

  static final long STEP = 60_000;
  static final int ROWS = 3;
  static final long T0 = 1_700_000_040_000L; // on the minute grid
  static final List<String> METRICS = List.of("latency", "errors");
  static final WindowSettings SETTINGS = new WindowSettings(STEP, ROWS, 0.5, 1);
  static final double NaN = Double.NaN;

  static final ScoringKey CANARY = new ScoringKey("shop", "checkout", "canary", "7d9f8c");
  static final ScoringKey STABLE = new ScoringKey("shop", "checkout", "stable", "5b6c4a");

  /** Two overlapping sliding windows (length 3 steps, slide 1 step). */
  static final long A_START = T0;

  static final long A_END = T0 + 3 * STEP;
  static final long B_START = T0 + STEP;
  static final long B_END = T0 + 4 * STEP;

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private WindowReduceServer server;
  private ManagedChannel channel;

  @AfterEach
  void tearDown() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.stop();
    }
  }

  private RustStyleReduceClient serve(int port, boolean adapter) throws Exception {
    WindowReducerFactory factory = new WindowReducerFactory(SETTINGS, METRICS, registry);
    server =
        new WindowReduceServer(
            factory, GRPCConfig.newBuilder().isLocal(true).port(port).build(), adapter);
    server.start();
    channel = ManagedChannelBuilder.forAddress("localhost", port).usePlaintext().build();
    return new RustStyleReduceClient(channel);
  }

  static Sample sample(ScoringKey key, int step, Double latency, Double errors) {
    Map<String, Double> values = new LinkedHashMap<>();
    values.put("latency", latency);
    values.put("errors", errors);
    return new Sample(key, T0 + step * STEP, values);
  }

  /** The input, in event-time order, as the source emits it (one HA twin included). */
  static List<Sample> input() {
    return List.of(
        sample(CANARY, 0, 100.0, 1.0),
        sample(STABLE, 0, 50.0, 0.0),
        sample(CANARY, 1, 110.0, 2.0),
        sample(CANARY, 2, 120.0, 3.0),
        sample(CANARY, 2, 999.0, 999.0), // HA Prometheus twin: same key and timestamp, ignored
        sample(STABLE, 2, 52.0, null),
        sample(CANARY, 3, 130.0, 4.0),
        sample(STABLE, 3, 53.0, 0.0));
  }

  /** Routes each sample to every window containing it, as the Rust windower does. */
  static void feed(RustStyleReduceClient.WindowStream... windows) {
    for (Sample sample : input()) {
      for (RustStyleReduceClient.WindowStream window : windows) {
        if (sample.timestamp() >= window.start && sample.timestamp() < window.end) {
          window.send(
              sample.key().toKeys(),
              PayloadCodec.shared().encode(sample),
              sample.timestamp(),
              sample.timestamp() - 1);
        }
      }
    }
  }

  /** The decoded windows of one stream by role; asserts the stream shape: results, then EOF. */
  static Map<String, Window> windowsByRole(List<ReduceResponse> responses, long start, long end)
      throws Exception {
    assertTrue(responses.get(responses.size() - 1).getEOF(), "the stream ends with EOF");
    Map<String, Window> byRole = new HashMap<>();
    for (ReduceResponse response : responses.subList(0, responses.size() - 1)) {
      assertFalse(response.getEOF());
      assertEquals(start, epochMillis(response.getWindow().getStart()), "result window start");
      assertEquals(end, epochMillis(response.getWindow().getEnd()), "result window end");
      Window window =
          PayloadCodec.shared().decode(response.getResult().getValue().toByteArray(), Window.class);
      assertEquals(List.of(window.key().toKeys()), response.getResult().getKeysList());
      assertEquals(start, window.start());
      assertEquals(end, window.end());
      assertEquals(METRICS, window.metrics());
      byRole.put(window.key().role(), window);
    }
    return byRole;
  }

  @Test
  void assemblesTwoKeysInTwoOverlappingWindowsFromRustStyleStreams() throws Exception {
    RustStyleReduceClient client = serve(PORT, true);
    RustStyleReduceClient.WindowStream a = client.open(A_START, A_END);
    RustStyleReduceClient.WindowStream b = client.open(B_START, B_END);

    feed(a, b);
    a.close(); // the watermark passed A's end first
    b.close();

    List<ReduceResponse> aResponses = a.responses(20, TimeUnit.SECONDS);
    List<ReduceResponse> bResponses = b.responses(20, TimeUnit.SECONDS);
    assertEquals(3, aResponses.size(), "two windows (one per key) and EOF");
    assertEquals(3, bResponses.size(), "two windows (one per key) and EOF");

    Map<String, Window> inA = windowsByRole(aResponses, A_START, A_END);
    assertEquals(CANARY, inA.get("canary").key());
    assertMatrix(new double[][] {{100, 1}, {110, 2}, {120, 3}}, inA.get("canary"));
    assertEquals(1.0, inA.get("canary").coverage());
    // latency's one-step gap is filled; errors' trailing two-step gap stays missing
    assertMatrix(new double[][] {{50, 0}, {50, NaN}, {52, NaN}}, inA.get("stable"));
    assertEquals(1, inA.get("stable").filledCells());
    assertEquals(4.0 / 6.0, inA.get("stable").coverage());

    Map<String, Window> inB = windowsByRole(bResponses, B_START, B_END);
    assertMatrix(new double[][] {{110, 2}, {120, 3}, {130, 4}}, inB.get("canary"));
    // nothing before B's first stable sample to fill from
    assertMatrix(new double[][] {{NaN, NaN}, {52, NaN}, {53, 0}}, inB.get("stable"));
    assertEquals(0.5, inB.get("stable").coverage());

    assertEquals(4, Counters.value(registry, WindowMetrics.WINDOWS, "outcome", "emitted"));
    assertEquals(
        2, // the twin lies in both windows
        Counters.value(registry, WindowMetrics.SAMPLES_DISCARDED, "reason", "duplicate"));
  }

  @Test
  void withoutTheAdapterTheSdkFailsRustStyleStreams() throws Exception {
    // Serves exactly like numaflow-java 0.9.2's own reducer Server. When this test starts failing
    // after an SDK upgrade, the SDK reads the window from the request: delete the adapter.
    RustStyleReduceClient client = serve(PORT_WITHOUT_ADAPTER, false);
    RustStyleReduceClient.WindowStream a = client.open(A_START, A_END);

    feed(a);
    a.close();

    ExecutionException failure =
        assertThrows(ExecutionException.class, () -> a.responses(20, TimeUnit.SECONDS));
    StatusRuntimeException status =
        assertInstanceOf(StatusRuntimeException.class, failure.getCause());
    assertEquals(Status.Code.UNKNOWN, status.getStatus().getCode());
  }

  @Test
  void rejectsAStreamWhoseFirstRequestNamesNoWindow() throws Exception {
    RustStyleReduceClient client = serve(PORT, true);
    RustStyleReduceClient.WindowStream stream = client.open(A_START, A_END);

    stream.sendRaw(
        ReduceRequest.newBuilder()
            .setPayload(ReduceRequest.Payload.newBuilder().addAllKeys(List.of(CANARY.toKeys())))
            .build());
    stream.close();

    ExecutionException failure =
        assertThrows(ExecutionException.class, () -> stream.responses(20, TimeUnit.SECONDS));
    StatusRuntimeException status =
        assertInstanceOf(StatusRuntimeException.class, failure.getCause());
    assertEquals(Status.Code.INVALID_ARGUMENT, status.getStatus().getCode());
  }

  static void assertMatrix(double[][] expected, Window actual) {
    assertEquals(expected.length, actual.rows(), "rows");
    for (int r = 0; r < expected.length; r++) {
      assertArrayEquals(expected[r], actual.values()[r], "row " + r + " of " + actual.key());
    }
  }
}
