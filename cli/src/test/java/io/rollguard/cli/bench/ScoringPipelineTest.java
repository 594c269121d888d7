package io.rollguard.cli.bench;

import static io.rollguard.testsupport.ScoringFixtures.WINDOW;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.detect.MetricDefs;
import io.rollguard.common.detect.TrainingOptions;
import io.rollguard.common.payload.AnomalyRecord;
import io.rollguard.common.payload.InferenceResult;
import io.rollguard.common.payload.PreprocessedWindow;
import io.rollguard.common.payload.ScoringKey;
import io.rollguard.common.payload.TrainRequest;
import io.rollguard.common.payload.Window;
import io.rollguard.common.registry.BundleCache;
import io.rollguard.common.registry.DirectoryModelRegistry;
import io.rollguard.common.registry.EntityId;
import io.rollguard.common.registry.StoredBundle;
import io.rollguard.common.stage.Rejection;
import io.rollguard.common.stage.ScoringShape;
import io.rollguard.common.stage.StageResult;
import io.rollguard.inference.InferenceOutcome;
import io.rollguard.inference.Inferencer;
import io.rollguard.inference.TrainRequestLimiter;
import io.rollguard.postprocess.Postprocessor;
import io.rollguard.preprocess.Preprocessor;
import io.rollguard.testsupport.ScoringFixtures;
import io.rollguard.testsupport.ServiceSeries;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three stages chained in process on a real directory registry, a bundle trained on generated
 * history and windows cut from a later part of the same generated service.
 */
class ScoringPipelineTest {

  static final Instant LIVE_START = Instant.parse("2026-01-12T00:00:00Z");
  static final ScoringKey TRAINED = new ScoringKey("shop", "checkout", "stable", "abc123");
  static final ScoringKey UNTRAINED = new ScoringKey("shop", "cart", "canary", "def456");

  @TempDir static Path dir;
  static RollguardConfig config;
  static DirectoryModelRegistry registry;
  static StoredBundle saved;
  static ServiceSeries live;

  /** The clock the stages see; tests move it to make the bundle stale. */
  static final AtomicLong now = new AtomicLong();

  @BeforeAll
  static void trainAndSave() throws Exception {
    config = ScoringFixtures.config(dir.resolve("models"), "http://127.0.0.1:9");
    registry =
        new DirectoryModelRegistry(dir.resolve("models"), Duration.ofDays(7), Clock.systemUTC());
    saved = registry.save(EntityId.of(TRAINED), ScoringFixtures.trainedBundle(config, 7));
    live = ScoringFixtures.history(99, LIVE_START, 240);
  }

  private static Clock clock() {
    return new Clock() {
      @Override
      public ZoneOffset getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        long t = now.get();
        return t == 0 ? Instant.now() : Instant.ofEpochMilli(t);
      }
    };
  }

  private static ScoringPipeline pipeline() {
    BundleCache cache = ScoringFixtures.cache(registry);
    ScoringShape shape = ScoringShape.of(config);
    TrainRequestLimiter limiter =
        new TrainRequestLimiter(Duration.ofMinutes(1), 100, Ticker.systemTicker());
    return new ScoringPipeline(
        new Preprocessor(shape, cache),
        new Inferencer(shape, cache, limiter, config.training().retrainEvery(), clock()),
        new Postprocessor(shape, cache));
  }

  @Test
  void aTrainedEntityIsScoredByItsModelAndAHealthyWindowScoresLow() {
    now.set(0);
    ScoringPipeline pipeline = pipeline();
    ScoringPipeline.Result result = pipeline.score(ScoringFixtures.window(TRAINED, live, 120));
    assertNull(result.rejection());
    assertEquals(Inferencer.MODEL, result.path());
    assertNull(result.trainRequest());
    AnomalyRecord record = result.record();
    assertEquals(AnomalyRecord.Source.MODEL, record.source());
    assertEquals(saved.version().id(), record.modelVersion());
    assertEquals(config.metricNames(), List.copyOf(record.metricScores().keySet()));
    assertTrue(record.unifiedScore() < 5, "healthy window should not alarm: " + record);
    // The canary judgment's inputs: the newest row in the metrics' units, the window's coverage
    // and the coverage of the history the bundle was trained on.
    Window window = ScoringFixtures.window(TRAINED, live, 120);
    double[] newest = window.values()[window.rows() - 1];
    for (int j = 0; j < newest.length; j++) {
      assertEquals(newest[j], record.values().get(config.metricNames().get(j)), 0.0);
    }
    assertEquals(1.0, record.coverage(), 1e-12);
    assertEquals(saved.bundle().summary().coverage(), record.trainedCoverage(), 1e-12);
  }

  @Test
  void aLatencyRegressionRaisesTheScoreAndIsAttributedToLatency() {
    now.set(0);
    ScoringPipeline pipeline = pipeline();
    Window healthy = ScoringFixtures.window(TRAINED, live, 150);
    double[][] values = healthy.values();
    int latency = ScoringFixtures.column("latency");
    for (int i = WINDOW - 4; i < WINDOW; i++) {
      values[i][latency] *= 4;
    }
    Window regressed =
        new Window(
            1,
            TRAINED,
            healthy.start(),
            healthy.end(),
            healthy.stepMillis(),
            healthy.metrics(),
            values,
            1.0,
            0);
    AnomalyRecord baseline = pipeline.score(ScoringFixtures.window(TRAINED, live, 150)).record();
    AnomalyRecord record = pipeline.score(regressed).record();
    assertEquals(AnomalyRecord.Source.MODEL, record.source());
    assertTrue(record.unifiedScore() >= 5, "4x latency must alarm: " + record);
    assertTrue(record.unifiedScore() > baseline.unifiedScore());
    String latencyName = config.metricNames().get(latency);
    double top =
        record.attribution().values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    assertEquals(
        top, record.attribution().get(latencyName), "latency carries the largest share: " + record);
    double sum = record.attribution().values().stream().mapToDouble(Double::doubleValue).sum();
    assertEquals(1.0, sum, 1e-6);
  }

  @Test
  void anUntrainedEntityIsScoredByTheFallbackAndAsksForTrainingOncePerInterval() {
    ScoringPipeline pipeline = pipeline();
    ScoringPipeline.Result first = pipeline.score(ScoringFixtures.window(UNTRAINED, live, 100));
    assertEquals(Inferencer.FALLBACK_NO_MODEL, first.path());
    assertEquals(AnomalyRecord.Source.FALLBACK, first.record().source());
    assertNull(first.record().modelVersion());
    TrainRequest request = first.trainRequest();
    assertNotNull(request);
    assertEquals(TrainRequest.Reason.NO_MODEL, request.reason());
    assertEquals("shop/cart", request.entity());
    ScoringPipeline.Result second = pipeline.score(ScoringFixtures.window(UNTRAINED, live, 101));
    assertEquals(Inferencer.FALLBACK_NO_MODEL, second.path());
    assertNull(second.trainRequest(), "one request per entity and interval");
  }

  @Test
  void theFallbackFlagsAFreshShiftAgainstTheWindowsOwnEarlierRows() {
    ScoringPipeline pipeline = pipeline();
    Window healthy = ScoringFixtures.window(UNTRAINED, live, 200);
    AnomalyRecord calm = pipeline.score(healthy).record();
    double[][] values = healthy.values();
    int latency = ScoringFixtures.column("latency");
    for (int i = WINDOW - 3; i < WINDOW; i++) {
      values[i][latency] *= 5;
    }
    AnomalyRecord shifted =
        pipeline
            .score(
                new Window(
                    1,
                    UNTRAINED,
                    healthy.start(),
                    healthy.end(),
                    healthy.stepMillis(),
                    healthy.metrics(),
                    values,
                    1.0,
                    0))
            .record();
    assertEquals(AnomalyRecord.Source.FALLBACK, shifted.source());
    assertTrue(calm.unifiedScore() < 5, "calm: " + calm);
    assertTrue(shifted.unifiedScore() >= 5, "shifted: " + shifted);
  }

  @Test
  void aStaleBundleFallsBackOnItsOwnStatisticsAndAsksForRetraining() {
    now.set(saved.version().createdAt().plus(Duration.ofHours(25)).toEpochMilli());
    try {
      ScoringPipeline.Result result = pipeline().score(ScoringFixtures.window(TRAINED, live, 130));
      assertEquals(Inferencer.FALLBACK_STALE, result.path());
      assertEquals(AnomalyRecord.Source.FALLBACK, result.record().source());
      assertEquals(saved.version().id(), result.record().modelVersion());
      assertEquals(TrainRequest.Reason.STALE, result.trainRequest().reason());
      assertEquals(saved.version().id(), result.trainRequest().currentModelVersion());
    } finally {
      now.set(0);
    }
  }

  @Test
  void aStaticLimitBreachDecidesTheScore() {
    ScoringPipeline pipeline = pipeline();
    Window healthy = ScoringFixtures.window(TRAINED, live, 140);
    double[][] values = healthy.values();
    int errors = ScoringFixtures.column("error");
    values[WINDOW - 1][errors] = 0.35;
    AnomalyRecord record =
        pipeline
            .score(
                new Window(
                    1,
                    TRAINED,
                    healthy.start(),
                    healthy.end(),
                    healthy.stepMillis(),
                    healthy.metrics(),
                    values,
                    1.0,
                    0))
            .record();
    String name = config.metricNames().get(errors);
    assertEquals(AnomalyRecord.Source.STATIC, record.source());
    assertEquals(10.0, record.unifiedScore());
    assertEquals(10.0, record.metricScores().get(name));
    assertEquals(1.0, record.attribution().get(name), 1e-9);
    assertEquals(
        config.metricNames(), List.copyOf(record.metricScores().keySet()), "configuration order");
  }

  @Test
  void aMissingPinnedVersionFallsBackOnTheNormalisedValues() {
    ScoringPipeline pipeline = pipeline();
    Window window = ScoringFixtures.window(TRAINED, live, 110);
    PreprocessedWindow pinnedGone =
        PreprocessedWindow.ok(
            window,
            "20200101T000000000Z-000000000000",
            saved.bundle().transforms().apply(window.values()));
    StageResult<InferenceOutcome> result = pipeline.inferencer().process(pinnedGone);
    InferenceOutcome outcome = ((StageResult.Accepted<InferenceOutcome>) result).value();
    assertEquals(Inferencer.FALLBACK_PINNED_MISSING, outcome.path());
    assertEquals(InferenceResult.Source.FALLBACK, outcome.result().source());
    assertArrayEquals(pinnedGone.normalized()[3], outcome.result().errors()[3]);
  }

  @Test
  void badInputIsRejectedWithItsReasonAndNeverScored() {
    ScoringPipeline pipeline = pipeline();
    Window good = ScoringFixtures.window(TRAINED, live, 100);
    Window fewerMetrics =
        new Window(
            1,
            TRAINED,
            good.start(),
            good.end(),
            good.stepMillis(),
            good.metrics().subList(0, 4),
            trimColumns(good.values(), 4),
            1.0,
            0);
    assertEquals(Rejection.METRIC_MISMATCH, pipeline.score(fewerMetrics).rejection().reason());

    double[][] shortValues = java.util.Arrays.copyOf(good.values(), WINDOW - 1);
    Window shortWindow =
        new Window(
            1,
            TRAINED,
            good.start(),
            good.end(),
            good.stepMillis(),
            good.metrics(),
            shortValues,
            1.0,
            0);
    assertEquals(
        Rejection.WINDOW_LENGTH_MISMATCH, pipeline.score(shortWindow).rejection().reason());

    double[][] infinite = good.values();
    infinite[2][1] = Double.POSITIVE_INFINITY;
    Window withInfinity =
        new Window(
            1,
            TRAINED,
            good.start(),
            good.end(),
            good.stepMillis(),
            good.metrics(),
            infinite,
            1.0,
            0);
    assertEquals(Rejection.NON_FINITE, pipeline.score(withInfinity).rejection().reason());

    Window badEntity =
        ScoringFixtures.window(new ScoringKey("shop", "../etc", "stable", "x"), live, 100);
    assertEquals(Rejection.UNKNOWN_ENTITY, pipeline.score(badEntity).rejection().reason());
  }

  @Test
  void missingCellsStayMissingAndAMetricWithoutDataHasNoScore() {
    ScoringPipeline pipeline = pipeline();
    Window good = ScoringFixtures.window(TRAINED, live, 160);
    double[][] values = good.values();
    int cpu = ScoringFixtures.column("cpu");
    for (double[] row : values) {
      row[cpu] = Double.NaN;
    }
    AnomalyRecord record =
        pipeline
            .score(
                new Window(
                    1,
                    TRAINED,
                    good.start(),
                    good.end(),
                    good.stepMillis(),
                    good.metrics(),
                    values,
                    0.8,
                    0))
            .record();
    String cpuName = config.metricNames().get(cpu);
    assertTrue(!record.metricScores().containsKey(cpuName), "no made-up score for " + cpuName);
    assertEquals(config.metricNames().size() - 1, record.metricScores().size());
    assertTrue(!record.values().containsKey(cpuName), "no made-up value for " + cpuName);
    assertEquals(1.0 - 1.0 / config.metricNames().size(), record.coverage(), 1e-12);
  }

  @Test
  void aWindowWithoutAnyObservedValueIsNotScoredAsNormal() {
    Window good = ScoringFixtures.window(TRAINED, live, 170);
    double[][] values = good.values();
    for (double[] row : values) {
      java.util.Arrays.fill(row, Double.NaN);
    }
    ScoringPipeline.Result result = pipeline().score(ScoringFixtures.withValues(good, values));
    assertNull(result.record());
    assertEquals(Rejection.NO_SCORED_DATA, result.rejection().reason());
  }

  @Test
  void rawObservationsTravelInTheInferenceResultWithMissingCellsAsNull() throws Exception {
    Window window = ScoringFixtures.window(TRAINED, live, 100);
    double[][] raw = window.values();
    raw[0][0] = Double.NaN;
    raw[WINDOW - 1][0] = Double.NaN;
    InferenceResult result =
        new InferenceResult(
                TRAINED,
                window.start(),
                window.end(),
                window.stepMillis(),
                window.metrics(),
                new double[WINDOW][window.metrics().size()],
                InferenceResult.Source.FALLBACK,
                null)
            .withRaw(io.rollguard.common.payload.RawObservations.of(raw));
    io.rollguard.common.payload.PayloadCodec codec =
        io.rollguard.common.payload.PayloadCodec.shared();
    byte[] encoded = codec.encode(result);
    assertTrue(
        new String(encoded, java.nio.charset.StandardCharsets.UTF_8)
            .contains("\"raw\":{\"newest\":[null,"));
    InferenceResult back = codec.decode(encoded, InferenceResult.class);
    assertEquals(result, back);
    // The newest row misses metric 0: its latest value is the row before's.
    assertTrue(Double.isNaN(back.raw().newest()[0]));
    assertEquals(raw[WINDOW - 2][0], back.raw().latest()[0]);
    assertArrayEquals(raw[WINDOW - 1], back.raw().newest());
    assertEquals(WINDOW * window.metrics().size() - 2, back.raw().presentCells());
  }

  @Test
  void zeroWeightsBecomeNegligibleButValidWeights() {
    var spec =
        new io.rollguard.common.config.MetricSpec(
            "x",
            "q",
            "1",
            0.0,
            io.rollguard.common.config.MetricSpec.Direction.DOWN,
            io.rollguard.common.config.MetricSpec.Transform.LOG1P,
            null);
    var def = MetricDefs.of(spec);
    assertEquals(MetricDefs.ZERO_WEIGHT, def.weight());
    assertEquals(io.rollguard.common.detect.Direction.DOWN, def.direction());
    assertEquals(io.rollguard.common.detect.TransformKind.LOG1P, def.transform());
  }

  @Test
  void theMinimumTrainingRowsAreEnoughForTheTrainerAndFewerAreNot() {
    var options = TrainingOptions.from(config);
    int minimum = MetricDefs.minimumTrainingRows(options);
    ServiceSeries rows = ScoringFixtures.history(3, LIVE_START, minimum);
    var defs = MetricDefs.of(config.metrics());
    assertNotNull(io.rollguard.common.detect.DetectorTrainer.train(rows.values(), defs, options));
    double[][] tooFew = java.util.Arrays.copyOf(rows.values(), minimum - 1);
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class,
        () -> io.rollguard.common.detect.DetectorTrainer.train(tooFew, defs, options));
  }

  private static double[][] trimColumns(double[][] values, int columns) {
    double[][] out = new double[values.length][];
    for (int i = 0; i < values.length; i++) {
      out[i] = java.util.Arrays.copyOf(values[i], columns);
    }
    return out;
  }
}
