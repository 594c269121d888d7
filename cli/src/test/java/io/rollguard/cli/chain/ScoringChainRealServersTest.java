package io.rollguard.cli.chain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import io.numaproj.numaflow.mapper.Message;
import io.numaproj.numaflow.mapper.MessageList;
import io.numaproj.numaflow.sinker.ResponseList;
import io.numaproj.numaflow.sinker.SinkerTestKit;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.config.PrometheusSettings;
import io.rollguard.common.config.RedisSettings;
import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.payload.AnomalyRecord;
import io.rollguard.common.payload.PayloadCodec;
import io.rollguard.common.payload.ScoringKey;
import io.rollguard.common.payload.TrainRequest;
import io.rollguard.common.payload.Window;
import io.rollguard.common.prometheus.PrometheusClient;
import io.rollguard.common.redis.RedisConnections;
import io.rollguard.common.registry.BundleCache;
import io.rollguard.common.registry.EntityId;
import io.rollguard.common.registry.RedisModelRegistry;
import io.rollguard.common.registry.StoredBundle;
import io.rollguard.common.stage.ScoringShape;
import io.rollguard.common.vertex.batchmap.PerMessageBatchMapper;
import io.rollguard.inference.InferenceMapper;
import io.rollguard.inference.Inferencer;
import io.rollguard.inference.TrainRequestLimiter;
import io.rollguard.inference.trainer.History;
import io.rollguard.inference.trainer.PrometheusHistorySource;
import io.rollguard.inference.trainer.RedisTrainingGuard;
import io.rollguard.inference.trainer.TrainerMetrics;
import io.rollguard.inference.trainer.TrainerSink;
import io.rollguard.inference.trainer.TrainingOutcome;
import io.rollguard.inference.trainer.TrainingService;
import io.rollguard.postprocess.PostprocessMapper;
import io.rollguard.postprocess.Postprocessor;
import io.rollguard.preprocess.PreprocessMapper;
import io.rollguard.preprocess.Preprocessor;
import io.rollguard.testsupport.BatchMapTestKit;
import io.rollguard.testsupport.OpenMetricsText;
import io.rollguard.testsupport.Poll;
import io.rollguard.testsupport.PrometheusServer;
import io.rollguard.testsupport.RedisServer;
import io.rollguard.testsupport.ScoringFixtures;
import io.rollguard.testsupport.ServiceSeries;
import io.rollguard.testsupport.SettableTicker;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.JedisPooled;

/**
 * Cold start to model-scored with real parts: a real {@code redis-server} (model registry, training
 * lease, back-off), a real {@code prometheus} whose TSDB was backfilled with promtool from 8 days
 * of generated history (with gaps, NaN and +Inf samples, and a canary), the three map vertices
 * chained through their SDK gRPC servers and the trainer sink through its SDK gRPC server.
 */
@Timeout(180)
class ScoringChainRealServersTest {

  static final int PREPROCESS_PORT = 50123;
  static final int INFERENCE_PORT = 50124;
  static final int POSTPROCESS_PORT = 50125;
  static final int TRAINER_PORT = 50127;
  static final String PREFIX = "rg-test:";
  static final long STEP = ScoringFixtures.STEP;
  static final int DAY = 1440;

  static final ScoringKey CHECKOUT = new ScoringKey("shop", "checkout", "stable", "s1");
  static final EntityId PAYMENTS = new EntityId("shop", "payments");
  static final EntityId NEWAPP = new EntityId("shop", "newapp");

  @TempDir static Path dir;
  static RedisServer redis;
  static PrometheusServer prometheus;
  static JedisPooled jedis;
  static RedisModelRegistry registry;
  static RollguardConfig config;
  static ServiceSeries checkoutHistory;
  static PrometheusClient prometheusClient;
  static final AtomicInteger prometheusResponses = new AtomicInteger();
  static final PrometheusRegistry trainerMetrics = new PrometheusRegistry();
  static final PrometheusRegistry sinkMetrics = new PrometheusRegistry();

  /** The vertices' bundle caches refresh when a test advances this, never on their own. */
  static final SettableTicker cacheTicker = new SettableTicker();

  static TrainingService trainer;
  static final List<AutoCloseable> servers = new ArrayList<>();
  static BatchMapTestKit.Client preprocess;
  static BatchMapTestKit.Client inference;
  static BatchMapTestKit.Client postprocess;
  static SinkerTestKit.Client trainerClient;

  @BeforeAll
  static void start() throws Exception {
    long end = (System.currentTimeMillis() / STEP) * STEP - 2 * STEP;
    OpenMetricsText text = new OpenMetricsText();
    checkoutHistory =
        ScoringFixtures.history(31, Instant.ofEpochMilli(end - (8L * DAY - 1) * STEP), 8 * DAY);
    // One hour a day missing (Prometheus omits those steps), sparse NaN and +Inf samples.
    backfill(
        text,
        "checkout",
        "stable",
        "s1",
        checkoutHistory,
        (row, metric) -> {
          if ((row / 60) % 24 == 5) {
            return Optional.empty();
          }
          if (row % 997 == 0 && metric == 1) {
            return Optional.of(Double.POSITIVE_INFINITY);
          }
          if (row % 503 == 0) {
            return Optional.of(Double.NaN);
          }
          return Optional.of(checkoutHistory.values()[row][metric]);
        });
    // A canary of the last six hours, slightly slower: history rows must come from the stable key.
    ServiceSeries canary =
        ScoringFixtures.history(32, Instant.ofEpochMilli(end - (360 - 1) * STEP), 360);
    backfill(
        text,
        "checkout",
        "canary",
        "c2",
        canary,
        (row, metric) -> Optional.of(canary.values()[row][metric]));
    ServiceSeries payments =
        ScoringFixtures.history(33, Instant.ofEpochMilli(end - (2L * DAY - 1) * STEP), 2 * DAY);
    backfill(
        text,
        "payments",
        "stable",
        "p1",
        payments,
        (row, metric) -> Optional.of(payments.values()[row][metric]));
    ServiceSeries newapp = ScoringFixtures.history(34, Instant.ofEpochMilli(end - 59 * STEP), 60);
    backfill(
        text,
        "newapp",
        "stable",
        "n1",
        newapp,
        (row, metric) -> Optional.of(newapp.values()[row][metric]));
    prometheus = PrometheusServer.builder().openMetrics(text.build()).start();
    redis = RedisServer.start();

    config = ScoringFixtures.config(dir, prometheus.url().toString());
    jedis = RedisConnections.open(RedisSettings.of(redis.url()));
    registry = new RedisModelRegistry(jedis, PREFIX, Duration.ofDays(7), Clock.systemUTC());
    prometheusClient =
        new PrometheusClient(
            PrometheusSettings.of(prometheus.url()),
            new PrometheusClient.Listener() {
              @Override
              public void onResponse(int httpStatus, Duration elapsed) {
                prometheusResponses.incrementAndGet();
              }
            });
    trainer = trainingService("pod-a", new TrainerMetrics(trainerMetrics));

    ScoringShape shape = ScoringShape.of(config);
    // Each vertex has its own cache, as in separate pods.
    preprocess =
        mapper(
            new PreprocessMapper(new Preprocessor(shape, cache()), new PrometheusRegistry()),
            PREPROCESS_PORT);
    inference =
        mapper(
            new InferenceMapper(
                new Inferencer(
                    shape,
                    cache(),
                    new TrainRequestLimiter(Duration.ofMinutes(1), 100, Ticker.systemTicker()),
                    config.training().retrainEvery(),
                    Clock.systemUTC()),
                config.metrics(),
                new PrometheusRegistry()),
            INFERENCE_PORT);
    postprocess =
        mapper(
            new PostprocessMapper(new Postprocessor(shape, cache()), new PrometheusRegistry()),
            POSTPROCESS_PORT);
    SinkerTestKit sinkKit =
        new SinkerTestKit(
            new TrainerSink(trainer, new TrainerMetrics(sinkMetrics)),
            io.numaproj.numaflow.sinker.GRPCConfig.newBuilder()
                .isLocal(true)
                .port(TRAINER_PORT)
                .build());
    sinkKit.startServer();
    servers.add(sinkKit::stopServer);
    trainerClient = new SinkerTestKit.Client("localhost", TRAINER_PORT);
  }

  @AfterAll
  static void stop() throws Exception {
    List<AutoCloseable> clients =
        List.of(preprocess::close, inference::close, postprocess::close, trainerClient::close);
    for (AutoCloseable c : clients) {
      c.close();
    }
    for (AutoCloseable server : servers) {
      server.close();
    }
    if (trainer != null) {
      trainer.close();
    }
    if (jedis != null) {
      jedis.close();
    }
    if (redis != null) {
      redis.close();
    }
    if (prometheus != null) {
      prometheus.close();
    }
  }

  interface Cell {
    Optional<Double> value(int row, int metric);
  }

  private static void backfill(
      OpenMetricsText text, String app, String role, String hash, ServiceSeries rows, Cell cell) {
    for (int j = 0; j < rows.metrics().size(); j++) {
      Map<String, String> labels =
          Map.of("namespace", "shop", "app", app, "role", role, "rollouts_pod_template_hash", hash);
      for (int i = 0; i < rows.rows(); i++) {
        Optional<Double> v = cell.value(i, j);
        if (v.isPresent()) {
          text.gauge("rg_" + rows.metrics().get(j), labels, rows.timestamps()[i], v.get());
        }
      }
    }
  }

  private static BundleCache cache() {
    return ScoringFixtures.cache(registry, cacheTicker, new PrometheusRegistry());
  }

  private static TrainingService trainingService(String pod, TrainerMetrics metrics) {
    return new TrainingService(
        config,
        registry,
        new PrometheusHistorySource(prometheusClient, config, Clock.systemUTC()),
        new RedisTrainingGuard(jedis, PREFIX, pod),
        Clock.systemUTC(),
        metrics);
  }

  /** The vertex's mapper behind the batch-map server the vertex runs, and a numa-like client. */
  private static BatchMapTestKit.Client mapper(io.numaproj.numaflow.mapper.Mapper mapper, int port)
      throws Exception {
    BatchMapTestKit kit = new BatchMapTestKit(new PerMessageBatchMapper(mapper), port);
    servers.add(kit::close);
    return new BatchMapTestKit.Client(port);
  }

  private static MessageList send(BatchMapTestKit.Client client, String[] keys, byte[] value) {
    return client.sendRequest(keys, value);
  }

  /**
   * One window through preprocess -> inference -> postprocess; returns the record and any train
   * message.
   */
  private record ChainResult(AnomalyRecord record, Message train) {}

  private static ChainResult chain(Window window) throws Exception {
    String[] keys = window.key().toKeys();
    MessageList pre = send(preprocess, keys, PayloadCodec.shared().encode(window));
    assertEquals(1, pre.getMessages().size());
    MessageList inf =
        send(inference, pre.getMessages().get(0).getKeys(), pre.getMessages().get(0).getValue());
    Message score = null;
    Message train = null;
    for (Message m : inf.getMessages()) {
      if (m.getTags()[0].equals(InferenceMapper.TAG_SCORE)) {
        score = m;
      } else if (m.getTags()[0].equals(InferenceMapper.TAG_TRAIN)) {
        train = m;
      }
    }
    assertNotNull(score, "inference always emits a score message");
    MessageList post = send(postprocess, score.getKeys(), score.getValue());
    assertArrayEquals(keys, post.getMessages().get(0).getKeys());
    return new ChainResult(
        PayloadCodec.shared().decode(post.getMessages().get(0).getValue(), AnomalyRecord.class),
        train);
  }

  @Test
  void aNewEntityIsScoredByTheFallbackFirstAndByItsTrainedModelOnceTrained() throws Exception {
    int rows = checkoutHistory.rows();
    ChainResult first = chain(ScoringFixtures.window(CHECKOUT, checkoutHistory, rows - 30));
    assertEquals(AnomalyRecord.Source.FALLBACK, first.record().source());
    assertNull(first.record().modelVersion());
    assertNotNull(first.train(), "the first window of an untrained entity asks for training");
    assertArrayEquals(new String[] {"shop", "checkout"}, first.train().getKeys());
    assertEquals(
        TrainRequest.Reason.NO_MODEL,
        PayloadCodec.shared().decode(first.train().getValue(), TrainRequest.class).reason());

    int responsesBefore = prometheusResponses.get();
    long sent = System.nanoTime();
    SinkerTestKit.TestListIterator batch = new SinkerTestKit.TestListIterator();
    batch.addDatum(
        SinkerTestKit.TestDatum.builder()
            .id("train-1")
            .keys(first.train().getKeys())
            .value(first.train().getValue())
            .eventTime(Instant.now())
            .watermark(Instant.now())
            .build());
    ResponseList acks = trainerClient.sendRequest(batch);
    assertEquals(1, acks.getResponses().size());
    assertTrue(acks.getResponses().get(0).getSuccess(), "the request is acknowledged at once");

    StoredBundle trained =
        Poll.untilPresent(
            "the trainer saved a bundle",
            Duration.ofSeconds(120),
            () -> registry.loadLatest(EntityId.of(CHECKOUT)));
    double trainingSeconds = (System.nanoTime() - sent) / 1e9;
    // 8 days at 60 s = 11 521 points per series: two query_range chunks per metric (< 11 000 each).
    assertEquals(2 * config.metrics().size(), prometheusResponses.get() - responsesBefore);
    // The whole backfilled span, give or take the steps the clock moved on since the backfill.
    int used = trained.bundle().summary().rows();
    assertTrue(Math.abs(rows - used) <= 8, "trained on " + used + " of " + rows + " rows");

    // Until their refresh is due, the vertices' caches still answer "no model".
    ChainResult next = chain(ScoringFixtures.window(CHECKOUT, checkoutHistory, rows - 29));
    assertEquals(AnomalyRecord.Source.FALLBACK, next.record().source(), "no refresh yet");
    cacheTicker.advance(ScoringFixtures.CACHE_REFRESH.plusMillis(1));
    // The first window after the refresh is due triggers each cache's reload and is still scored
    // with what the cache held; the reload is done when it returns.
    int attempts = 0;
    while (next.record().source() != AnomalyRecord.Source.MODEL && attempts < 2) {
      attempts++;
      next = chain(ScoringFixtures.window(CHECKOUT, checkoutHistory, rows - 29 + attempts));
    }
    assertEquals(
        AnomalyRecord.Source.MODEL,
        next.record().source(),
        "scored by the model once the caches refreshed");
    assertEquals(trained.version().id(), next.record().modelVersion());
    assertNull(next.train(), "a fresh model asks for nothing");
    assertTrue(next.record().unifiedScore() < 5, "a healthy window: " + next.record());
    System.out.printf(
        "cold start: training (8 days, %d rows, fetch+fit+save) took %.2f s;"
            + " model-scored after %d more window(s)%n",
        rows, trainingSeconds, attempts);
  }

  @Test
  void theHistoryIsRegriddedWithGapsAndNonFiniteSamplesAsMissingAndStableRowsOnly()
      throws Exception {
    History history =
        new PrometheusHistorySource(prometheusClient, config, Clock.systemUTC())
            .fetch(EntityId.of(CHECKOUT));
    // The grid starts lookback before now: a few of the oldest backfilled steps may have aged out.
    int offset = (int) ((history.timestamps()[0] - checkoutHistory.timestamps()[0]) / STEP);
    assertTrue(offset >= 0 && offset <= 8, "offset " + offset);
    assertTrue(
        Math.abs(history.rows() - (checkoutHistory.rows() - offset)) <= 8,
        "rows " + history.rows());
    assertEquals(2 * config.metrics().size(), history.series(), "stable and canary series");
    assertTrue(history.nonFinite() > 0, "NaN and +Inf samples were seen");
    assertTrue(
        history.coverage() < 0.99 && history.coverage() > 0.9, "coverage " + history.coverage());
    int lastData = checkoutHistory.rows() - 1;
    assertArrayEquals(
        checkoutHistory.values()[lastData],
        history.values()[lastData - offset],
        0.0,
        "the newest rows come from the stable key, not the canary");
    // Row 5 * 60 + 30 of each day lies in the daily gap (beyond Prometheus' 5 minute lookback).
    int inGap = DAY + 5 * 60 + 30;
    assertTrue(Double.isNaN(history.values()[inGap - offset][0]), "a gap stays missing");
    // Row 997 * 2 held +Inf for metric 1: missing, never a number.
    assertTrue(Double.isNaN(history.values()[997 * 2 - offset][1]), "+Inf is missing");
    assertEquals(
        checkoutHistory.values()[997 * 2 + 1][1], history.values()[997 * 2 + 1 - offset][1], 0.0);
  }

  @Test
  void twoTrainersRaceForOneEntityAndExactlyOneTrains() throws Exception {
    TrainingService podB = trainingService("pod-b", new TrainerMetrics(new PrometheusRegistry()));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CountDownLatch go = new CountDownLatch(1);
      Callable<TrainingOutcome> a =
          () -> {
            go.await();
            return trainer.trainNow(PAYMENTS);
          };
      Callable<TrainingOutcome> b =
          () -> {
            go.await();
            return podB.trainNow(PAYMENTS);
          };
      Future<TrainingOutcome> fa = pool.submit(a);
      Future<TrainingOutcome> fb = pool.submit(b);
      go.countDown();
      List<TrainingOutcome> outcomes = List.of(fa.get(), fb.get());
      assertEquals(
          1,
          outcomes.stream().filter(o -> o == TrainingOutcome.TRAINED).count(),
          outcomes.toString());
      assertTrue(
          outcomes.contains(TrainingOutcome.SKIPPED_LEASE_HELD)
              || outcomes.contains(TrainingOutcome.SKIPPED_FRESH),
          outcomes.toString());
      assertTrue(registry.loadLatest(PAYMENTS).isPresent());
      assertNull(jedis.get(PREFIX + "train-lease:{shop:payments}"), "the lease is released");
      // Another request now finds the fresh bundle.
      assertEquals(TrainingOutcome.SKIPPED_FRESH, podB.trainNow(PAYMENTS));
    } finally {
      pool.shutdownNow();
      podB.close();
    }
  }

  @Test
  void anEntityWithTooLittleHistoryBacksOffAcrossReplicas() throws Exception {
    assertEquals(TrainingOutcome.TOO_LITTLE_DATA, trainer.trainNow(NEWAPP));
    long ttl = jedis.pttl(PREFIX + "train-backoff:{shop:newapp}");
    assertTrue(
        ttl > 0 && ttl <= config.training().retryBackoff().toMillis(), "back-off TTL " + ttl);
    TrainingService podC = trainingService("pod-c", new TrainerMetrics(new PrometheusRegistry()));
    try {
      assertEquals(
          TrainingOutcome.SKIPPED_BACKOFF,
          podC.trainNow(NEWAPP),
          "another replica sees the back-off");
    } finally {
      podC.close();
    }
    assertTrue(registry.loadLatest(NEWAPP).isEmpty());
    assertTrue(
        ScoringFixtures.counter(
                trainerMetrics, TrainerMetrics.REQUESTS, "outcome", "too_little_data")
            >= 1);
  }

  @Test
  void undecodableTrainRequestsAreAcknowledgedCountedAndNeverTrained() throws Exception {
    SinkerTestKit.TestListIterator batch = new SinkerTestKit.TestListIterator();
    batch.addDatum(
        SinkerTestKit.TestDatum.builder()
            .id("bad-1")
            .keys(new String[] {"shop", "x"})
            .value("{not json".getBytes(java.nio.charset.StandardCharsets.UTF_8))
            .eventTime(Instant.now())
            .watermark(Instant.now())
            .build());
    TrainRequest foreign =
        new TrainRequest(
            "shop", "../etc", System.currentTimeMillis(), TrainRequest.Reason.NO_MODEL, null);
    batch.addDatum(
        SinkerTestKit.TestDatum.builder()
            .id("bad-2")
            .keys(new String[] {"shop", "../etc"})
            .value(PayloadCodec.shared().encode(foreign))
            .eventTime(Instant.now())
            .watermark(Instant.now())
            .build());
    ResponseList acks = trainerClient.sendRequest(batch);
    assertEquals(2, acks.getResponses().size());
    assertTrue(
        acks.getResponses().stream().allMatch(r -> r.getSuccess()), "acknowledged, not retried");
    assertEquals(
        1,
        ScoringFixtures.counter(
            sinkMetrics, TrainerMetrics.REQUESTS, "outcome", "rejected_malformed_json"));
    assertEquals(
        1,
        ScoringFixtures.counter(
            sinkMetrics, TrainerMetrics.REQUESTS, "outcome", "rejected_unknown_entity"));
  }
}
