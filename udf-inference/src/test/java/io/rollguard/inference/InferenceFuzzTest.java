package io.rollguard.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.github.benmanes.caffeine.cache.Ticker;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.payload.InferenceResult;
import io.rollguard.common.payload.PreprocessedWindow;
import io.rollguard.common.payload.TrainRequest;
import io.rollguard.common.stage.ScoringShape;
import io.rollguard.testsupport.Fuzz;
import io.rollguard.testsupport.FuzzSeeds;
import io.rollguard.testsupport.MapperFuzz;
import io.rollguard.testsupport.ScoringFixtures;
import java.nio.charset.StandardCharsets;
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
   * Finding: finite but huge values (1e308) overflowed the robust z-scores to Infinity, and
   * encoding the result failed: {@code failed_internal}, the message lost as a "bug". Now a counted
   * {@code rejected_non_finite}.
   */
  @Example
  void hugeFiniteValuesAreRejectedNotFailed() {
    FuzzSeeds seeds = FuzzSeeds.get();
    // The untrained entity's window: robust z-scores against the window's own statistics.
    for (byte[] seed : List.of(seeds.preprocessed.get(2))) {
      String json = new String(seed, StandardCharsets.UTF_8);
      String huge = json.replaceAll("\\[\\[-?[0-9.eE-]+,", "[[1e308,");
      assertNotEquals(json, huge);
      String outcome =
          harness().check(huge.getBytes(StandardCharsets.UTF_8), true, FuzzSeeds.TRAINED.toKeys());
      assertEquals("rejected_non_finite", outcome, huge);
    }
  }

  @Property
  void processMessage(@ForAll("preprocessedWindows") byte[] input, @ForAll boolean ownKeys) {
    harness().check(input, ownKeys, FuzzSeeds.TRAINED.toKeys());
  }
}
