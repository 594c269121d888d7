package io.rollguard.postprocess;

import io.numaproj.numaflow.mapper.Datum;
import io.numaproj.numaflow.mapper.Mapper;
import io.numaproj.numaflow.mapper.Message;
import io.numaproj.numaflow.mapper.MessageList;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.payload.AnomalyRecord;
import io.rollguard.common.payload.InferenceResult;
import io.rollguard.common.payload.PayloadCodec;
import io.rollguard.common.stage.StageMetrics;
import io.rollguard.common.stage.StageResult;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * udf-postprocess: {@code InferenceResult} in (tag {@code score} from inference), {@code
 * AnomalyRecord} out (keys = the scoring key) for the anomaly store, via {@link Postprocessor}.
 * Reads the optional {@code raw} field of {@code InferenceResult} for the static limits. Bad input
 * is counted by reason, logged rate-limited and dropped.
 */
public final class PostprocessMapper extends Mapper {

  static final String VERTEX = "postprocess";

  private final Postprocessor postprocessor;
  private final StageMetrics metrics;
  private final PayloadCodec codec = PayloadCodec.shared();

  public PostprocessMapper(Postprocessor postprocessor, PrometheusRegistry registry) {
    this.postprocessor = Objects.requireNonNull(postprocessor, "postprocessor");
    this.metrics =
        new StageMetrics(
            VERTEX,
            List.of(
                Postprocessor.MODEL,
                Postprocessor.FALLBACK,
                Postprocessor.STATIC,
                Postprocessor.CALIBRATION_UNAVAILABLE),
            registry);
  }

  @Override
  public MessageList processMessage(String[] keys, Datum datum) {
    return metrics.handle(
        keys,
        () -> MessageList.newBuilder().addMessage(handle(keys, datum.getValue())).build(),
        () -> MessageList.newBuilder().addMessage(Message.toDrop()).build());
  }

  private Message handle(String[] keys, byte[] value) {
    Optional<InferenceResult> decoded =
        metrics.decodeInput(value, keys, InferenceResult.class, InferenceResult::key);
    if (decoded.isEmpty()) {
      return Message.toDrop();
    }
    InferenceResult input = decoded.get();
    StageResult<AnomalyRecord> result = postprocessor.process(input);
    if (result instanceof StageResult.Rejected<AnomalyRecord> rejected) {
      metrics.rejected(rejected.reason(), rejected.detail(), input.key().toString(), input.key());
      return Message.toDrop();
    }
    StageResult.Accepted<AnomalyRecord> accepted = (StageResult.Accepted<AnomalyRecord>) result;
    metrics.count(accepted.outcomeLabel());
    return new Message(codec.encode(accepted.value()), input.key().toKeys());
  }
}
