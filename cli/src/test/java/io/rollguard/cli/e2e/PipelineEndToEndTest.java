package io.rollguard.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.github.benmanes.caffeine.cache.Ticker;
import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.numaproj.numaflow.mapper.MessageList;
import io.numaproj.numaflow.reduce.v1.ReduceGrpc;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceRequest;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceResponse;
import io.numaproj.numaflow.sinker.Response;
import io.numaproj.numaflow.sinker.ResponseList;
import io.numaproj.numaflow.sinker.SinkerTestKit;
import io.numaproj.numaflow.sourcer.Message;
import io.numaproj.numaflow.sourcer.Offset;
import io.numaproj.numaflow.sourcer.SourcerTestKit;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.cli.scenario.Effect;
import io.rollguard.cli.scenario.Scenario;
import io.rollguard.cli.scenario.ScenarioData;
import io.rollguard.cli.scenario.SeriesRows;
import io.rollguard.cli.scenario.ServiceMetric;
import io.rollguard.cli.scenario.ServiceProfile;
import io.rollguard.common.config.ConfigLoader;
import io.rollguard.common.config.MetricSpec;
import io.rollguard.common.config.PrometheusSettings;
import io.rollguard.common.config.RedisSettings;
import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.payload.AnomalyRecord;
import io.rollguard.common.payload.PayloadCodec;
import io.rollguard.common.payload.ScoringKey;
import io.rollguard.common.payload.Window;
import io.rollguard.common.prometheus.PrometheusClient;
import io.rollguard.common.prometheus.RangeSeries;
import io.rollguard.common.prometheus.StepGrid;
import io.rollguard.common.redis.RedisConnections;
import io.rollguard.common.registry.BundleCache;
import io.rollguard.common.registry.EntityId;
import io.rollguard.common.registry.RedisModelRegistry;
import io.rollguard.common.stage.ScoringShape;
import io.rollguard.common.vertex.batchmap.PerMessageBatchMapper;
import io.rollguard.inference.InferenceMapper;
import io.rollguard.inference.Inferencer;
import io.rollguard.inference.TrainRequestLimiter;
import io.rollguard.inference.trainer.PrometheusHistorySource;
import io.rollguard.inference.trainer.RedisTrainingGuard;
import io.rollguard.inference.trainer.TrainerMetrics;
import io.rollguard.inference.trainer.TrainingOutcome;
import io.rollguard.inference.trainer.TrainingService;
import io.rollguard.postprocess.PostprocessMapper;
import io.rollguard.postprocess.Postprocessor;
import io.rollguard.preprocess.PreprocessMapper;
import io.rollguard.preprocess.Preprocessor;
import io.rollguard.source.AckedOffsetStore;
import io.rollguard.source.MetricQuery;
import io.rollguard.source.PrometheusSourcer;
import io.rollguard.source.SampleAssembler;
import io.rollguard.source.SourceMetrics;
import io.rollguard.source.SourceSettings;
import io.rollguard.source.StepFetcher;
import io.rollguard.store.AnomalyScoreCollector;
import io.rollguard.store.AnomalyStoreReader;
import io.rollguard.store.AnomalyStoreSink;
import io.rollguard.store.AnomalyStoreWriter;
import io.rollguard.store.MalformedRecordPolicy;
import io.rollguard.store.StoreHttpServer;
import io.rollguard.store.StoreKeys;
import io.rollguard.store.StoreMetrics;
import io.rollguard.store.StoreVertexMain;
import io.rollguard.store.VerdictService;
import io.rollguard.store.verdict.CanaryJudge;
import io.rollguard.testsupport.BatchMapTestKit;
import io.rollguard.testsupport.OpenMetricsText;
import io.rollguard.testsupport.Poll;
import io.rollguard.testsupport.PrometheusServer;
import io.rollguard.testsupport.RedisServer;
import io.rollguard.testsupport.SettableClock;
import io.rollguard.window.WindowReduceServer;
import io.rollguard.window.WindowReducerFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.JedisPooled;

/**
 * The whole pipeline through the vertices' real gRPC servers, with a real {@code redis-server} and
 * a real {@code prometheus}:
 *
 * <pre>
 * prometheus (promtool backfill: 2 days of generated history + a 30-minute canary phase, 2 apps)
 *   -> source (PrometheusSourcer, read/ack called directly: the 0.9.2 SourcerTestKit client sends no
 *      handshake; its gRPC server answers pending/partitions)
 *   -> window (WindowReduceServer, one Rust-style reduce stream per sliding window)
 *   -> preprocess -> inference (tag score) -> postprocess   (batch-map servers, numa-like clients)
 *   -> anomaly store (SinkerTestKit server and client) -> Redis
 * then: the store's verdict API, and a real Prometheus scraping the store's /metrics and evaluating
 * the AnalysisTemplate's PromQL.
 * </pre>
 *
 * <p>Both apps are trained first by the trainer's {@link TrainingService} (history read from the
 * real Prometheus, bundle saved to the Redis registry), so the windows are scored by the model.
 * {@code checkout}'s canary regresses ({@code +300 ms} p99 latency and 5% errors) from minute 8 of
 * the canary phase; {@code payments}' canary is the same build as its stable.
 *
 * <p>Deterministic: seeded generators, and the data starts at a UTC midnight (the generator's daily
 * cycle depends on the time of day), so every run scores the same numbers; every component reads
 * one simulated clock that follows the data, never the wall clock.
 */
@Timeout(120)
class PipelineEndToEndTest {

  static final int SOURCE_PORT = 50170;
  static final int WINDOW_PORT = 50171;
  static final int PREPROCESS_PORT = 50172;
  static final int INFERENCE_PORT = 50173;
  static final int POSTPROCESS_PORT = 50174;
  static final int STORE_PORT = 50175;

  static final long STEP = 60_000;
  static final long DAY = 86_400_000L;
  static final int W = 12;
  static final int HISTORY_STEPS = 2 * 1440;
  static final int CANARY_STEPS = 30;
  static final int ONSET = 8;
  static final String PREFIX = "rg-e2e:";
  static final List<ServiceMetric> METRICS = ServiceMetric.core();

  /** The tag of {@code Message.toDrop()}: numa discards such a result. */
  static final String DROP_TAG = io.numaproj.numaflow.reducer.Message.toDrop().getTags()[0];

  static final ScoringKey CHECKOUT_STABLE = new ScoringKey("shop", "checkout", "stable", "5b6c4a");
  static final ScoringKey CHECKOUT_CANARY = new ScoringKey("shop", "checkout", "canary", "7d9f8c");
  static final ScoringKey PAYMENTS_STABLE = new ScoringKey("shop", "payments", "stable", "a1b2c3");
  static final ScoringKey PAYMENTS_CANARY = new ScoringKey("shop", "payments", "canary", "d4e5f6");

  /** UTC midnight three days ago: history of two days, then the canary phase yesterday at 00:00. */
  static final long START = Math.floorDiv(System.currentTimeMillis(), DAY) * DAY - 3 * DAY;

  static final long CANARY_START = START + HISTORY_STEPS * STEP;
  static final long LAST_STEP = CANARY_START + (CANARY_STEPS - 1) * STEP;

  /** The source reads from one window length before the canary, so stable windows are full. */
  static final long READ_FROM = CANARY_START - W * STEP;

  static final Duration INGESTION_DELAY = Duration.ofSeconds(30);

  static final SettableClock clock = new SettableClock(CANARY_START);
  static final List<Runnable> stops = new ArrayList<>();
  static RedisServer redis;
  static PrometheusServer prometheus;
  static JedisPooled jedis;
  static RollguardConfig config;
  static RedisModelRegistry registry;
  static StoreHttpServer storeHttp;

  @BeforeAll
  static void startServers() throws Exception {
    OpenMetricsText text = new OpenMetricsText();
    ScenarioData checkout =
        scenario(
                "checkout",
                7,
                List.of(Effect.latencyIncreaseMs(ONSET, 300), Effect.errorRatio(ONSET, 0.05)))
            .generate();
    ScenarioData payments = scenario("payments", 8, List.of()).generate();
    backfill(text, CHECKOUT_STABLE, checkout.history());
    backfill(text, CHECKOUT_STABLE, checkout.stable());
    backfill(text, CHECKOUT_CANARY, checkout.canary());
    backfill(text, PAYMENTS_STABLE, payments.history());
    backfill(text, PAYMENTS_STABLE, payments.stable());
    backfill(text, PAYMENTS_CANARY, payments.canary());
    assertEquals(LAST_STEP, checkout.canary().timestamps()[CANARY_STEPS - 1]);
    prometheus = PrometheusServer.builder().openMetrics(text.build()).start();
    redis = RedisServer.start();
    jedis = RedisConnections.open(RedisSettings.of(redis.url()));
    config =
        ConfigLoader.parse(
            configYaml(prometheus.url(), redis.url()), "PipelineEndToEndTest", Map.of());
    registry = new RedisModelRegistry(jedis, PREFIX, config.registry().bundleTtl(), clock);
  }

  @AfterAll
  static void stopServers() {
    Collections.reverse(stops);
    stops.forEach(Runnable::run);
    if (storeHttp != null) {
      storeHttp.stop();
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

  static Scenario scenario(String app, long seed, List<Effect> canaryEffects) {
    return new Scenario(
        app,
        seed,
        Instant.ofEpochMilli(START),
        Duration.ofMillis(STEP),
        HISTORY_STEPS,
        CANARY_STEPS,
        ServiceProfile.webService(),
        METRICS,
        List.of(),
        canaryEffects,
        0.0);
  }

  static void backfill(OpenMetricsText text, ScoringKey key, SeriesRows rows) {
    Map<String, String> labels =
        Map.of(
            "namespace",
            key.namespace(),
            "app",
            key.app(),
            "role",
            key.role(),
            "rollouts_pod_template_hash",
            key.podTemplateHash());
    for (int j = 0; j < rows.metrics().size(); j++) {
      for (int i = 0; i < rows.rows(); i++) {
        text.gauge(
            "rg_" + rows.metrics().get(j), labels, rows.timestamps()[i], rows.values()[i][j]);
      }
    }
  }

  /**
   * The shipped config's shape (names, units, directions, transforms, weights) on the test's
   * gauges.
   */
  static String configYaml(URI prometheusUrl, URI redisUrl) {
    StringBuilder yaml = new StringBuilder("step: 60s\nmetrics:\n");
    for (ServiceMetric m : METRICS) {
      String name = m.metricName();
      yaml.append("  - name: ")
          .append(name)
          .append('\n')
          .append("    query: 'max by ({{by}}) (rg_")
          .append(name)
          .append("{ {{selector}} })'\n")
          .append("    unit: '1'\n")
          .append("    weight: ")
          .append(name.startsWith("latency") || name.startsWith("error") ? "1" : "0.5")
          .append('\n')
          .append("    direction: ")
          .append(m == ServiceMetric.REQUEST_RATE ? "down" : "up")
          .append('\n');
      if (name.startsWith("latency") || m == ServiceMetric.REQUEST_RATE) {
        yaml.append("    transform: log1p\n");
      }
      if (m == ServiceMetric.ERROR_RATIO) {
        yaml.append("    staticLimit:\n      max: 0.2\n");
      }
    }
    return yaml.append("window:\n  lengthSteps: ")
        .append(W)
        .append("\n  minCoverage: 0.5\n  maxFillSteps: 2\n")
        .append("training:\n  lookback: 3d\n  retrainEvery: 24h\n  retryBackoff: 1m\n  seed: 42\n")
        .append("registry:\n  backend: redis\n")
        .append("redis:\n  url: '")
        .append(redisUrl)
        .append("'\n  keyPrefix: '")
        .append(PREFIX)
        .append("'\n")
        .append("prometheus:\n  url: '")
        .append(prometheusUrl)
        .append("'\n  ingestionDelay: ")
        .append(INGESTION_DELAY.toSeconds())
        .append("s\n  timeout: 10s\n")
        .append("vertex:\n  metricsPort: 0\n")
        .toString();
  }

  @Test
  void aRegressedCanaryFailsAndACleanCanaryPassesFromSourceToStoreAndThroughThePrometheusGate()
      throws Exception {
    // 1. The trainer: history from the real Prometheus as of the canary's start, bundle to Redis.
    try (TrainingService trainer =
        new TrainingService(
            config,
            registry,
            new PrometheusHistorySource(new PrometheusClient(config.prometheus()), config, clock),
            new RedisTrainingGuard(jedis, PREFIX, "e2e-trainer"),
            clock,
            new TrainerMetrics(new PrometheusRegistry()))) {
      assertEquals(TrainingOutcome.TRAINED, trainer.trainNow(EntityId.of(CHECKOUT_STABLE)));
      assertEquals(TrainingOutcome.TRAINED, trainer.trainNow(EntityId.of(PAYMENTS_STABLE)));
    }

    // 2. Every vertex's gRPC server.
    SourceMetrics sourceMetrics = new SourceMetrics(new PrometheusRegistry());
    PrometheusClient sourceClient =
        new PrometheusClient(config.prometheus(), sourceMetrics.clientListener());
    StepFetcher fetcher =
        new StepFetcher(
            sourceClient,
            MetricQuery.renderAll(
                config.metrics(), config.entity(), config.prometheus().rateRange()),
            new SampleAssembler(config.entity(), config.metricNames(), sourceMetrics),
            sourceMetrics);
    AckedOffsetStore offsets =
        new AckedOffsetStore(
            jedis, AckedOffsetStore.key(PREFIX, "e2e", "source", 0), Duration.ofHours(1));
    offsets.save(READ_FROM - STEP); // as if the pipeline had run up to here
    clock.set(LAST_STEP + INGESTION_DELAY.toMillis()); // the newest ready step is the last one
    PrometheusSourcer source =
        new PrometheusSourcer(
            new SourceSettings(
                config.step(),
                INGESTION_DELAY,
                SourceSettings.DEFAULT_MAX_STEPS_PER_FETCH,
                SourceSettings.DEFAULT_MAX_CATCH_UP,
                Duration.ofSeconds(1),
                Duration.ofHours(1)),
            fetcher,
            offsets,
            sourceMetrics,
            clock,
            0);
    SourcerTestKit sourceKit =
        new SourcerTestKit(
            source,
            io.numaproj.numaflow.sourcer.GRPCConfig.newBuilder()
                .isLocal(true)
                .port(SOURCE_PORT)
                .build());
    sourceKit.startServer();
    stops.add(() -> quietly(sourceKit::stopServer));
    SourcerTestKit.Client sourceGrpc = new SourcerTestKit.Client("localhost", SOURCE_PORT);
    stops.add(() -> quietly(sourceGrpc::close));

    WindowReduceServer windowServer =
        new WindowReduceServer(
            new WindowReducerFactory(
                config.windowSettings(), config.metricNames(), new PrometheusRegistry()),
            io.numaproj.numaflow.reducer.GRPCConfig.newBuilder()
                .isLocal(true)
                .port(WINDOW_PORT)
                .build());
    windowServer.start();
    stops.add(() -> quietly(windowServer::stop));
    ManagedChannel windowChannel =
        ManagedChannelBuilder.forAddress("localhost", WINDOW_PORT).usePlaintext().build();
    stops.add(
        () -> quietly(() -> windowChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS)));
    ReduceGrpc.ReduceStub window = ReduceGrpc.newStub(windowChannel);

    ScoringShape shape = ScoringShape.of(config);
    BatchMapTestKit.Client preprocess =
        mapper(
            new PreprocessMapper(new Preprocessor(shape, cache()), new PrometheusRegistry()),
            PREPROCESS_PORT);
    BatchMapTestKit.Client inference =
        mapper(
            new InferenceMapper(
                new Inferencer(
                    shape,
                    cache(),
                    TrainRequestLimiter.of(config),
                    config.training().retrainEvery(),
                    clock),
                config.metrics(),
                new PrometheusRegistry()),
            INFERENCE_PORT);
    BatchMapTestKit.Client postprocess =
        mapper(
            new PostprocessMapper(new Postprocessor(shape, cache()), new PrometheusRegistry()),
            POSTPROCESS_PORT);

    PrometheusRegistry storeOperational = new PrometheusRegistry();
    StoreMetrics storeMetrics = new StoreMetrics(storeOperational);
    StoreKeys keys = new StoreKeys(config.redis().keyPrefix());
    AnomalyStoreSink sink =
        new AnomalyStoreSink(
            new AnomalyStoreWriter(
                jedis,
                keys,
                config.store().historyLength(),
                config.store().historyTtl(),
                clock,
                storeMetrics),
            config.metrics().stream().map(MetricSpec::name).toList(),
            MalformedRecordPolicy.FAILURE,
            storeMetrics,
            AnomalyStoreSink.DEFAULT_CHUNK_SIZE);
    SinkerTestKit sinkKit =
        new SinkerTestKit(
            sink,
            io.numaproj.numaflow.sinker.GRPCConfig.newBuilder()
                .isLocal(true)
                .port(STORE_PORT)
                .build());
    sinkKit.startServer();
    stops.add(() -> quietly(sinkKit::stopServer));
    SinkerTestKit.Client store = new SinkerTestKit.Client("localhost", STORE_PORT);
    stops.add(() -> quietly(store::close));

    // 3. Stream: source -> sliding windows -> scoring chain -> store.
    Chain chain = new Chain(preprocess, inference, postprocess, store);
    SlidingWindows windows = new SlidingWindows(window, chain);
    int samples = 0;
    while (true) {
      SourcerTestKit.TestListBasedObserver read = new SourcerTestKit.TestListBasedObserver();
      source.read(
          SourcerTestKit.TestReadRequest.builder()
              .count(500)
              .timeout(Duration.ofMillis(200))
              .build(),
          read);
      List<Message> batch = read.getMessages();
      if (batch.isEmpty()) {
        break;
      }
      for (Message message : batch) {
        windows.accept(message);
      }
      samples += batch.size();
      // Acknowledged once handed to the next vertex, as numa does after writing to the buffer.
      List<Offset> acked = batch.stream().map(Message::getOffset).toList();
      source.ack(SourcerTestKit.TestAckRequest.builder().offsets(acked).build());
    }
    windows.closeAll();
    // Stable keys from READ_FROM, canary keys from the canary start, every step: 4 keys per canary
    // step.
    assertEquals(
        2 * (W + CANARY_STEPS) + 2 * CANARY_STEPS, samples, "samples read from Prometheus");
    assertEquals(LAST_STEP, source.ackedOffset(), "every step acknowledged");
    assertEquals(LAST_STEP, offsets.load().getAsLong(), "and the offset saved in Redis");
    assertEquals(
        0, sourceGrpc.sendPendingRequest(), "nothing pending over the source's gRPC server");
    assertEquals(List.of(0), sourceGrpc.sendGetPartitionsRequest());

    // Windows close W steps after their start; the last ends one step after the last sample.
    long lastEnd = LAST_STEP + STEP;
    assertEquals(CANARY_STEPS + 1, windows.closed, "one stream per sliding window");
    // A canary's first five windows hold 1-5 of 12 rows (coverage below 0.5): dropped by the window
    // vertex.
    assertEquals(2 * 5, windows.dropped, "dropped windows");
    assertEquals(
        2 * (CANARY_STEPS + 1) + 2 * (CANARY_STEPS - 5), chain.records.size(), "records stored");
    assertEquals(List.of(READ_FROM + W * STEP, lastEnd), chain.endsOf(CHECKOUT_STABLE));
    assertEquals(List.of(READ_FROM + W * STEP, lastEnd), chain.endsOf(PAYMENTS_STABLE));
    assertTrue(chain.trainRequests == 0, "trained entities ask for no training");
    for (AnomalyRecord r : chain.records) {
      assertEquals(AnomalyRecord.Source.MODEL, r.source(), "scored by the trained model: " + r);
      assertNotNull(r.modelVersion());
    }
    System.out.printf(
        "e2e: %d samples, %d windows, %d records; unified scores: checkout canary %s;"
            + " checkout stable %s; payments canary %s; payments stable %s%n",
        samples,
        windows.closed,
        chain.records.size(),
        chain.scores(CHECKOUT_CANARY),
        chain.scores(CHECKOUT_STABLE),
        chain.scores(PAYMENTS_CANARY),
        chain.scores(PAYMENTS_STABLE));

    // 4. The store's verdict API, at the time of the newest window.
    clock.set(lastEnd);
    VerdictService verdicts =
        new VerdictService(
            new AnomalyStoreReader(jedis, keys),
            clock,
            CanaryJudge.of(config.verdict(), config.metrics()));
    PrometheusRegistry exported =
        StoreVertexMain.storeRegistry(
            storeOperational,
            new AnomalyScoreCollector(
                new AnomalyStoreReader(jedis, keys),
                config.store().staleness(),
                clock,
                storeMetrics,
                config.store().metricsMaxKeys(),
                verdicts));
    storeHttp = new StoreHttpServer(0, exported, verdicts, storeMetrics);
    JsonNode failing = verdict(CHECKOUT_CANARY);
    assertEquals("fail", failing.get("verdict").asText(), failing.toString());
    assertEquals(CHECKOUT_STABLE.podTemplateHash(), failing.get("stableHash").asText());
    assertTrue(
        failing.get("stable").get("unifiedScore").asDouble()
            < config.verdict().stableIncidentScore(),
        "the stable is healthy: " + failing);
    String top = failing.get("topMetrics").get(0).get("metric").asText();
    assertTrue(top.startsWith("latency") || top.startsWith("error"), "top metric " + top);
    JsonNode passing = verdict(PAYMENTS_CANARY);
    assertEquals("pass", passing.get("verdict").asText(), passing.toString());
    assertTrue(passing.get("canary").get("usableRecords").asInt() >= config.verdict().minSamples());

    // 5. The two AnalysisTemplates reach the same outcome on the same data: the Prometheus
    // provider's query of the store's verdict gauge, through a real Prometheus scraping the store,
    // and the web provider's verdict from the API; on a failing, a passing and an inconclusive
    // canary (a hash the store has no score for).
    AnalysisTemplate template = AnalysisTemplate.read();
    ScoringKey unscored = new ScoringKey("shop", "checkout", "canary", "n0d4t4");
    Map<ScoringKey, String> expected = new LinkedHashMap<>();
    expected.put(CHECKOUT_CANARY, "fail");
    expected.put(PAYMENTS_CANARY, "pass");
    expected.put(unscored, "inconclusive");
    try (PrometheusServer gate =
        PrometheusServer.builder()
            .scrapeConfigs(
                "  - job_name: anomaly-store\n"
                    + "    static_configs:\n"
                    + "      - targets: ['127.0.0.1:"
                    + storeHttp.port()
                    + "']\n",
                Duration.ofSeconds(1))
            .start()) {
      PrometheusClient gateClient = new PrometheusClient(PrometheusSettings.of(gate.url()));
      // Once the scored canaries have a value, the scrapes have happened: no value is no data.
      evaluate(gateClient, template.query(CHECKOUT_CANARY));
      evaluate(gateClient, template.query(PAYMENTS_CANARY));
      for (Map.Entry<ScoringKey, String> e : expected.entrySet()) {
        String api = verdict(e.getKey()).get("verdict").asText();
        List<RangeSeries> result =
            gateClient.queryRange(
                template.query(e.getKey()),
                new StepGrid(System.currentTimeMillis() / 1000 * 1000, 1000, 1));
        List<Double> values =
            result.isEmpty() || result.get(0).size() == 0
                ? List.of()
                : List.of(result.get(0).values()[0]);
        String prometheus = template.outcome(values);
        assertEquals(e.getValue(), api, "verdict API for " + e.getKey());
        assertEquals(
            api, prometheus, "Prometheus provider " + values + " vs verdict API for " + e.getKey());
        System.out.printf(
            "e2e: %s -> API %s, Prometheus provider %s (%s)%n",
            e.getKey(), api, prometheus, values);
      }
    }
  }

  /**
   * Polls until the scrapes give the query a value (a few scrape intervals: real time, Prometheus
   * scrapes on its own clock).
   */
  static double evaluate(PrometheusClient client, String query) throws Exception {
    List<RangeSeries> result =
        Poll.untilPresent(
            "a result for " + query,
            Duration.ofSeconds(20),
            () -> {
              List<RangeSeries> r =
                  client.queryRange(
                      query, new StepGrid(System.currentTimeMillis() / 1000 * 1000, 1000, 1));
              return !r.isEmpty() && r.get(0).size() > 0 ? Optional.of(r) : Optional.empty();
            });
    assertEquals(1, result.size(), "one value: " + query);
    return result.get(0).values()[0];
  }

  static JsonNode verdict(ScoringKey canary) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + storeHttp.port()
                                + "/api/v1/verdict?namespace="
                                + canary.namespace()
                                + "&app="
                                + canary.app()
                                + "&hash="
                                + canary.podTemplateHash()))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    return new ObjectMapper().readTree(response.body());
  }

  static BundleCache cache() {
    // Each vertex has its own cache, as in separate pods.
    return new BundleCache(
        registry,
        1000,
        Duration.ofSeconds(10),
        Duration.ofHours(1),
        ForkJoinPool.commonPool(),
        Ticker.systemTicker(),
        new PrometheusRegistry());
  }

  /** The vertex's mapper behind the batch-map server the vertex runs, and a numa-like client. */
  static BatchMapTestKit.Client mapper(io.numaproj.numaflow.mapper.Mapper mapper, int port)
      throws Exception {
    BatchMapTestKit kit = new BatchMapTestKit(new PerMessageBatchMapper(mapper), port);
    stops.add(() -> quietly(kit::close));
    BatchMapTestKit.Client client = new BatchMapTestKit.Client(port);
    stops.add(() -> quietly(client::close));
    return client;
  }

  interface Action {
    void run() throws Exception;
  }

  static void quietly(Action action) {
    try {
      action.run();
    } catch (Exception e) {
      System.err.println("e2e teardown: " + e);
    }
  }

  /**
   * The Rust data plane's aligned sliding windows: each sample goes to the W windows containing its
   * event time; a window's stream is opened by its first message (OPEN, then APPEND, the window in
   * every request, no headers) and half-closed once the watermark (the samples' event time, which
   * the source emits in order) passes its end. Windows that would start before the first read step
   * are not opened (they would hold a partial view of data the test did not read).
   */
  static final class SlidingWindows {
    private final ReduceGrpc.ReduceStub stub;
    private final Chain chain;
    private final TreeMap<Long, WindowStream> open = new TreeMap<>();
    int closed;
    int dropped;

    SlidingWindows(ReduceGrpc.ReduceStub stub, Chain chain) {
      this.stub = stub;
      this.chain = chain;
    }

    void accept(Message message) throws Exception {
      long t = message.getEventTime().toEpochMilli();
      while (!open.isEmpty() && open.firstKey() + W * STEP <= t) {
        close(open.pollFirstEntry().getValue());
      }
      for (long start = Math.max(READ_FROM, t - (W - 1) * STEP); start <= t; start += STEP) {
        if (start + W * STEP > LAST_STEP + STEP) {
          break; // would only close after data this run does not read
        }
        open.computeIfAbsent(start, s -> new WindowStream(stub, s, s + W * STEP))
            .send(message.getKeys(), message.getValue(), t);
      }
    }

    void closeAll() throws Exception {
      while (!open.isEmpty()) {
        close(open.pollFirstEntry().getValue());
      }
    }

    private void close(WindowStream stream) throws Exception {
      List<ReduceResponse> responses = stream.closeAndAwait();
      assertTrue(responses.get(responses.size() - 1).getEOF(), "the window's stream ends with EOF");
      List<Window> results = new ArrayList<>();
      for (ReduceResponse response : responses.subList(0, responses.size() - 1)) {
        assertFalse(response.getEOF());
        if (response.getResult().getTagsList().contains(DROP_TAG)) {
          dropped++; // too little coverage (a canary's first minutes): numa discards it
          continue;
        }
        Window w =
            PayloadCodec.shared()
                .decode(response.getResult().getValue().toByteArray(), Window.class);
        assertEquals(List.of(w.key().toKeys()), response.getResult().getKeysList());
        assertEquals(stream.start, w.start());
        assertEquals(stream.end, w.end());
        results.add(w);
      }
      closed++;
      chain.score(results);
    }
  }

  /** One {@code ReduceFn} stream per window, as numaflow-core's aligned reducer opens it. */
  static final class WindowStream {
    final long start;
    final long end;
    private final List<ReduceResponse> responses = Collections.synchronizedList(new ArrayList<>());
    private final CompletableFuture<List<ReduceResponse>> done = new CompletableFuture<>();
    private final StreamObserver<ReduceRequest> requests;
    private boolean opened;

    WindowStream(ReduceGrpc.ReduceStub stub, long start, long end) {
      this.start = start;
      this.end = end;
      this.requests =
          stub.reduceFn(
              new StreamObserver<>() {
                @Override
                public void onNext(ReduceResponse response) {
                  responses.add(response);
                }

                @Override
                public void onError(Throwable t) {
                  done.completeExceptionally(t);
                }

                @Override
                public void onCompleted() {
                  done.complete(List.copyOf(responses));
                }
              });
    }

    void send(String[] keys, byte[] value, long eventTime) {
      ReduceOuterClass.Window window =
          ReduceOuterClass.Window.newBuilder()
              .setStart(timestamp(start))
              .setEnd(timestamp(end))
              .setSlot("0")
              .build();
      requests.onNext(
          ReduceRequest.newBuilder()
              .setPayload(
                  ReduceRequest.Payload.newBuilder()
                      .addAllKeys(List.of(keys))
                      .setValue(ByteString.copyFrom(value))
                      .setEventTime(timestamp(eventTime))
                      .setWatermark(timestamp(eventTime - STEP)))
              .setOperation(
                  ReduceRequest.WindowOperation.newBuilder()
                      .setEvent(
                          opened
                              ? ReduceRequest.WindowOperation.Event.APPEND
                              : ReduceRequest.WindowOperation.Event.OPEN)
                      .addWindows(window))
              .build());
      opened = true;
    }

    List<ReduceResponse> closeAndAwait() throws Exception {
      requests.onCompleted();
      return done.get(20, TimeUnit.SECONDS);
    }

    static Timestamp timestamp(long epochMillis) {
      return Timestamp.newBuilder()
          .setSeconds(Math.floorDiv(epochMillis, 1000))
          .setNanos(Math.floorMod(epochMillis, 1000) * 1_000_000)
          .build();
    }
  }

  /** preprocess -> inference (tag score) -> postprocess -> store, each through its gRPC server. */
  static final class Chain {
    private final BatchMapTestKit.Client preprocess;
    private final BatchMapTestKit.Client inference;
    private final BatchMapTestKit.Client postprocess;
    private final SinkerTestKit.Client store;
    final List<AnomalyRecord> records = new ArrayList<>();
    int trainRequests;
    private int nextId;

    Chain(
        BatchMapTestKit.Client preprocess,
        BatchMapTestKit.Client inference,
        BatchMapTestKit.Client postprocess,
        SinkerTestKit.Client store) {
      this.preprocess = preprocess;
      this.inference = inference;
      this.postprocess = postprocess;
      this.store = store;
    }

    void score(List<Window> windows) throws Exception {
      SinkerTestKit.TestListIterator batch = new SinkerTestKit.TestListIterator();
      List<AnomalyRecord> scored = new ArrayList<>();
      for (Window w : windows) {
        Instant eventTime = Instant.ofEpochMilli(w.end() - 1);
        io.numaproj.numaflow.mapper.Message pre =
            only(send(preprocess, w.key().toKeys(), PayloadCodec.shared().encode(w), eventTime));
        io.numaproj.numaflow.mapper.Message score = null;
        for (io.numaproj.numaflow.mapper.Message m :
            send(inference, pre.getKeys(), pre.getValue(), eventTime).getMessages()) {
          if (InferenceMapper.TAG_SCORE.equals(m.getTags()[0])) {
            score = m;
          } else if (InferenceMapper.TAG_TRAIN.equals(m.getTags()[0])) {
            trainRequests++;
          }
        }
        assertNotNull(score, "inference emits a score message for " + w.key());
        io.numaproj.numaflow.mapper.Message post =
            only(send(postprocess, score.getKeys(), score.getValue(), eventTime));
        assertEquals(List.of(w.key().toKeys()), List.of(post.getKeys()));
        AnomalyRecord record = PayloadCodec.shared().decode(post.getValue(), AnomalyRecord.class);
        assertEquals(w.end(), record.timestamp());
        scored.add(record);
        batch.addDatum(
            SinkerTestKit.TestDatum.builder()
                .id("r" + nextId++)
                .keys(post.getKeys())
                .value(post.getValue())
                .eventTime(eventTime)
                .watermark(eventTime)
                .headers(Map.of())
                .build());
      }
      if (scored.isEmpty()) {
        return;
      }
      ResponseList responses = store.sendRequest(batch);
      assertEquals(scored.size(), responses.getResponses().size(), "one response per record");
      for (Response r : responses.getResponses()) {
        assertTrue(r.getSuccess(), "stored: " + r.getId() + " " + r.getErr());
      }
      records.addAll(scored);
    }

    private static MessageList send(
        BatchMapTestKit.Client client, String[] keys, byte[] value, Instant time) {
      return client.sendRequest(keys, value, time);
    }

    private static io.numaproj.numaflow.mapper.Message only(MessageList list) {
      assertEquals(1, list.getMessages().size(), "one message");
      return list.getMessages().get(0);
    }

    List<AnomalyRecord> of(ScoringKey key) {
      return records.stream().filter(r -> r.key().equals(key)).toList();
    }

    /** First and last window end scored for {@code key}. */
    List<Long> endsOf(ScoringKey key) {
      List<AnomalyRecord> of = of(key);
      return List.of(of.get(0).timestamp(), of.get(of.size() - 1).timestamp());
    }

    AnomalyRecord latest(ScoringKey key) {
      List<AnomalyRecord> of = of(key);
      return of.get(of.size() - 1);
    }

    String scores(ScoringKey key) {
      StringBuilder out = new StringBuilder();
      for (AnomalyRecord r : of(key)) {
        out.append(String.format(java.util.Locale.ROOT, "%.1f ", r.unifiedScore()));
      }
      return out.toString().trim();
    }
  }

  /** pipelines/argo-rollouts/analysistemplate-prometheus.yaml, as Argo Rollouts would render it. */
  record AnalysisTemplate(
      String queryTemplate,
      Map<String, String> defaults,
      String successCondition,
      String failureCondition) {

    /** The conditions' one form: a non-empty result whose first value is a verdict code. */
    private static final java.util.regex.Pattern CONDITION =
        java.util.regex.Pattern.compile("len\\(result\\) > 0 && result\\[0] == (-?\\d+)");

    /** What Argo Rollouts makes of a measurement, in the verdict API's words. */
    String outcome(List<Double> result) {
      if (!result.isEmpty() && result.get(0) == code(successCondition)) {
        return "pass";
      }
      if (!result.isEmpty() && result.get(0) == code(failureCondition)) {
        return "fail";
      }
      return "inconclusive"; // both conditions set and neither true
    }

    private static double code(String condition) {
      java.util.regex.Matcher m = CONDITION.matcher(condition);
      assertTrue(m.matches(), "condition of an unexpected form: " + condition);
      return Double.parseDouble(m.group(1));
    }

    static AnalysisTemplate read() throws Exception {
      Path dir = Path.of("").toAbsolutePath();
      while (dir != null && !Files.isDirectory(dir.resolve("pipelines/argo-rollouts"))) {
        dir = dir.getParent();
      }
      assertNotNull(dir, "pipelines/argo-rollouts not found above " + Path.of("").toAbsolutePath());
      JsonNode spec =
          new ObjectMapper(new YAMLFactory())
              .readTree(
                  dir.resolve("pipelines/argo-rollouts/analysistemplate-prometheus.yaml").toFile())
              .get("spec");
      Map<String, String> defaults = new LinkedHashMap<>();
      for (JsonNode arg : spec.get("args")) {
        if (arg.has("value")) {
          defaults.put(arg.get("name").asText(), arg.get("value").asText());
        }
      }
      JsonNode metric = spec.get("metrics").get(0);
      return new AnalysisTemplate(
          metric.get("provider").get("prometheus").get("query").asText(),
          defaults,
          metric.get("successCondition").asText(),
          metric.get("failureCondition").asText());
    }

    String query(ScoringKey canary) {
      Map<String, String> args = new HashMap<>(defaults);
      args.put("namespace", canary.namespace());
      args.put("app", canary.app());
      args.put("canary-hash", canary.podTemplateHash());
      String rendered = queryTemplate;
      for (Map.Entry<String, String> arg : args.entrySet()) {
        rendered = rendered.replace("{{args." + arg.getKey() + "}}", arg.getValue());
      }
      assertFalse(rendered.contains("{{"), "every argument substituted: " + rendered);
      return rendered;
    }
  }
}
