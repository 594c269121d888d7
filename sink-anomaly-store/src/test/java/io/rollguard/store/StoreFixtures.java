package io.rollguard.store;

import io.numaproj.numaflow.sinker.SinkerTestKit;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.payload.AnomalyRecord;
import io.rollguard.common.payload.PayloadCodec;
import io.rollguard.common.payload.ScoringKey;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Shared builders for the store tests. */
final class StoreFixtures {

  static final ScoringKey CANARY = new ScoringKey("shop", "checkout", "canary", "c4n4ry");
  static final ScoringKey STABLE = new ScoringKey("shop", "checkout", "stable", "st4bl3");

  private StoreFixtures() {}

  /** A record whose unified score is {@code unified} and whose anomaly comes from {@code top}. */
  static AnomalyRecord record(ScoringKey key, long ts, double unified, String top) {
    Map<String, Double> scores = new LinkedHashMap<>();
    Map<String, Double> attribution = new LinkedHashMap<>();
    for (String metric : new String[] {"latency", "errors", "cpu"}) {
      boolean isTop = metric.equals(top);
      scores.put(metric, isTop ? unified : unified / 4);
      attribution.put(metric, isTop ? 0.7 : 0.15);
    }
    return new AnomalyRecord(
        key, ts, unified, scores, attribution, AnomalyRecord.Source.MODEL, "v1");
  }

  static SinkerTestKit.TestDatum datum(String id, AnomalyRecord record) {
    return datum(id, PayloadCodec.shared().encode(record));
  }

  static SinkerTestKit.TestDatum datum(String id, byte[] value) {
    return SinkerTestKit.TestDatum.builder()
        .id(id)
        .value(value)
        .keys(new String[] {"k"})
        .eventTime(Instant.EPOCH)
        .watermark(Instant.EPOCH)
        .headers(Map.of())
        .build();
  }

  static StoreMetrics metrics() {
    return new StoreMetrics(new PrometheusRegistry());
  }

  static HttpResponse<String> get(int port, String pathAndQuery)
      throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery)).build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
