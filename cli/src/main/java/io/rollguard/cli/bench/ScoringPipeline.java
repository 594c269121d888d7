package io.rollguard.cli.bench;

import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.payload.AnomalyRecord;
import io.rollguard.common.payload.PreprocessedWindow;
import io.rollguard.common.payload.RawObservations;
import io.rollguard.common.payload.TrainRequest;
import io.rollguard.common.payload.Window;
import io.rollguard.common.registry.BundleCache;
import io.rollguard.common.stage.ScoringShape;
import io.rollguard.common.stage.StageResult;
import io.rollguard.inference.InferenceOutcome;
import io.rollguard.inference.Inferencer;
import io.rollguard.inference.TrainRequestLimiter;
import io.rollguard.postprocess.Postprocessor;
import io.rollguard.preprocess.Preprocessor;
import java.time.Clock;
import java.util.Objects;

/**
 * preprocess -> inference -> postprocess in one process, on the same stage classes the three
 * vertices run (the vertices add only decoding, encoding, routing and counters). For the local
 * runner and benchmarks. Thread-safe.
 */
public final class ScoringPipeline {

  /**
   * The outcome of one window.
   *
   * @param record the scores, or null when a stage rejected the window
   * @param trainRequest the train request inference emitted, or null
   * @param rejection why a stage rejected the window, or null
   * @param path inference's path ({@code model}, {@code fallback_no_model}, ...), or null when
   *     rejected before inference
   */
  public record Result(
      AnomalyRecord record,
      TrainRequest trainRequest,
      StageResult.Rejected<?> rejection,
      String path) {}

  private final Preprocessor preprocessor;
  private final Inferencer inferencer;
  private final Postprocessor postprocessor;

  public ScoringPipeline(
      Preprocessor preprocessor, Inferencer inferencer, Postprocessor postprocessor) {
    this.preprocessor = Objects.requireNonNull(preprocessor, "preprocessor");
    this.inferencer = Objects.requireNonNull(inferencer, "inferencer");
    this.postprocessor = Objects.requireNonNull(postprocessor, "postprocessor");
  }

  /**
   * The three stages as the vertices build them from {@code config}, sharing one bundle cache; the
   * train-request interval is {@code training.retryBackoff} as in udf-inference.
   */
  public static ScoringPipeline create(RollguardConfig config, BundleCache bundles, Clock clock) {
    ScoringShape shape = ScoringShape.of(config);
    TrainRequestLimiter limiter = TrainRequestLimiter.of(config);
    return new ScoringPipeline(
        new Preprocessor(shape, bundles),
        new Inferencer(shape, bundles, limiter, config.training().retrainEvery(), clock),
        new Postprocessor(shape, bundles));
  }

  public Result score(Window window) {
    StageResult<PreprocessedWindow> pre = preprocessor.process(window);
    if (pre instanceof StageResult.Rejected<PreprocessedWindow> rejected) {
      return new Result(null, null, rejected, null);
    }
    PreprocessedWindow preprocessed = ((StageResult.Accepted<PreprocessedWindow>) pre).value();
    StageResult<InferenceOutcome> inf = inferencer.process(preprocessed);
    if (inf instanceof StageResult.Rejected<InferenceOutcome> rejected) {
      return new Result(null, null, rejected, null);
    }
    InferenceOutcome outcome = ((StageResult.Accepted<InferenceOutcome>) inf).value();
    StageResult<AnomalyRecord> post =
        postprocessor.process(outcome.result().withRaw(RawObservations.of(window.values())));
    if (post instanceof StageResult.Rejected<AnomalyRecord> rejected) {
      return new Result(null, outcome.trainRequest(), rejected, outcome.path());
    }
    return new Result(
        ((StageResult.Accepted<AnomalyRecord>) post).value(),
        outcome.trainRequest(),
        null,
        outcome.path());
  }

  public Preprocessor preprocessor() {
    return preprocessor;
  }

  public Inferencer inferencer() {
    return inferencer;
  }

  public Postprocessor postprocessor() {
    return postprocessor;
  }
}
