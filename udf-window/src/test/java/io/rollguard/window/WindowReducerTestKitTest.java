package io.rollguard.window;

import static io.rollguard.window.WindowAssemblerTest.KEY;
import static io.rollguard.window.WindowAssemblerTest.START;
import static io.rollguard.window.WindowAssemblerTest.STEP;
import static io.rollguard.window.WindowAssemblerTest.row;
import static io.rollguard.window.WindowAssemblerTest.sample;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.numaproj.numaflow.reducer.Datum;
import io.numaproj.numaflow.reducer.GRPCConfig;
import io.numaproj.numaflow.reducer.Message;
import io.numaproj.numaflow.reducer.MessageList;
import io.numaproj.numaflow.reducer.ReducerTestKit;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.config.WindowSettings;
import io.rollguard.common.payload.PayloadCodec;
import io.rollguard.common.payload.Sample;
import io.rollguard.common.payload.Window;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The SDK's ReducerTestKit, whose client sends the window both as headers and in the requests, like
 * the Go data plane (Numaflow <= 1.5): once against the SDK's own server, once against {@link
 * WindowReduceServer}, whose adapter must leave such streams alone.
 */
@Timeout(30)
class WindowReducerTestKitTest {

  static final int SDK_SERVER_PORT = 50110;
  static final int WINDOW_SERVER_PORT = 50111;
  static final int ROWS = 4;
  static final long END = START + ROWS * STEP;
  static final List<String> METRICS = List.of("latency", "errors");

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final WindowReducerFactory factory =
      new WindowReducerFactory(new WindowSettings(STEP, ROWS, 0.75, 1), METRICS, registry);

  private static GRPCConfig local(int port) {
    return GRPCConfig.newBuilder().isLocal(true).port(port).build();
  }

  private static ReducerTestKit.TestReduceRequest request(List<Sample> samples) {
    List<Datum> data = new ArrayList<>();
    for (Sample s : samples) {
      data.add(
          ReducerTestKit.TestDatum.builder()
              .value(PayloadCodec.shared().encode(s))
              .eventTime(Instant.ofEpochMilli(s.timestamp()))
              .watermark(Instant.ofEpochMilli(s.timestamp() - 1))
              .build());
    }
    return ReducerTestKit.TestReduceRequest.builder()
        .datumList(data)
        .keys(KEY.toKeys())
        .startTime(Instant.ofEpochMilli(START))
        .endTime(Instant.ofEpochMilli(END))
        .build();
  }

  /** Rows 0, 1 and 3 observed, row 2 a one-step gap: filled, coverage 1. */
  private static List<Sample> threeOfFourRows() {
    return List.of(sample(row(3), 4.0, 40.0), sample(row(0), 1.0, 10.0), sample(row(1), 2.0, 20.0));
  }

  private static void assertFilledWindow(MessageList output) throws Exception {
    assertEquals(1, output.getMessages().size());
    Message message = output.getMessages().get(0);
    assertArrayEquals(KEY.toKeys(), message.getKeys());
    Window window = PayloadCodec.shared().decode(message.getValue(), Window.class);
    assertEquals(START, window.start());
    assertEquals(END, window.end());
    assertArrayEquals(new double[][] {{1, 10}, {2, 20}, {2, 20}, {4, 40}}, window.values());
    assertEquals(2, window.filledCells());
    assertEquals(1.0, window.coverage());
  }

  @Test
  void theSdkServerEmitsTheAssembledWindow() throws Exception {
    ReducerTestKit kit = new ReducerTestKit(factory, local(SDK_SERVER_PORT));
    kit.startServer();
    ReducerTestKit.Client client = new ReducerTestKit.Client("localhost", SDK_SERVER_PORT);
    try {
      assertFilledWindow(client.sendReduceRequest(request(threeOfFourRows())));

      MessageList sparse = client.sendReduceRequest(request(List.of(sample(row(0), 1.0, 1.0))));
      assertArrayEquals(new String[] {Message.DROP}, sparse.getMessages().get(0).getTags());
      assertEquals(1, Counters.value(registry, WindowMetrics.WINDOWS, "outcome", "emitted"));
      assertEquals(
          1, Counters.value(registry, WindowMetrics.WINDOWS, "outcome", "dropped_low_coverage"));
    } finally {
      client.close();
      kit.stopServer();
    }
  }

  @Test
  void theAdaptedServerStillServesStreamsWithWindowHeaders() throws Exception {
    WindowReduceServer server = new WindowReduceServer(factory, local(WINDOW_SERVER_PORT));
    server.start();
    ReducerTestKit.Client client = new ReducerTestKit.Client("localhost", WINDOW_SERVER_PORT);
    try {
      assertFilledWindow(client.sendReduceRequest(request(threeOfFourRows())));
    } finally {
      client.close();
      server.stop();
    }
  }
}
