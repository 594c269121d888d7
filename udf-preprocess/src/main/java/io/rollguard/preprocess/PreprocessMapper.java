package io.rollguard.preprocess;

import io.numaproj.numaflow.mapper.Datum;
import io.numaproj.numaflow.mapper.Mapper;
import io.numaproj.numaflow.mapper.Message;
import io.numaproj.numaflow.mapper.MessageList;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.payload.PayloadCodec;
import io.rollguard.common.payload.PreprocessedWindow;
import io.rollguard.common.payload.Window;
import io.rollguard.common.stage.StageMetrics;
import io.rollguard.common.stage.StageResult;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * udf-preprocess: {@code Window} in, {@code PreprocessedWindow} out (same message keys, no tags),
 * via {@link Preprocessor}. A message that cannot be decoded or does not fit the configuration is
 * counted by reason, logged rate-limited and dropped. The SDK calls {@link #processMessage}
 * concurrently; everything here is thread-safe.
 */
public final class PreprocessMapper extends Mapper {

  static final String VERTEX = "preprocess";

  private final Preprocessor preprocessor;
  private final StageMetrics metrics;
  private final PayloadCodec codec = PayloadCodec.shared();

  public PreprocessMapper(Preprocessor preprocessor, PrometheusRegistry registry) {
    this.preprocessor = Objects.requireNonNull(preprocessor, "preprocessor");
    this.metrics =
        new StageMetrics(
            VERTEX,
            List.of(Preprocessor.OK, Preprocessor.NO_MODEL, Preprocessor.BUNDLE_MISMATCH),
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
    Optional<Window> decoded = metrics.decodeInput(value, keys, Window.class, Window::key);
    if (decoded.isEmpty()) {
      return Message.toDrop();
    }
    Window window = decoded.get();
    StageResult<PreprocessedWindow> result = preprocessor.process(window);
    if (result instanceof StageResult.Rejected<PreprocessedWindow> rejected) {
      metrics.rejected(rejected.reason(), rejected.detail(), window.key().toString(), window.key());
      return Message.toDrop();
    }
    StageResult.Accepted<PreprocessedWindow> accepted =
        (StageResult.Accepted<PreprocessedWindow>) result;
    metrics.count(accepted.outcomeLabel());
    return new Message(codec.encode(accepted.value()), window.key().toKeys());
  }
}
