package io.rollguard.inference;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.payload.InferenceResult;
import io.rollguard.common.payload.PayloadCodec;
import io.rollguard.common.payload.PreprocessedWindow;
import io.rollguard.common.payload.TrainRequest;
import io.rollguard.common.payload.Window;
import io.rollguard.common.stage.ScoringShape;
import io.rollguard.testsupport.Fuzz;
import io.rollguard.testsupport.FuzzSeeds;
import io.rollguard.testsupport.MapperFuzz;
import io.rollguard.testsupport.ScoringFixtures;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Fuzz target: udf-inference's handler (see {@link MapperFuzz} and CONTRIBUTING.md, "Fuzzing"). */
class InferenceFuzzTest {

  private static final PrometheusRegistry REGISTRY = new PrometheusRegistry();
  private static MapperFuzz<PreprocessedWindow> harness;

  private static synchronized MapperFuzz<PreprocessedWindow> harness() {
    if (harness == null) {
      FuzzSeeds seeds = FuzzSeeds.get();
      Inferencer inferencer =
          new Inferencer(
              ScoringShape.of(seeds.config),
              ScoringFixtures.cache(seeds.registry),
              new TrainRequestLimiter(Duration.ofMinutes(1), 100, Ticker.systemTicker()),
              seeds.config.training().retrainEvery(),
              Clock.systemUTC());
      harness =
          new MapperFuzz<>(
              new InferenceMapper(inferencer, seeds.config.metrics(), REGISTRY),
              REGISTRY,
              "rollguard_inference_messages_total",
              PreprocessedWindow.class,
              PreprocessedWindow::key,
              tags ->
                  Arrays.asList(tags).contains(InferenceMapper.TAG_TRAIN)
                      ? TrainRequest.class
                      : InferenceResult.class);
    }
    return harness;
  }

  @Provide
  Arbitrary<byte[]> preprocessedWindows() {
    return Fuzz.inputs(FuzzSeeds.withCorpus(FuzzSeeds.get().preprocessed, "preprocessed-window"));
  }

  /**
   * Finite but extreme values (a forged {@code 1e308}, alternating signs so that differences and
   * spreads overflow) through both scoring paths: the robust z-scores of an untrained entity and
   * the model's residuals of a trained one. Each is scored with finite errors or rejected as {@code
   * rejected_non_finite}; never a {@code failed_internal} (an infinite error cannot be encoded) and
   * never an observed value sent on as "missing" ({@code Inferencer.overflow}).
   */
  @Example
  void extremeFiniteValuesAreScoredOrRejectedNeverFailed() {
    FuzzSeeds seeds = FuzzSeeds.get();
    for (double big : new double[] {1e308, Double.MAX_VALUE}) {
      Window trained = extreme(seeds.windowOf(FuzzSeeds.TRAINED), big);
      Window untrained = extreme(seeds.windowOf(FuzzSeeds.UNTRAINED), big);
      String version = seeds.bundle.version().id();
      for (PreprocessedWindow input :
          List.of(
              PreprocessedWindow.noModel(untrained),
              PreprocessedWindow.ok(trained, version, trained.values()))) {
        String outcome =
            harness().check(PayloadCodec.shared().encode(input), true, FuzzSeeds.TRAINED.toKeys());
        assertTrue(
            outcome.equals("rejected_non_finite") || !outcome.startsWith("rejected_"), outcome);
      }
    }
  }

  private static Window extreme(Window w, double big) {
    double[][] values = new double[w.rows()][w.metrics().size()];
    for (int i = 0; i < values.length; i++) {
      for (int j = 0; j < values[i].length; j++) {
        values[i][j] = (i + j) % 2 == 0 ? big : -big;
      }
    }
    return ScoringFixtures.withValues(w, values);
  }

  @Property
  void processMessage(@ForAll("preprocessedWindows") byte[] input, @ForAll boolean ownKeys) {
    harness().check(input, ownKeys, FuzzSeeds.TRAINED.toKeys());
  }
}
