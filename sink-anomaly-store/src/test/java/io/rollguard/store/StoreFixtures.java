package io.rollguard.store;

import io.numaproj.numaflow.sinker.SinkerTestKit;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.config.MetricSpec;
import io.rollguard.common.config.VerdictSettings;
import io.rollguard.common.payload.AnomalyRecord;
import io.rollguard.common.payload.PayloadCodec;
import io.rollguard.common.payload.ScoringKey;
import io.rollguard.store.verdict.CanaryJudge;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Shared builders for the store tests. */
final class StoreFixtures {

  static final ScoringKey CANARY = new ScoringKey("shop", "checkout", "canary", "c4n4ry");
  static final ScoringKey STABLE = new ScoringKey("shop", "checkout", "stable", "st4bl3");

  /** The metrics every fixture record scores (the sinks' configured metrics). */
  static final List<String> METRICS = List.of("latency", "errors", "cpu");

  /** A model version id in the registry's format. */
  static final String VERSION = "20261128T030000000Z-3fa2c81b9d04";

  private StoreFixtures() {}

  /**
   * A record whose unified score is {@code unified} and whose anomaly comes from {@code top}, with
   * newest-row values: latency 200 ms, errors 0.4%, cpu 0.8 cores, each with a few per cent of
   * deterministic jitter, and the top metric raised by {@code unified / 5} when it is at or above 5
   * (the level of a window worse than the calibrated threshold).
   */
  static AnomalyRecord record(ScoringKey key, long ts, double unified, String top) {
    Map<String, Double> scores = new LinkedHashMap<>();
    Map<String, Double> attribution = new LinkedHashMap<>();
    Map<String, Double> values = new LinkedHashMap<>();
    String[] metrics = METRICS.toArray(String[]::new);
    double[] base = {0.2, 0.004, 0.8};
    for (int j = 0; j < metrics.length; j++) {
      boolean isTop = metrics[j].equals(top);
      scores.put(metrics[j], isTop ? unified : unified / 4);
      attribution.put(metrics[j], isTop ? 0.7 : 0.15);
      double jitter = 1 + 0.03 * Math.sin(ts / 60_000.0 * 1.7 + 2.1 * j + key.role().length());
      values.put(metrics[j], base[j] * jitter * (isTop && unified >= 5 ? 1 + unified / 5 : 1));
    }
    return new AnomalyRecord(
            key, ts, unified, scores, attribution, AnomalyRecord.Source.MODEL, VERSION)
        .withObservations(values, 1.0, 1.0);
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

  /** The default verdict rule over the fixtures' three metrics (latency and errors up, cpu up). */
  static CanaryJudge judge() {
    return new CanaryJudge(
        VerdictSettings.DEFAULTS,
        List.of(
            new CanaryJudge.MetricInfo("latency", "seconds", 1, MetricSpec.Direction.UP),
            new CanaryJudge.MetricInfo("errors", "ratio", 1, MetricSpec.Direction.UP),
            new CanaryJudge.MetricInfo("cpu", "cores", 0.5, MetricSpec.Direction.UP)));
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
