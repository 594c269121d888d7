package io.rollguard.window;

import static io.rollguard.window.WindowAssemblerTest.KEY;
import static io.rollguard.window.WindowAssemblerTest.START;
import static io.rollguard.window.WindowAssemblerTest.STEP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.numaproj.numaflow.reducer.Metadata;
import io.numaproj.numaflow.reducer.metadata.IntervalWindowImpl;
import io.numaproj.numaflow.reducer.metadata.MetadataImpl;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.config.WindowSettings;
import io.rollguard.common.vertex.LogVolume;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Defect: every rejection log line repeated the whole offending value and the rate limit was keyed
 * on it, so a stream of distinct bad values defeated the limit (a fuzz run wrote 783 MB of logs
 * from this vertex). 10 000 rejections, each carrying a distinct 1 MiB value, must now produce a
 * handful of short lines: the limit is per (vertex, reason) and quoted values are truncated.
 */
class WindowLogFloodTest {

  private static final int MESSAGES = 10_000;

  /** A few lines per reason, each a few hundred bytes: far below one copy of one value. */
  private static final long MAX_BYTES = 32 * 1024;

  private static final int MAX_LINES = 20;

  @Test
  void distinctMegabyteValuesProduceABoundedLog() {
    PrometheusRegistry registry = new PrometheusRegistry();
    WindowReducerFactory factory =
        new WindowReducerFactory(
            new WindowSettings(STEP, 3, 0.5, 1), List.of("latency", "errors"), registry);
    Metadata window =
        new MetadataImpl(
            new IntervalWindowImpl(
                Instant.ofEpochMilli(START), Instant.ofEpochMilli(START + 3 * STEP)));
    byte[] notJson = "{not json".getBytes(StandardCharsets.UTF_8);

    try (LogVolume logs = LogVolume.attach()) {
      for (int i = 0; i < MESSAGES; i++) {
        String hostile = LogVolume.megabyteValue(i);
        // The SDK makes one reducer per key set: a fresh one per distinct key.
        WindowReducer reducer = factory.createReducer();
        String[] keys =
            i % 2 == 0
                ? new String[] {
                  hostile, KEY.app(), KEY.role(), KEY.podTemplateHash()
                } // a key, bad payload
                : new String[] {hostile}; // no scoring key at all
        reducer.addMessage(keys, WindowReducerTest.datum(notJson), window);
        reducer.getOutput(keys, window); // the empty window is dropped and logged too
        if (logs.bytes() > MAX_BYTES || logs.lines() > MAX_LINES) {
          throw new AssertionError("after " + (i + 1) + " hostile messages the log holds " + logs);
        }
      }
      assertTrue(logs.lines() >= 1, "rejections are still logged: " + logs);
      assertTrue(logs.largestLine() < 2_048, "one line stays short: " + logs);
    }
    assertEquals(
        MESSAGES / 2.0,
        Counters.value(registry, WindowMetrics.SAMPLES, "outcome", "rejected_malformed_json"),
        "every rejection is still counted");
  }
}
