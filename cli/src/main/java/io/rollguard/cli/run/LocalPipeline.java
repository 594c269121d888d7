package io.rollguard.cli.run;

import io.numaproj.numaflow.sinker.Sinker;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.payload.AnomalyRecord;
import io.rollguard.common.payload.PayloadCodec;
import io.rollguard.common.payload.PayloadException;
import io.rollguard.common.registry.BundleCache;
import io.rollguard.common.stage.ScoringShape;
import io.rollguard.inference.InferenceMapper;
import io.rollguard.inference.Inferencer;
import io.rollguard.inference.TrainRequestLimiter;
import io.rollguard.inference.trainer.TrainingService;
import io.rollguard.postprocess.PostprocessMapper;
import io.rollguard.postprocess.Postprocessor;
import io.rollguard.preprocess.PreprocessMapper;
import io.rollguard.preprocess.Preprocessor;
import io.rollguard.window.WindowReducerFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The Rollguard pipeline in one process, on the vertices' own handler classes:
 *
 * <pre>
 * source (ScenarioFeed) -> window (WindowReducerFactory, keyed sliding reduce)
 *   -> preprocess (PreprocessMapper) -> inference (InferenceMapper)
 *        --tag score--> postprocess (PostprocessMapper) -> anomaly-store (AnomalyStoreSink)
 *        --tag train--> trainer (TrainerStep -> TrainingService)
 * </pre>
 *
 * Messages travel between the handlers as Numaflow carries them - keys, encoded payload, tags,
 * event time - and are routed by tag like the Pipeline's edge conditions; the window step is
 * Numaflow's keyed sliding window (length = {@code window.lengthSteps} steps, slide = one step).
 * One call of {@link #step} is one source step: its samples go in, the watermark moves to the next
 * step (what {@code idleSource} makes Numaflow do for a quiet source), and every window that closed
 * runs through the rest of the pipeline before the call returns. Not thread-safe: one driver
 * thread.
 */
final class LocalPipeline {

  /** What one source step produced. */
  record StepOutput(List<AnomalyRecord> records, List<TrainerStep.Attempt> trainings) {}

  private final ReplayClock clock;
  private final long stepMillis;
  private final SlidingWindowStep window;
  private final MapStep preprocess;
  private final MapStep inference;
  private final MapStep postprocess;
  private final SinkStep store;
  private final TrainerStep trainer;
  private final PayloadCodec codec = PayloadCodec.shared();

  LocalPipeline(
      RollguardConfig config,
      BundleCache bundles,
      TrainingService training,
      Sinker storeSink,
      ReplayClock clock,
      PrometheusRegistry metrics) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.stepMillis = config.step().toMillis();
    ScoringShape shape = ScoringShape.of(config);
    this.window =
        new SlidingWindowStep(
            new WindowReducerFactory(config.windowSettings(), config.metricNames(), metrics),
            config.windowSettings().lengthMillis(),
            stepMillis);
    this.preprocess =
        new MapStep("preprocess", new PreprocessMapper(new Preprocessor(shape, bundles), metrics));
    this.inference =
        new MapStep(
            "inference",
            new InferenceMapper(
                new Inferencer(
                    shape,
                    bundles,
                    TrainRequestLimiter.of(config),
                    config.training().retrainEvery(),
                    clock),
                config.metrics(),
                metrics));
    this.postprocess =
        new MapStep(
            "postprocess", new PostprocessMapper(new Postprocessor(shape, bundles), metrics));
    this.store = new SinkStep(storeSink);
    this.trainer = new TrainerStep(training, bundles, clock);
  }

  /**
   * Feeds one source step (all samples share the timestamp {@code stepTimestamp}), then advances
   * the watermark to the next step and runs every closed window through the pipeline.
   */
  StepOutput step(long stepTimestamp, List<LocalMessage> samples) {
    for (LocalMessage sample : samples) {
      window.add(sample);
    }
    long watermark = stepTimestamp + stepMillis;
    clock.advanceTo(watermark);
    Instant wm = Instant.ofEpochMilli(watermark);
    List<LocalMessage> toStore = new ArrayList<>();
    List<TrainerStep.Attempt> trainings = new ArrayList<>();
    for (LocalMessage closed : window.advanceWatermark(watermark)) {
      for (LocalMessage preprocessed : preprocess.process(closed, wm)) {
        for (LocalMessage inferred : inference.process(preprocessed, wm)) {
          // Edge conditions: an edge takes a message when it carries one of the edge's tags.
          if (inferred.hasTag(InferenceMapper.TAG_TRAIN)) {
            TrainerStep.Attempt attempt = trainer.handle(inferred);
            if (attempt != null) {
              trainings.add(attempt);
            }
          }
          if (inferred.hasTag(InferenceMapper.TAG_SCORE)) {
            toStore.addAll(postprocess.process(inferred, wm));
          }
        }
      }
    }
    store.write(toStore, wm);
    List<AnomalyRecord> records = new ArrayList<>(toStore.size());
    for (LocalMessage m : toStore) {
      try {
        records.add(codec.decode(m.value(), AnomalyRecord.class));
      } catch (PayloadException e) {
        // Postprocess encoded it a moment ago and the store accepted it: this would be a bug.
        throw new IllegalStateException(
            "postprocess emitted a record that does not decode: " + e.getMessage(), e);
      }
    }
    return new StepOutput(records, trainings);
  }

  /** Counters of every step, for the summary line. */
  String summary() {
    return String.format(
        "windows %d closed / %d emitted; preprocess %d in, %d dropped; inference %d in, %d dropped;"
            + " postprocess %d in, %d dropped; store %d written, %d failed%s",
        window.windowsClosed(),
        window.emitted(),
        preprocess.in(),
        preprocess.dropped(),
        inference.in(),
        inference.dropped(),
        postprocess.in(),
        postprocess.dropped(),
        store.written(),
        store.failed(),
        store.lastError() == null ? "" : " (last error: " + store.lastError() + ")");
  }

  long storeFailures() {
    return store.failed();
  }

  String lastStoreError() {
    return store.lastError();
  }

  List<TrainerStep.Attempt> trainings() {
    return trainer.attempts();
  }
}
