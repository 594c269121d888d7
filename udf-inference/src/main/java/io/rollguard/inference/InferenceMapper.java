package io.rollguard.inference;

import io.numaproj.numaflow.mapper.Datum;
import io.numaproj.numaflow.mapper.Mapper;
import io.numaproj.numaflow.mapper.Message;
import io.numaproj.numaflow.mapper.MessageList;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.config.MetricSpec;
import io.rollguard.common.payload.InferenceResult;
import io.rollguard.common.payload.PayloadCodec;
import io.rollguard.common.payload.PreprocessedWindow;
import io.rollguard.common.payload.RawObservations;
import io.rollguard.common.payload.TrainRequest;
import io.rollguard.common.stage.StageMetrics;
import io.rollguard.common.stage.StageResult;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * udf-inference: {@code PreprocessedWindow} in; out an {@code InferenceResult} with tag {@value
 * #TAG_SCORE} (keys = the scoring key) and, when the entity needs a model and this pod has not
 * asked within the interval, a {@code TrainRequest} with tag {@value #TAG_TRAIN} (keys = {@code
 * [namespace, app]}). The pipeline routes by these tags: {@code score} to postprocess, {@code
 * train} to the trainer. Bad input is counted by reason, logged rate-limited and dropped.
 *
 * <p>The result carries what postprocess needs of the window's raw values in the field {@code raw}
 * of {@link InferenceResult} ({@link RawObservations}): postprocess applies the static limits to
 * them and passes the newest row's values on to the anomaly store, where the canary judgment
 * compares canary and stable values.
 */
public final class InferenceMapper extends Mapper {

  static final String VERTEX = "inference";
  public static final String TAG_SCORE = "score";
  public static final String TAG_TRAIN = "train";

  private static final String EMITTED = "emitted";
  private static final String SUPPRESSED = "suppressed";

  private final Inferencer inferencer;
  private final StageMetrics metrics;
  private final Counter trainRequests;
  private final PayloadCodec codec = PayloadCodec.shared();

  public InferenceMapper(
      Inferencer inferencer, List<MetricSpec> metrics, PrometheusRegistry registry) {
    this.inferencer = Objects.requireNonNull(inferencer, "inferencer");
    this.metrics =
        new StageMetrics(
            VERTEX,
            List.of(
                Inferencer.MODEL,
                Inferencer.FALLBACK_NO_MODEL,
                Inferencer.FALLBACK_STALE,
                Inferencer.FALLBACK_PINNED_MISSING,
                Inferencer.FALLBACK_BUNDLE_MISMATCH),
            registry);
    this.trainRequests =
        Counter.builder()
            .name("rollguard_inference_train_requests_total")
            .help(
                "Windows whose entity needs training, by reason (no_model, stale) and result: emitted"
                    + " (a train request was sent) or suppressed (this pod asked within the interval)")
            .labelNames("reason", "result")
            .register(registry);
    for (TrainRequest.Reason reason : TrainRequest.Reason.values()) {
      trainRequests.initLabelValues(label(reason), EMITTED);
      trainRequests.initLabelValues(label(reason), SUPPRESSED);
    }
  }

  @Override
  public MessageList processMessage(String[] keys, Datum datum) {
    return metrics.handle(keys, () -> handle(keys, datum.getValue()), InferenceMapper::drop);
  }

  private MessageList handle(String[] keys, byte[] value) {
    Optional<PreprocessedWindow> decoded =
        metrics.decodeInput(value, keys, PreprocessedWindow.class, PreprocessedWindow::key);
    if (decoded.isEmpty()) {
      return drop();
    }
    PreprocessedWindow input = decoded.get();
    StageResult<InferenceOutcome> result = inferencer.process(input);
    if (result instanceof StageResult.Rejected<InferenceOutcome> rejected) {
      metrics.rejected(rejected.reason(), rejected.detail(), input.key().toString(), input.key());
      return drop();
    }
    InferenceOutcome outcome = ((StageResult.Accepted<InferenceOutcome>) result).value();
    metrics.count(outcome.path());
    InferenceResult scored = outcome.result();
    // Always: the canary judgment needs the newest row's values, not only the static limits.
    byte[] encoded = codec.encode(scored.withRaw(RawObservations.of(input.window().values())));
    MessageList.MessageListBuilder out =
        MessageList.newBuilder()
            .addMessage(new Message(encoded, input.key().toKeys(), new String[] {TAG_SCORE}));
    if (outcome.wantedTraining() != null) {
      TrainRequest request = outcome.trainRequest();
      trainRequests
          .labelValues(label(outcome.wantedTraining()), request == null ? SUPPRESSED : EMITTED)
          .inc();
      if (request != null) {
        out.addMessage(
            new Message(
                codec.encode(request),
                new String[] {request.namespace(), request.app()},
                new String[] {TAG_TRAIN}));
      }
    }
    return out.build();
  }

  private static MessageList drop() {
    return MessageList.newBuilder().addMessage(Message.toDrop()).build();
  }

  private static String label(TrainRequest.Reason reason) {
    return reason.name().toLowerCase(Locale.ROOT);
  }
}
