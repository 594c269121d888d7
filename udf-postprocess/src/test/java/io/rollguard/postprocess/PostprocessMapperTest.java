package io.rollguard.postprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.numaproj.numaflow.mapper.Message;
import io.numaproj.numaflow.mapper.MessageList;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.detect.WindowScore;
import io.rollguard.common.payload.AnomalyRecord;
import io.rollguard.common.payload.InferenceResult;
import io.rollguard.common.payload.PayloadCodec;
import io.rollguard.common.payload.RawObservations;
import io.rollguard.common.payload.ScoringKey;
import io.rollguard.common.payload.Window;
import io.rollguard.common.registry.DirectoryModelRegistry;
import io.rollguard.common.registry.EntityId;
import io.rollguard.common.registry.StoredBundle;
import io.rollguard.common.stage.ScoringShape;
import io.rollguard.common.vertex.batchmap.PerMessageBatchMapper;
import io.rollguard.testsupport.BatchMapTestKit;
import io.rollguard.testsupport.ScoringFixtures;
import io.rollguard.testsupport.ServiceSeries;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * udf-postprocess through the SDK's real gRPC batch-map server as the vertex runs it ({@link
 * BatchMapTestKit}: batches on one stream, as numa sends them), one server for the class.
 */
@Timeout(60)
class PostprocessMapperTest {

  static final int PORT = 50126;
  static final int BATCH_PORT = 50185;
  static final ScoringKey KEY = new ScoringKey("shop", "checkout", "canary", "abc123");
  static final String COUNTER = "rollguard_postprocess_messages_total";

  @TempDir static Path dir;
  static final PrometheusRegistry metrics = new PrometheusRegistry();
  static RollguardConfig config;
  static BatchMapTestKit kit;
  static BatchMapTestKit.Client client;
  static StoredBundle saved;
  static ServiceSeries live;
  static Postprocessor postprocessor;

  @BeforeAll
  static void start() throws Exception {
    config = ScoringFixtures.config(dir, "http://127.0.0.1:9");
    DirectoryModelRegistry registry =
        new DirectoryModelRegistry(dir, Duration.ofDays(7), Clock.systemUTC());
    saved = registry.save(EntityId.of(KEY), ScoringFixtures.trainedBundle(config, 17));
    live = ScoringFixtures.history(21, Instant.parse("2026-01-12T00:00:00Z"), 60);
    postprocessor = new Postprocessor(ScoringShape.of(config), ScoringFixtures.cache(registry));
    kit =
        new BatchMapTestKit(
            new PerMessageBatchMapper(new PostprocessMapper(postprocessor, metrics)), PORT);
    client = new BatchMapTestKit.Client(PORT);
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    kit.close();
  }

  private static AnomalyRecord send(byte[] value) throws Exception {
    MessageList out = client.sendRequest(KEY.toKeys(), value);
    assertEquals(1, out.getMessages().size());
    Message message = out.getMessages().get(0);
    if (message.getTags() != null && message.getTags().length > 0) {
      return null;
    }
    assertArrayEquals(KEY.toKeys(), message.getKeys());
    return PayloadCodec.shared().decode(message.getValue(), AnomalyRecord.class);
  }

  private static InferenceResult modelResult(Window window, String version) {
    double[][] residuals =
        saved.bundle().model().residuals(saved.bundle().transforms().apply(window.values()));
    return new InferenceResult(
        KEY,
        window.start(),
        window.end(),
        window.stepMillis(),
        window.metrics(),
        residuals,
        InferenceResult.Source.MODEL,
        version);
  }

  private static double count(String outcome) {
    return ScoringFixtures.counter(metrics, COUNTER, "outcome", outcome);
  }

  @Test
  void modelErrorsAreScoredWithThePinnedBundlesCalibration() throws Exception {
    Window window = ScoringFixtures.window(KEY, live, 30);
    InferenceResult input = modelResult(window, saved.version().id());
    AnomalyRecord record = send(PayloadCodec.shared().encode(input));
    WindowScore expected = saved.bundle().calibration().score(input.errors());
    assertEquals(AnomalyRecord.Source.MODEL, record.source());
    assertEquals(saved.version().id(), record.modelVersion());
    assertEquals(window.end(), record.timestamp());
    assertEquals(expected.unified(), record.unifiedScore(), 1e-12);
    List<String> names = config.metricNames();
    for (int j = 0; j < names.size(); j++) {
      assertEquals(expected.perMetric()[j], record.metricScores().get(names.get(j)), 1e-12);
    }
  }

  @Test
  void aModelResultWhoseBundleIsGoneIsScoredAsAFallback() throws Exception {
    Window window = ScoringFixtures.window(KEY, live, 31);
    AnomalyRecord record =
        send(PayloadCodec.shared().encode(modelResult(window, "20200101T000000000Z-0123456789ab")));
    assertEquals(AnomalyRecord.Source.FALLBACK, record.source());
    assertNull(record.modelVersion());
    assertEquals(1, count(Postprocessor.CALIBRATION_UNAVAILABLE));
  }

  @Test
  void aStaticLimitBreachInTheRawValuesWins() throws Exception {
    Window window = ScoringFixtures.window(KEY, live, 32);
    double[][] raw = window.values();
    int errors = ScoringFixtures.column("error");
    raw[raw.length - 1][errors] = 0.5;
    byte[] encoded =
        PayloadCodec.shared()
            .encode(modelResult(window, saved.version().id()).withRaw(RawObservations.of(raw)));
    AnomalyRecord record = send(encoded);
    assertEquals(AnomalyRecord.Source.STATIC, record.source());
    assertEquals(10.0, record.unifiedScore());
    assertEquals(1.0, record.attribution().get(config.metricNames().get(errors)), 1e-9);
  }

  @Test
  void fallbackErrorsUseTheFixedCalibrationAndAnImprovementScoresZero() throws Exception {
    Window window = ScoringFixtures.window(KEY, live, 33);
    int m = window.metrics().size();
    double[][] errors = new double[window.rows()][m];
    int request = ScoringFixtures.column("request");
    int latency = ScoringFixtures.column("latency");
    for (double[] row : errors) {
      row[request] = 8; // more traffic: direction down, so not anomalous
      row[latency] = -8; // faster: direction up, so not anomalous
    }
    InferenceResult input =
        new InferenceResult(
            KEY,
            window.start(),
            window.end(),
            window.stepMillis(),
            window.metrics(),
            errors,
            InferenceResult.Source.FALLBACK,
            null);
    AnomalyRecord record = send(PayloadCodec.shared().encode(input));
    assertEquals(AnomalyRecord.Source.FALLBACK, record.source());
    assertEquals(0.0, record.unifiedScore());
    assertEquals(0.0, record.metricScores().get(config.metricNames().get(request)));
    assertEquals(0.0, record.metricScores().get(config.metricNames().get(latency)));
    for (double[] row : errors) {
      row[latency] = 6;
    }
    AnomalyRecord slower =
        send(
            PayloadCodec.shared()
                .encode(
                    new InferenceResult(
                        KEY,
                        window.start(),
                        window.end(),
                        window.stepMillis(),
                        window.metrics(),
                        errors,
                        InferenceResult.Source.FALLBACK,
                        null)));
    assertTrue(
        slower.metricScores().get(config.metricNames().get(latency)) > 5,
        "6 sigma slower is past the fallback threshold: " + slower);
  }

  @Test
  void badInputIsDroppedAndCountedByReason() throws Exception {
    Window window = ScoringFixtures.window(KEY, live, 34);
    String json =
        new String(
            PayloadCodec.shared().encode(modelResult(window, saved.version().id())),
            StandardCharsets.UTF_8);
    assertNull(
        send(
            json.replace("\"schemaVersion\":1", "\"schemaVersion\":\"1\"")
                .getBytes(StandardCharsets.UTF_8)));
    assertEquals(1, count("rejected_unsupported_schema_version"));
    assertNull(
        send(
            json.replace("\"stepMillis\":60000", "\"stepMillis\":\"60000\"")
                .getBytes(StandardCharsets.UTF_8)));
    assertEquals(1, count("rejected_invalid_field"));
    InferenceResult shorter =
        new InferenceResult(
            KEY,
            window.start(),
            window.start() + 5 * window.stepMillis(),
            window.stepMillis(),
            window.metrics(),
            new double[5][window.metrics().size()],
            InferenceResult.Source.FALLBACK,
            null);
    assertNull(send(PayloadCodec.shared().encode(shorter)));
    assertEquals(1, count("rejected_window_length_mismatch"));
  }

  @Test
  void inABatchEachMessageGetsItsOwnOutcomeAndABadOneFailsOnlyItself() throws Exception {
    // Its own server and counters, so that the other tests' exact counts stay exact.
    PrometheusRegistry batchMetrics = new PrometheusRegistry();
    InferenceResult first =
        modelResult(ScoringFixtures.window(KEY, live, 40), saved.version().id());
    InferenceResult second =
        modelResult(ScoringFixtures.window(KEY, live, 45), saved.version().id());
    try (BatchMapTestKit server =
            new BatchMapTestKit(
                new PerMessageBatchMapper(new PostprocessMapper(postprocessor, batchMetrics)),
                BATCH_PORT);
        BatchMapTestKit.Client batchClient = new BatchMapTestKit.Client(BATCH_PORT)) {
      List<MessageList> out =
          batchClient.sendBatch(
              List.of(
                  new BatchMapTestKit.Input(KEY.toKeys(), PayloadCodec.shared().encode(first)),
                  new BatchMapTestKit.Input(KEY.toKeys(), "[1,".getBytes(StandardCharsets.UTF_8)),
                  new BatchMapTestKit.Input(KEY.toKeys(), PayloadCodec.shared().encode(second))));
      assertEquals(3, out.size());
      for (int i : new int[] {0, 2}) {
        Message message = out.get(i).getMessages().get(0);
        assertArrayEquals(KEY.toKeys(), message.getKeys());
        AnomalyRecord record =
            PayloadCodec.shared().decode(message.getValue(), AnomalyRecord.class);
        assertEquals(AnomalyRecord.Source.MODEL, record.source());
        assertEquals((i == 0 ? first : second).end(), record.timestamp());
      }
      assertArrayEquals(new String[] {Message.DROP}, out.get(1).getMessages().get(0).getTags());
      assertTrue(server.failures().isEmpty());
    }
    assertEquals(
        1, ScoringFixtures.counter(batchMetrics, COUNTER, "outcome", "rejected_malformed_json"));
  }
}
