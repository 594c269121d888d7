package io.rollguard.window;

import static io.rollguard.window.WindowAssemblerTest.END;
import static io.rollguard.window.WindowAssemblerTest.KEY;
import static io.rollguard.window.WindowAssemblerTest.METRICS;
import static io.rollguard.window.WindowAssemblerTest.ROWS;
import static io.rollguard.window.WindowAssemblerTest.START;
import static io.rollguard.window.WindowAssemblerTest.STEP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.numaproj.numaflow.reducer.Message;
import io.numaproj.numaflow.reducer.MessageList;
import io.numaproj.numaflow.reducer.Metadata;
import io.numaproj.numaflow.reducer.metadata.IntervalWindowImpl;
import io.numaproj.numaflow.reducer.metadata.MetadataImpl;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.config.WindowSettings;
import io.rollguard.common.payload.PayloadCodec;
import io.rollguard.common.payload.PayloadException;
import io.rollguard.common.payload.Sample;
import io.rollguard.common.payload.Window;
import io.rollguard.testsupport.Fuzz;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzz target: udf-window's reducer fed a window's worth of mutated samples. Every sample gets
 * exactly one counted outcome, one the codec refuses is never accepted, the window gets exactly one
 * outcome, and an emitted window is a valid payload whose every value was observed in an accepted
 * sample (forward-filling copies, it never invents). See CONTRIBUTING.md, "Fuzzing".
 */
class WindowReducerFuzzTest {

  private static final Metadata WINDOW =
      new MetadataImpl(
          new IntervalWindowImpl(Instant.ofEpochMilli(START), Instant.ofEpochMilli(END)));
  private static final PrometheusRegistry REGISTRY = new PrometheusRegistry();
  private static final WindowReducerFactory FACTORY =
      new WindowReducerFactory(new WindowSettings(STEP, ROWS, 0.5, 1), METRICS, REGISTRY);

  static List<byte[]> seeds() {
    List<byte[]> seeds = new ArrayList<>(Fuzz.corpus("sample"));
    for (int i = 0; i < ROWS; i++) {
      Map<String, Double> values = new LinkedHashMap<>();
      values.put("latency", 0.1 + i / 100.0);
      values.put("errors", i % 3 == 0 ? null : 0.01 * i);
      seeds.add(PayloadCodec.shared().encode(new Sample(KEY, START + i * STEP, values)));
    }
    return seeds;
  }

  @Provide
  Arbitrary<List<byte[]>> windowsOfSamples() {
    return Fuzz.inputs(seeds()).list().ofMinSize(1).ofMaxSize(2 * ROWS);
  }

  @Property
  void addMessageAndGetOutput(@ForAll("windowsOfSamples") List<byte[]> inputs) {
    WindowReducer reducer = FACTORY.createReducer();
    String[] keys = KEY.toKeys();
    Set<Double> observed = new HashSet<>();
    for (byte[] input : inputs) {
      Sample valid;
      try {
        valid = PayloadCodec.shared().decode(input, Sample.class);
      } catch (PayloadException e) {
        valid = null;
      }
      Map<String, Double> before = Fuzz.counts(REGISTRY, WindowMetrics.SAMPLES, "outcome");
      reducer.addMessage(keys, WindowReducerTest.datum(input), WINDOW);
      String outcome =
          Fuzz.oneOutcome(before, Fuzz.counts(REGISTRY, WindowMetrics.SAMPLES, "outcome"));
      if (valid == null) {
        assertTrue(outcome.startsWith("rejected_"), outcome);
      } else if (outcome.equals(WindowMetrics.ACCEPTED)) {
        valid.values().values().stream().filter(v -> v != null).forEach(observed::add);
      }
    }
    Map<String, Double> before = Fuzz.counts(REGISTRY, WindowMetrics.WINDOWS, "outcome");
    MessageList out = reducer.getOutput(keys, WINDOW);
    String outcome =
        Fuzz.oneOutcome(before, Fuzz.counts(REGISTRY, WindowMetrics.WINDOWS, "outcome"));
    assertEquals(1, out.getMessages().size());
    Message message = out.getMessages().get(0);
    if (!outcome.equals(WindowMetrics.EMITTED)) {
      assertTrue(Arrays.asList(message.getTags()).contains(Message.DROP), outcome);
      return;
    }
    Window window;
    try {
      window = PayloadCodec.shared().decode(message.getValue(), Window.class);
    } catch (PayloadException e) {
      throw new AssertionError("emitted an invalid window", e);
    }
    for (double[] row : window.values()) {
      for (double v : row) {
        assertTrue(Double.isNaN(v) || observed.contains(v), () -> v + " was never observed");
      }
    }
  }
}
