package io.rollguard.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import io.numaproj.numaflow.mapper.Message;
import io.numaproj.numaflow.mapper.MessageList;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.payload.InferenceResult;
import io.rollguard.common.payload.PayloadCodec;
import io.rollguard.common.payload.PreprocessedWindow;
import io.rollguard.common.payload.RawObservations;
import io.rollguard.common.payload.ScoringKey;
import io.rollguard.common.payload.TrainRequest;
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
 * udf-inference through the SDK's real gRPC batch-map server as the vertex runs it ({@link
 * BatchMapTestKit}: batches on one stream, as numa sends them), one server for the class.
 */
@Timeout(60)
class InferenceMapperTest {

  static final int PORT = 50121;
  static final int BATCH_PORT = 50184;
  static final ScoringKey TRAINED = new ScoringKey("shop", "checkout", "stable", "abc123");
  static final ScoringKey UNTRAINED = new ScoringKey("shop", "cart", "canary", "def456");
  static final String COUNTER = "rollguard_inference_messages_total";

  @TempDir static Path dir;
  static final PrometheusRegistry metrics = new PrometheusRegistry();
  static BatchMapTestKit kit;
  static BatchMapTestKit.Client client;
  static StoredBundle saved;
  static ServiceSeries live;
  static Inferencer inferencer;
  static RollguardConfig config;

  @BeforeAll
  static void start() throws Exception {
    config = ScoringFixtures.config(dir, "http://127.0.0.1:9");
    DirectoryModelRegistry registry =
        new DirectoryModelRegistry(dir, Duration.ofDays(7), Clock.systemUTC());
    saved = registry.save(EntityId.of(TRAINED), ScoringFixtures.trainedBundle(config, 13));
    live = ScoringFixtures.history(8, Instant.parse("2026-01-12T00:00:00Z"), 60);
    inferencer =
        new Inferencer(
            ScoringShape.of(config),
            ScoringFixtures.cache(registry),
            new TrainRequestLimiter(Duration.ofMinutes(1), 100, Ticker.systemTicker()),
            config.training().retrainEvery(),
            Clock.systemUTC());
    kit =
        new BatchMapTestKit(
            new PerMessageBatchMapper(new InferenceMapper(inferencer, config.metrics(), metrics)),
            PORT);
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

  @Test
  void aPinnedWindowIsScoredByExactlyThatVersionAndTaggedScore() throws Exception {
    Window window = ScoringFixtures.window(TRAINED, live, 30);
    double[][] normalized = saved.bundle().transforms().apply(window.values());
    PreprocessedWindow input = PreprocessedWindow.ok(window, saved.version().id(), normalized);
    MessageList out = send(TRAINED.toKeys(), PayloadCodec.shared().encode(input));
    assertEquals(1, out.getMessages().size(), "a fresh model needs no training");
    Message message = out.getMessages().get(0);
    assertArrayEquals(new String[] {InferenceMapper.TAG_SCORE}, message.getTags());
    assertArrayEquals(TRAINED.toKeys(), message.getKeys());
    InferenceResult result =
        PayloadCodec.shared().decode(message.getValue(), InferenceResult.class);
    assertEquals(InferenceResult.Source.MODEL, result.source());
    assertEquals(saved.version().id(), result.modelVersion());
    double[][] expected = saved.bundle().model().residuals(normalized);
    for (int i = 0; i < expected.length; i++) {
      assertArrayEquals(expected[i], result.errors()[i], 1e-12);
    }
    // What postprocess needs of the raw values rides along: the newest row for the judgment.
    assertArrayEquals(window.values()[11], result.raw().newest());
    assertEquals(RawObservations.of(window.values()), result.raw());
  }

  @Test
  void noModelScoresTheFallbackAndSendsOneTrainRequestPerInterval() throws Exception {
    Window window = ScoringFixtures.window(UNTRAINED, live, 40);
    MessageList first =
        send(UNTRAINED.toKeys(), PayloadCodec.shared().encode(PreprocessedWindow.noModel(window)));
    assertEquals(2, first.getMessages().size());
    Message score = first.getMessages().get(0);
    Message train = first.getMessages().get(1);
    assertArrayEquals(new String[] {InferenceMapper.TAG_SCORE}, score.getTags());
    InferenceResult result = PayloadCodec.shared().decode(score.getValue(), InferenceResult.class);
    assertEquals(InferenceResult.Source.FALLBACK, result.source());
    assertNull(result.modelVersion());
    assertArrayEquals(new String[] {InferenceMapper.TAG_TRAIN}, train.getTags());
    assertArrayEquals(new String[] {"shop", "cart"}, train.getKeys());
    TrainRequest request = PayloadCodec.shared().decode(train.getValue(), TrainRequest.class);
    assertEquals(TrainRequest.Reason.NO_MODEL, request.reason());
    assertEquals("shop/cart", request.entity());

    Window next = ScoringFixtures.window(UNTRAINED, live, 41);
    MessageList second =
        send(UNTRAINED.toKeys(), PayloadCodec.shared().encode(PreprocessedWindow.noModel(next)));
    assertEquals(1, second.getMessages().size(), "the entity was asked for within the interval");
    assertEquals(
        1,
        ScoringFixtures.counter(
            metrics, "rollguard_inference_train_requests_total", "result", "suppressed"));
    assertTrue(count(Inferencer.FALLBACK_NO_MODEL) >= 2);
  }

  @Test
  void badInputIsDroppedAndCountedByReason() {
    Window window = ScoringFixtures.window(TRAINED, live, 50);
    String ok =
        new String(
            PayloadCodec.shared()
                .encode(
                    PreprocessedWindow.ok(
                        window,
                        saved.version().id(),
                        saved.bundle().transforms().apply(window.values()))),
            StandardCharsets.UTF_8);

    MessageList garbage = send(TRAINED.toKeys(), "not json".getBytes(StandardCharsets.UTF_8));
    assertArrayEquals(new String[] {Message.DROP}, garbage.getMessages().get(0).getTags());
    assertEquals(1, count("rejected_malformed_json"));

    String badVersion =
        ok.replace(
            "\"modelVersion\":\"" + saved.version().id() + "\"",
            "\"modelVersion\":\"../../etc/passwd\"");
    MessageList bad = send(TRAINED.toKeys(), badVersion.getBytes(StandardCharsets.UTF_8));
    assertArrayEquals(new String[] {Message.DROP}, bad.getMessages().get(0).getTags());
    assertEquals(1, count("rejected_invalid_field"));

    String infinite = ok.replaceFirst("\"normalized\":\\[\\[[^,\\]]+", "\"normalized\":[[Infinity");
    MessageList inf = send(TRAINED.toKeys(), infinite.getBytes(StandardCharsets.UTF_8));
    assertArrayEquals(new String[] {Message.DROP}, inf.getMessages().get(0).getTags());
    assertEquals(1, count("rejected_non_finite"));
  }

  @Test
  void inABatchEachMessageGetsItsOwnOutcomeAndABadOneFailsOnlyItself() throws Exception {
    // Its own server and counters, so that the other tests' exact counts stay exact.
    PrometheusRegistry batchMetrics = new PrometheusRegistry();
    byte[][] scored = new byte[2][];
    for (int i = 0; i < scored.length; i++) {
      Window window = ScoringFixtures.window(TRAINED, live, 30 + 10 * i);
      scored[i] =
          PayloadCodec.shared()
              .encode(
                  PreprocessedWindow.ok(
                      window,
                      saved.version().id(),
                      saved.bundle().transforms().apply(window.values())));
    }
    try (BatchMapTestKit server =
            new BatchMapTestKit(
                new PerMessageBatchMapper(
                    new InferenceMapper(inferencer, config.metrics(), batchMetrics)),
                BATCH_PORT);
        BatchMapTestKit.Client batchClient = new BatchMapTestKit.Client(BATCH_PORT)) {
      List<MessageList> out =
          batchClient.sendBatch(
              List.of(
                  new BatchMapTestKit.Input(TRAINED.toKeys(), scored[0]),
                  new BatchMapTestKit.Input(
                      TRAINED.toKeys(), "not json".getBytes(StandardCharsets.UTF_8)),
                  new BatchMapTestKit.Input(TRAINED.toKeys(), scored[1])));
      assertEquals(3, out.size());
      for (int i : new int[] {0, 2}) {
        Message message = out.get(i).getMessages().get(0);
        assertArrayEquals(new String[] {InferenceMapper.TAG_SCORE}, message.getTags());
        assertEquals(
            InferenceResult.Source.MODEL,
            PayloadCodec.shared().decode(message.getValue(), InferenceResult.class).source());
      }
      assertArrayEquals(new String[] {Message.DROP}, out.get(1).getMessages().get(0).getTags());
      assertTrue(server.failures().isEmpty());
    }
    assertEquals(
        1, ScoringFixtures.counter(batchMetrics, COUNTER, "outcome", "rejected_malformed_json"));
  }
}
