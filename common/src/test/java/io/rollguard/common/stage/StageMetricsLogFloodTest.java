package io.rollguard.common.stage;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.payload.Window;
import io.rollguard.common.vertex.LogVolume;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The scoring vertices (preprocess, inference, postprocess) reject through {@link StageMetrics}: 10
 * 000 undecodable messages under distinct 1 MiB keys must produce a handful of short lines, not one
 * copy of each key (the rate limit is per vertex and reason; quoted values are truncated).
 */
class StageMetricsLogFloodTest {

  @Test
  void distinctMegabyteKeysProduceABoundedLog() {
    StageMetrics metrics =
        new StageMetrics("flood_test", List.of("scored"), new PrometheusRegistry());
    byte[] notJson = "{not json".getBytes(StandardCharsets.UTF_8);
    try (LogVolume logs = LogVolume.attach()) {
      for (int i = 0; i < 10_000; i++) {
        String[] keys = {LogVolume.megabyteValue(i), "checkout", "canary", "h"};
        metrics.decodeInput(notJson, keys, Window.class, Window::key);
        if (logs.bytes() > 32 * 1024 || logs.lines() > 20) {
          throw new AssertionError("after " + (i + 1) + " hostile messages the log holds " + logs);
        }
      }
      assertTrue(logs.lines() >= 1, "rejections are still logged: " + logs);
      assertTrue(logs.largestLine() < 2_048, "one line stays short: " + logs);
    }
  }
}
