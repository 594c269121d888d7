package io.rollguard.cli.bench;

import io.numaproj.numaflow.mapper.Mapper;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.config.RollguardConfig;
import io.rollguard.inference.InferenceMapper;
import io.rollguard.postprocess.PostprocessMapper;
import io.rollguard.preprocess.PreprocessMapper;
import java.util.Locale;

/** The three scoring map vertices, each built from its stage as its vertex main builds it. */
enum BenchVertex {
  PREPROCESS {
    @Override
    Mapper mapper(RollguardConfig config, ScoringPipeline stages, PrometheusRegistry metrics) {
      return new PreprocessMapper(stages.preprocessor(), metrics);
    }
  },
  INFERENCE {
    @Override
    Mapper mapper(RollguardConfig config, ScoringPipeline stages, PrometheusRegistry metrics) {
      return new InferenceMapper(stages.inferencer(), config.metrics(), metrics);
    }
  },
  POSTPROCESS {
    @Override
    Mapper mapper(RollguardConfig config, ScoringPipeline stages, PrometheusRegistry metrics) {
      return new PostprocessMapper(stages.postprocessor(), metrics);
    }
  };

  abstract Mapper mapper(
      RollguardConfig config, ScoringPipeline stages, PrometheusRegistry metrics);

  /** {@code preprocess}, {@code inference}, {@code postprocess}. */
  String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
