package io.rollguard.preprocess;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.payload.PreprocessedWindow;
import io.rollguard.common.payload.Window;
import io.rollguard.common.stage.ScoringShape;
import io.rollguard.testsupport.Fuzz;
import io.rollguard.testsupport.FuzzSeeds;
import io.rollguard.testsupport.MapperFuzz;
import io.rollguard.testsupport.ScoringFixtures;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzz target: udf-preprocess's handler (see {@link MapperFuzz} and CONTRIBUTING.md, "Fuzzing").
 */
class PreprocessFuzzTest {

  private static final PrometheusRegistry REGISTRY = new PrometheusRegistry();
  private static MapperFuzz<Window> harness;

  private static synchronized MapperFuzz<Window> harness() {
    if (harness == null) {
      FuzzSeeds seeds = FuzzSeeds.get();
      Preprocessor preprocessor =
          new Preprocessor(ScoringShape.of(seeds.config), ScoringFixtures.cache(seeds.registry));
      harness =
          new MapperFuzz<>(
              new PreprocessMapper(preprocessor, REGISTRY),
              REGISTRY,
              "rollguard_preprocess_messages_total",
              Window.class,
              Window::key,
              tags -> PreprocessedWindow.class);
    }
    return harness;
  }

  @Provide
  Arbitrary<byte[]> windows() {
    return Fuzz.inputs(FuzzSeeds.withCorpus(FuzzSeeds.get().windows, "window"));
  }

  @Property
  void processMessage(@ForAll("windows") byte[] input, @ForAll boolean ownKeys) {
    harness().check(input, ownKeys, FuzzSeeds.TRAINED.toKeys());
  }
}
