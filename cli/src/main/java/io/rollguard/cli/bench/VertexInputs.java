package io.rollguard.cli.bench;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.numaproj.numaflow.map.v1.MapOuterClass.MapRequest;
import io.numaproj.numaflow.mapper.Mapper;
import io.numaproj.numaflow.mapper.MapperTestKit;
import io.numaproj.numaflow.mapper.Message;
import io.numaproj.numaflow.mapper.MessageList;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.payload.PayloadCodec;
import io.rollguard.common.payload.Window;
import io.rollguard.inference.InferenceMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The real input of each scoring vertex for a set of windows: the encoded window for preprocess,
 * and for the next vertices what the upstream mapper emits on the edge the pipeline routes (its
 * value and keys; inference's {@code score}-tagged message), obtained by running the mappers here.
 */
final class VertexInputs {

  private VertexInputs() {}

  static Map<BenchVertex, List<MapRequest.Request>> of(
      RollguardConfig config, ScoringPipeline stages, List<Window> windows) {
    PrometheusRegistry metrics = new PrometheusRegistry();
    Mapper preprocess = BenchVertex.PREPROCESS.mapper(config, stages, metrics);
    Mapper inference = BenchVertex.INFERENCE.mapper(config, stages, metrics);
    Map<BenchVertex, List<MapRequest.Request>> inputs = new EnumMap<>(BenchVertex.class);
    for (BenchVertex v : BenchVertex.values()) {
      inputs.put(v, new ArrayList<>(windows.size()));
    }
    for (Window window : windows) {
      Instant eventTime = Instant.ofEpochMilli(window.end() - 1);
      String[] keys = window.key().toKeys();
      byte[] encoded = PayloadCodec.shared().encode(window);
      inputs.get(BenchVertex.PREPROCESS).add(request(keys, encoded, eventTime));
      Message preprocessed = forwarded(preprocess.processMessage(keys, datum(encoded, eventTime)));
      inputs
          .get(BenchVertex.INFERENCE)
          .add(request(preprocessed.getKeys(), preprocessed.getValue(), eventTime));
      Message scored =
          forwarded(
              inference.processMessage(
                  preprocessed.getKeys(), datum(preprocessed.getValue(), eventTime)));
      inputs
          .get(BenchVertex.POSTPROCESS)
          .add(request(scored.getKeys(), scored.getValue(), eventTime));
      inputs
          .get(BenchVertex.IDENTITY)
          .add(request(preprocessed.getKeys(), preprocessed.getValue(), eventTime));
    }
    return inputs;
  }

  /** The message the pipeline forwards to the next scoring vertex: untagged, or tagged score. */
  private static Message forwarded(MessageList out) {
    for (Message m : out.getMessages()) {
      List<String> tags = m.getTags() == null ? List.of() : Arrays.asList(m.getTags());
      if (tags.contains(Message.DROP)) {
        throw new IllegalStateException("a bench window was dropped by a scoring vertex");
      }
      if (tags.isEmpty() || tags.contains(InferenceMapper.TAG_SCORE)) {
        return m;
      }
    }
    throw new IllegalStateException("no message for the next scoring vertex");
  }

  private static MapperTestKit.TestDatum datum(byte[] value, Instant eventTime) {
    return MapperTestKit.TestDatum.builder()
        .value(value)
        .eventTime(eventTime)
        .watermark(eventTime)
        .build();
  }

  private static MapRequest.Request request(String[] keys, byte[] value, Instant eventTime) {
    Timestamp time =
        Timestamp.newBuilder()
            .setSeconds(eventTime.getEpochSecond())
            .setNanos(eventTime.getNano())
            .build();
    return MapRequest.Request.newBuilder()
        .addAllKeys(Arrays.asList(keys))
        .setValue(ByteString.copyFrom(value))
        .setEventTime(time)
        .setWatermark(time)
        .build();
  }
}
