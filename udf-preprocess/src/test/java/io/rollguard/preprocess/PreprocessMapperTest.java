package io.rollguard.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.numaproj.numaflow.mapper.Message;
import io.numaproj.numaflow.mapper.MessageList;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.payload.PayloadCodec;
import io.rollguard.common.payload.PreprocessedWindow;
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
 * udf-preprocess through the SDK's real gRPC batch-map server as the vertex runs it ({@link
 * BatchMapTestKit}: batches on one stream, as numa sends them), one server for the class.
 */
@Timeout(60)
class PreprocessMapperTest {

  static final int PORT = 50120;
  static final int BATCH_PORT = 50183;
  static final ScoringKey TRAINED = new ScoringKey("shop", "checkout", "stable", "abc123");
  static final ScoringKey UNTRAINED = new ScoringKey("shop", "cart", "canary", "def456");
  static final String COUNTER = "rollguard_preprocess_messages_total";

  @TempDir static Path dir;
  static final PrometheusRegistry metrics = new PrometheusRegistry();
  static BatchMapTestKit kit;
  static BatchMapTestKit.Client client;
  static StoredBundle saved;
  static ServiceSeries live;
  static Preprocessor preprocessor;

  @BeforeAll
  static void start() throws Exception {
    RollguardConfig config = ScoringFixtures.config(dir, "http://127.0.0.1:9");
    DirectoryModelRegistry registry =
        new DirectoryModelRegistry(dir, Duration.ofDays(7), Clock.systemUTC());
    saved = registry.save(EntityId.of(TRAINED), ScoringFixtures.trainedBundle(config, 11));
    live = ScoringFixtures.history(5, Instant.parse("2026-01-12T00:00:00Z"), 60);
    preprocessor = new Preprocessor(ScoringShape.of(config), ScoringFixtures.cache(registry));
    kit =
        new BatchMapTestKit(
            new PerMessageBatchMapper(new PreprocessMapper(preprocessor, metrics)), PORT);
    client = new BatchMapTestKit.Client(PORT);
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    kit.close();
  }

  private static MessageList send(String[] keys, byte[] value) {
    return client.sendRequest(keys, value);
  }

  private static double count(String outcome) {
    return ScoringFixtures.counter(metrics, COUNTER, "outcome", outcome);
  }

  private static void assertDropped(MessageList out) {
    assertEquals(1, out.getMessages().size());
    assertArrayEquals(new String[] {Message.DROP}, out.getMessages().get(0).getTags());
  }

  @Test
  void aTrainedEntitysWindowIsPinnedToItsBundleAndNormalised() throws Exception {
    Window window = ScoringFixtures.window(TRAINED, live, 30);
    MessageList out = send(TRAINED.toKeys(), PayloadCodec.shared().encode(window));
    assertEquals(1, out.getMessages().size());
    Message message = out.getMessages().get(0);
    assertArrayEquals(TRAINED.toKeys(), message.getKeys());
    PreprocessedWindow result =
        PayloadCodec.shared().decode(message.getValue(), PreprocessedWindow.class);
    assertEquals(PreprocessedWindow.Status.OK, result.status());
    assertEquals(saved.version().id(), result.modelVersion());
    assertEquals(window, result.window());
    double[][] expected = saved.bundle().transforms().apply(window.values());
    for (int i = 0; i < expected.length; i++) {
      assertArrayEquals(expected[i], result.normalized()[i], 1e-12);
    }
  }

  @Test
  void anEntityWithoutABundleIsForwardedAsNoModel() throws Exception {
    double before = count(Preprocessor.NO_MODEL);
    Window window = ScoringFixtures.window(UNTRAINED, live, 40);
    MessageList out = send(UNTRAINED.toKeys(), PayloadCodec.shared().encode(window));
    PreprocessedWindow result =
        PayloadCodec.shared().decode(out.getMessages().get(0).getValue(), PreprocessedWindow.class);
    assertEquals(PreprocessedWindow.Status.NO_MODEL, result.status());
    assertEquals(window, result.window());
    assertEquals(before + 1, count(Preprocessor.NO_MODEL));
  }

  @Test
  void badInputIsDroppedAndCountedByReason() {
    Window window = ScoringFixtures.window(TRAINED, live, 50);
    String json = new String(PayloadCodec.shared().encode(window), StandardCharsets.UTF_8);

    assertDropped(send(TRAINED.toKeys(), "{\"schemaVersion\":1,".getBytes(StandardCharsets.UTF_8)));
    assertEquals(1, count("rejected_malformed_json"));

    assertDropped(
        send(
            TRAINED.toKeys(),
            json.replace("\"schemaVersion\":1", "\"schemaVersion\":2")
                .getBytes(StandardCharsets.UTF_8)));
    assertEquals(1, count("rejected_unsupported_schema_version"));

    String withNaN = json.replaceFirst("\"values\":\\[\\[[^,\\]]+", "\"values\":[[NaN");
    assertDropped(send(TRAINED.toKeys(), withNaN.getBytes(StandardCharsets.UTF_8)));
    assertEquals(1, count("rejected_non_finite"));

    Window fewer =
        new Window(
            1,
            TRAINED,
            window.start(),
            window.end(),
            window.stepMillis(),
            window.metrics().subList(0, 3),
            columns(window.values(), 3),
            1.0,
            0);
    assertDropped(send(TRAINED.toKeys(), PayloadCodec.shared().encode(fewer)));
    assertEquals(1, count("rejected_metric_mismatch"));

    assertDropped(send(UNTRAINED.toKeys(), PayloadCodec.shared().encode(window)));
    assertEquals(1, count("rejected_invalid_keys"));

    ScoringKey unknown = new ScoringKey("shop", "bad/app", "stable", "x");
    Window foreign = ScoringFixtures.window(unknown, live, 50);
    assertDropped(send(unknown.toKeys(), PayloadCodec.shared().encode(foreign)));
    assertEquals(1, count("rejected_unknown_entity"));
  }

  @Test
  void inABatchEachMessageGetsItsOwnCountedOutcomeAndABadOneFailsOnlyItself() throws Exception {
    // Its own server and counters, so that the other tests' exact counts stay exact.
    PrometheusRegistry batchMetrics = new PrometheusRegistry();
    Window first = ScoringFixtures.window(TRAINED, live, 30);
    Window second = ScoringFixtures.window(UNTRAINED, live, 40);
    try (BatchMapTestKit server =
            new BatchMapTestKit(
                new PerMessageBatchMapper(new PreprocessMapper(preprocessor, batchMetrics)),
                BATCH_PORT);
        BatchMapTestKit.Client batchClient = new BatchMapTestKit.Client(BATCH_PORT)) {
      List<MessageList> out =
          batchClient.sendBatch(
              List.of(
                  new BatchMapTestKit.Input(TRAINED.toKeys(), PayloadCodec.shared().encode(first)),
                  new BatchMapTestKit.Input(
                      TRAINED.toKeys(), "{\"schemaVersion\":1,".getBytes(StandardCharsets.UTF_8)),
                  new BatchMapTestKit.Input(
                      UNTRAINED.toKeys(), PayloadCodec.shared().encode(second))));
      assertEquals(3, out.size());
      PreprocessedWindow ok =
          PayloadCodec.shared()
              .decode(out.get(0).getMessages().get(0).getValue(), PreprocessedWindow.class);
      assertEquals(PreprocessedWindow.Status.OK, ok.status());
      assertEquals(first, ok.window());
      assertDropped(out.get(1));
      PreprocessedWindow noModel =
          PayloadCodec.shared()
              .decode(out.get(2).getMessages().get(0).getValue(), PreprocessedWindow.class);
      assertEquals(PreprocessedWindow.Status.NO_MODEL, noModel.status());
      assertArrayEquals(UNTRAINED.toKeys(), out.get(2).getMessages().get(0).getKeys());
      assertTrue(server.failures().isEmpty());
    }
    assertEquals(1, ScoringFixtures.counter(batchMetrics, COUNTER, "outcome", Preprocessor.OK));
    assertEquals(
        1, ScoringFixtures.counter(batchMetrics, COUNTER, "outcome", Preprocessor.NO_MODEL));
    assertEquals(
        1, ScoringFixtures.counter(batchMetrics, COUNTER, "outcome", "rejected_malformed_json"));
  }

  private static double[][] columns(double[][] values, int n) {
    double[][] out = new double[values.length][];
    for (int i = 0; i < values.length; i++) {
      out[i] = java.util.Arrays.copyOf(values[i], n);
    }
    return out;
  }
}
