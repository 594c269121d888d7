package io.rollguard.store;

import static io.rollguard.store.StoreFixtures.CANARY;
import static io.rollguard.store.StoreFixtures.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.numaproj.numaflow.sinker.Response;
import io.numaproj.numaflow.sinker.SinkerTestKit;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.payload.AnomalyRecord;
import io.rollguard.common.payload.PayloadCodec;
import io.rollguard.testsupport.SettableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sink stores only records of this configuration and of the payload contract: each other one is
 * answered as malformed (never acknowledged as written), counted by reason, and not stored.
 */
class StrictRecordsSinkTest {

  private static final long NOW = 1_800_000_000_000L;

  private final InMemoryAnomalyStore store =
      new InMemoryAnomalyStore(10, Duration.ofHours(1), new SettableClock(NOW));
  private final StoreMetrics metrics = new StoreMetrics(new PrometheusRegistry());
  private final AnomalyStoreSink sink =
      new AnomalyStoreSink(
          store, StoreFixtures.METRICS, MalformedRecordPolicy.FAILURE, metrics, 10);

  private Response sendOne(byte[] value) {
    SinkerTestKit.TestListIterator batch = new SinkerTestKit.TestListIterator();
    batch.addDatum(StoreFixtures.datum("id-0", value));
    List<Response> responses = sink.processMessages(batch).getResponses();
    assertEquals(1, responses.size());
    return responses.get(0);
  }

  private double malformed(String reason) {
    return metrics.malformed.labelValues(reason).get();
  }

  @Test
  void aRecordOfTheConfiguredMetricsIsWritten() {
    Response r = sendOne(PayloadCodec.shared().encode(record(CANARY, NOW, 3.0, "latency")));
    assertTrue(r.getSuccess(), r.getErr());
    assertEquals(1, store.latestSince(0).size());
  }

  @Test
  void aRecordScoringOtherMetricsIsMalformedAndNotStored() {
    AnomalyRecord other =
        new AnomalyRecord(
            CANARY,
            NOW,
            2.0,
            Map.of("latency", 2.0, "disk_io", 1.0),
            Map.of("latency", 1.0, "disk_io", 0.0),
            AnomalyRecord.Source.FALLBACK,
            null);
    Response r = sendOne(PayloadCodec.shared().encode(other));
    assertFalse(r.getSuccess());
    assertTrue(r.getErr().contains("configured metrics"), r.getErr());
    assertEquals(1.0, malformed(AnomalyStoreSink.METRIC_MISMATCH));
    assertTrue(store.latestSince(0).isEmpty());
  }

  /** Issue 10 item 6: each of these was stored before decoding was strict. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "\"role\":\"canary\"=>\"role\":\"preview\"",
        "\"timestamp\":1800000000000=>\"timestamp\":-1800000000000",
        "\"modelVersion\":\"20261128T030000000Z-3fa2c81b9d04\"=>\"modelVersion\":\"latest\"",
        "\"app\":\"checkout\"=>\"app\":1",
        "\"app\":\"checkout\"=>\"app\":true",
        "\"podTemplateHash\":\"c4n4ry\"=>\"podTemplateHash\":1",
      })
  void aRecordBreakingTheContractIsMalformedAndNotStored(String replacement) {
    String[] fromTo = replacement.split("=>");
    String json =
        new String(
            PayloadCodec.shared().encode(record(CANARY, NOW, 3.0, "latency")),
            StandardCharsets.UTF_8);
    assertTrue(json.contains(fromTo[0]), json);
    Response r = sendOne(json.replace(fromTo[0], fromTo[1]).getBytes(StandardCharsets.UTF_8));
    assertFalse(r.getSuccess());
    assertEquals(1.0, malformed("invalid_field"), r.getErr());
    assertTrue(store.latestSince(0).isEmpty());
  }

  @Test
  void aHugeNameOrMetricMapIsMalformedAndNotStored() {
    String json =
        new String(
            PayloadCodec.shared().encode(record(CANARY, NOW, 3.0, "latency")),
            StandardCharsets.UTF_8);
    String hugeName = json.replace("\"shop\"", "\"" + "s".repeat(1024 * 1024) + "\"");
    assertFalse(sendOne(hugeName.getBytes(StandardCharsets.UTF_8)).getSuccess());
    StringBuilder map = new StringBuilder("{");
    for (int i = 0; i < 100_000; i++) {
      map.append(i == 0 ? "" : ",").append("\"m").append(i).append("\":0.0");
    }
    String hugeMap =
        json.replaceFirst("\"metricScores\":\\{[^}]*}", "\"metricScores\":" + map + "}");
    assertFalse(sendOne(hugeMap.getBytes(StandardCharsets.UTF_8)).getSuccess());
    assertEquals(2.0, malformed("invalid_field"));
    assertTrue(store.latestSince(0).isEmpty());
  }
}
