package io.rollguard.inference.trainer;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;

import io.numaproj.numaflow.sinker.SinkerTestKit;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.vertex.LogVolume;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Defect: the trainer sink logged every undecodable train request with its whole message keys and
 * keyed the rate limit on them, so distinct bad keys defeated it (a fuzz run wrote 637 MB of logs).
 * 10 000 requests, each under a distinct 1 MiB key, must produce a handful of short lines.
 */
class TrainerLogFloodTest {

  private static final int MESSAGES = 10_000;
  private static final long MAX_BYTES = 32 * 1024;
  private static final int MAX_LINES = 20;

  @Test
  void distinctMegabyteKeysProduceABoundedLog() {
    TrainingService service = mock(TrainingService.class);
    TrainerSink sink = new TrainerSink(service, new TrainerMetrics(new PrometheusRegistry()));
    byte[] notJson = "{not json".getBytes(StandardCharsets.UTF_8);

    try (LogVolume logs = LogVolume.attach()) {
      for (int i = 0; i < MESSAGES; i++) {
        SinkerTestKit.TestListIterator batch = new SinkerTestKit.TestListIterator();
        batch.addDatum(
            SinkerTestKit.TestDatum.builder()
                .id("id-" + i)
                .value(notJson)
                .keys(new String[] {LogVolume.megabyteValue(i), "checkout"})
                .eventTime(Instant.EPOCH)
                .watermark(Instant.EPOCH)
                .headers(Map.of())
                .build());
        sink.processMessages(batch);
        if (logs.bytes() > MAX_BYTES || logs.lines() > MAX_LINES) {
          throw new AssertionError("after " + (i + 1) + " hostile requests the log holds " + logs);
        }
      }
      assertTrue(logs.lines() >= 1, "rejections are still logged: " + logs);
      assertTrue(logs.largestLine() < 2_048, "one line stays short: " + logs);
    }
    verifyNoInteractions(service);
  }
}
