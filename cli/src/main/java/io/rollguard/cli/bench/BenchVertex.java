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
  },
  IDENTITY {
    @Override
    Mapper mapper(RollguardConfig config, ScoringPipeline stages, PrometheusRegistry metrics) {
      return new Mapper() {
        @Override
        public io.numaproj.numaflow.mapper.MessageList processMessage(
            String[] keys, io.numaproj.numaflow.mapper.Datum datum) {
          return io.numaproj.numaflow.mapper.MessageList.newBuilder()
              .addMessage(new io.numaproj.numaflow.mapper.Message(datum.getValue(), keys))
              .build();
        }
      };
    }
  };

  abstract Mapper mapper(
      RollguardConfig config, ScoringPipeline stages, PrometheusRegistry metrics);

  /** The vertex named {@code label}; a clear error for an unknown name. */
  static BenchVertex of(String label) {
    for (BenchVertex v : values()) {
      if (v.label().equals(label)) {
        return v;
      }
    }
    throw new IllegalArgumentException(
        "unknown vertex '" + label + "': use preprocess, inference, postprocess or identity");
  }

  /** {@code preprocess}, {@code inference}, {@code postprocess}, {@code identity}. */
  String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
