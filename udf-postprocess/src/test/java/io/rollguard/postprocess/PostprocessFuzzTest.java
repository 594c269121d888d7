package io.rollguard.postprocess;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.payload.AnomalyRecord;
import io.rollguard.common.payload.InferenceResult;
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
 * Fuzz target: udf-postprocess's handler (see {@link MapperFuzz} and CONTRIBUTING.md, "Fuzzing").
 */
class PostprocessFuzzTest {

  private static final PrometheusRegistry REGISTRY = new PrometheusRegistry();
  private static MapperFuzz<InferenceResult> harness;

  private static synchronized MapperFuzz<InferenceResult> harness() {
    if (harness == null) {
      FuzzSeeds seeds = FuzzSeeds.get();
      Postprocessor postprocessor =
          new Postprocessor(ScoringShape.of(seeds.config), ScoringFixtures.cache(seeds.registry));
      harness =
          new MapperFuzz<>(
              new PostprocessMapper(postprocessor, REGISTRY),
              REGISTRY,
              "rollguard_postprocess_messages_total",
              InferenceResult.class,
              InferenceResult::key,
              tags -> AnomalyRecord.class);
    }
    return harness;
  }

  @Provide
  Arbitrary<byte[]> inferenceResults() {
    return Fuzz.inputs(FuzzSeeds.withCorpus(FuzzSeeds.get().inferenceResults, "inference-result"));
  }

  @Property
  void processMessage(@ForAll("inferenceResults") byte[] input, @ForAll boolean ownKeys) {
    harness().check(input, ownKeys, FuzzSeeds.TRAINED.toKeys());
  }
}
