package io.rollguard.window;

import static io.rollguard.window.WindowAssemblerTest.KEY;
import static io.rollguard.window.WindowAssemblerTest.START;
import static io.rollguard.window.WindowAssemblerTest.STEP;
import static io.rollguard.window.WindowAssemblerTest.row;
import static io.rollguard.window.WindowAssemblerTest.sample;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.numaproj.numaflow.reducer.Datum;
import io.numaproj.numaflow.reducer.Message;
import io.numaproj.numaflow.reducer.MessageList;
import io.numaproj.numaflow.reducer.Metadata;
import io.numaproj.numaflow.reducer.metadata.IntervalWindowImpl;
import io.numaproj.numaflow.reducer.metadata.MetadataImpl;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.config.WindowSettings;
import io.rollguard.common.payload.PayloadCodec;
import io.rollguard.common.payload.Sample;
import io.rollguard.common.payload.ScoringKey;
import io.rollguard.common.payload.Window;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reducer called directly, as the SDK's actors do: decoding, rejection, counters, output. */
class WindowReducerTest {

  static final int ROWS = 3;
  static final long END = START + ROWS * STEP;
  static final List<String> METRICS = List.of("latency", "errors");
  static final Metadata WINDOW =
      new MetadataImpl(
          new IntervalWindowImpl(Instant.ofEpochMilli(START), Instant.ofEpochMilli(END)));

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final WindowReducerFactory factory =
      new WindowReducerFactory(new WindowSettings(STEP, ROWS, 0.5, 1), METRICS, registry);

  static Datum datum(byte[] value) {
    return new Datum() {
      @Override
      public byte[] getValue() {
        return value;
      }

      @Override
      public Instant getEventTime() {
        return Instant.ofEpochMilli(START);
      }

      @Override
      public Instant getWatermark() {
        return Instant.ofEpochMilli(START - 1);
      }

      @Override
      public Map<String, String> getHeaders() {
        return Map.of();
      }
    };
  }

  static Datum datum(Sample sample) {
    return datum(PayloadCodec.shared().encode(sample));
  }

  private double samples(String outcome) {
    return Counters.value(registry, WindowMetrics.SAMPLES, "outcome", outcome);
  }

  private double windows(String outcome) {
    return Counters.value(registry, WindowMetrics.WINDOWS, "outcome", outcome);
  }

  @Test
  void emitsTheAssembledWindowWithTheScoringKeyAsMessageKeys() throws Exception {
    WindowReducer reducer = factory.createReducer();
    String[] keys = KEY.toKeys();
    reducer.addMessage(keys, datum(sample(row(2), 3.0, 30.0)), WINDOW);
    reducer.addMessage(keys, datum(sample(row(0), 1.0, 10.0)), WINDOW);
    reducer.addMessage(keys, datum(sample(row(0), 1.5, 15.0)), WINDOW); // HA duplicate

    MessageList output = reducer.getOutput(keys, WINDOW);

    assertEquals(1, output.getMessages().size());
    Message message = output.getMessages().get(0);
    assertArrayEquals(keys, message.getKeys());
    Window window = PayloadCodec.shared().decode(message.getValue(), Window.class);
    assertArrayEquals(new double[] {1.0, 10.0}, window.values()[0]);
    assertArrayEquals(new double[] {1.0, 10.0}, window.values()[1], "one-step gap filled");
    assertArrayEquals(new double[] {3.0, 30.0}, window.values()[2]);
    assertEquals(2, window.filledCells());
    assertEquals(3, samples(WindowMetrics.ACCEPTED));
    assertEquals(
        1,
        Counters.value(
            registry, WindowMetrics.SAMPLES_DISCARDED, "reason", WindowMetrics.DUPLICATE));
    assertEquals(1, windows(WindowMetrics.EMITTED));
  }

  @Test
  void countsAndSkipsEveryKindOfMalformedSampleWithoutFailingTheWindow() {
    WindowReducer reducer = factory.createReducer();
    String[] keys = KEY.toKeys();
    String otherSchema =
        new String(PayloadCodec.shared().encode(sample(row(0), 1.0, 1.0)), StandardCharsets.UTF_8)
            .replace("\"schemaVersion\":1", "\"schemaVersion\":2");
    ScoringKey stable = new ScoringKey(KEY.namespace(), KEY.app(), "stable", KEY.podTemplateHash());

    reducer.addMessage(keys, datum("{not json".getBytes(StandardCharsets.UTF_8)), WINDOW);
    reducer.addMessage(keys, datum(otherSchema.getBytes(StandardCharsets.UTF_8)), WINDOW);
    reducer.addMessage(
        keys,
        datum("{\"schemaVersion\":1,\"timestamp\":5}".getBytes(StandardCharsets.UTF_8)),
        WINDOW);
    reducer.addMessage(keys, datum(new Sample(stable, row(0), Map.of("latency", 1.0))), WINDOW);
    reducer.addMessage(keys, datum(new Sample(KEY, row(0), Map.of("cpu", 1.0))), WINDOW);
    for (int i = 0; i < ROWS; i++) {
      reducer.addMessage(keys, datum(sample(row(i), 1.0, 2.0)), WINDOW);
    }

    MessageList output = reducer.getOutput(keys, WINDOW);

    assertEquals(1, output.getMessages().size());
    assertArrayEquals(keys, output.getMessages().get(0).getKeys(), "the window is still emitted");
    assertEquals(1, samples("rejected_malformed_json"));
    assertEquals(1, samples("rejected_unsupported_schema_version"));
    assertEquals(1, samples("rejected_invalid_field"));
    assertEquals(1, samples("rejected_key_mismatch"));
    assertEquals(1, samples("rejected_unknown_metric"));
    assertEquals(ROWS, samples(WindowMetrics.ACCEPTED));
  }

  @Test
  void rejectsEverySampleUnderMessageKeysThatAreNoScoringKeyAndDropsTheWindow() {
    WindowReducer reducer = factory.createReducer();
    String[] keys = {"NON_KEYED_STREAM"};

    reducer.addMessage(keys, datum(sample(row(0), 1.0, 1.0)), WINDOW);
    MessageList output = reducer.getOutput(keys, WINDOW);

    assertEquals(1, samples("rejected_invalid_message_keys"));
    assertArrayEquals(new String[] {Message.DROP}, output.getMessages().get(0).getTags());
    assertEquals(1, windows("dropped_empty"));
  }

  @Test
  void dropsALowCoverageWindowWithACountedReason() {
    WindowReducer reducer = factory.createReducer();
    String[] keys = KEY.toKeys();
    reducer.addMessage(keys, datum(sample(row(0), 1.0, null)), WINDOW);

    MessageList output = reducer.getOutput(keys, WINDOW);

    assertEquals(1, output.getMessages().size());
    assertArrayEquals(new String[] {Message.DROP}, output.getMessages().get(0).getTags());
    assertEquals(1, windows("dropped_low_coverage"));
    assertEquals(0, windows(WindowMetrics.EMITTED));
  }

  @Test
  void exportsEveryOutcomeSeriesFromTheStart() {
    for (DropReason reason : DropReason.values()) {
      assertEquals(0, windows(reason.outcomeLabel()));
    }
    for (SampleRejection rejection : SampleRejection.values()) {
      assertEquals(0, samples(rejection.outcomeLabel()));
    }
  }
}
