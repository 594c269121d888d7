package io.rollguard.common.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rollguard.common.payload.AnomalyRecord;
import io.rollguard.common.payload.InferenceResult;
import io.rollguard.common.payload.PayloadCodec;
import io.rollguard.common.payload.PayloadException;
import io.rollguard.common.payload.PreprocessedWindow;
import io.rollguard.common.payload.Sample;
import io.rollguard.common.payload.TrainRequest;
import io.rollguard.common.payload.Window;
import io.rollguard.testsupport.Fuzz;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Fuzz targets for every payload decoder: arbitrary bytes and mutated corpus payloads either decode
 * into a value that re-encodes to itself, or fail with a {@link PayloadException} whose message is
 * bounded; nothing else (no other exception, no {@link Error}). See CONTRIBUTING.md, "Fuzzing".
 */
class PayloadDecoderFuzzTest {

  private static final PayloadCodec CODEC = PayloadCodec.shared();

  /** A message quotes at most a truncated value (LogValues): the whole message stays small. */
  static final int MAX_MESSAGE_CHARS = 1_000;

  static List<byte[]> seeds(String target) {
    List<byte[]> seeds = new ArrayList<>(Fuzz.corpus(target));
    seeds.add(Fuzz.example(target + ".json"));
    return seeds;
  }

  static <T> void decodesOrRejects(byte[] input, Class<T> type) {
    T value;
    try {
      value = CODEC.decode(input, type);
    } catch (PayloadException e) {
      assertTrue(
          e.getMessage().length() <= MAX_MESSAGE_CHARS,
          () -> "message of " + e.getMessage().length() + " chars");
      return;
    }
    // Accepted: it is exactly what it says (re-encoding reads back equal, nothing was filled in).
    byte[] again = CODEC.encode(value);
    T back;
    try {
      back = CODEC.decode(again, type);
    } catch (PayloadException e) {
      throw new AssertionError("an accepted payload does not decode after re-encoding", e);
    }
    assertEquals(value, back);
    assertArrayEquals(again, CODEC.encode(back));
  }

  @Test
  void everySeedIsValid() throws Exception {
    for (String target :
        List.of(
            "sample",
            "window",
            "preprocessed-window",
            "inference-result",
            "train-request",
            "anomaly-record")) {
      for (byte[] seed : seeds(target)) {
        CODEC.decode(seed, typeOf(target));
      }
    }
  }

  private static Class<?> typeOf(String target) {
    return switch (target) {
      case "sample" -> Sample.class;
      case "window" -> Window.class;
      case "preprocessed-window" -> PreprocessedWindow.class;
      case "inference-result" -> InferenceResult.class;
      case "train-request" -> TrainRequest.class;
      case "anomaly-record" -> AnomalyRecord.class;
      default -> throw new IllegalArgumentException(target);
    };
  }

  @Provide
  Arbitrary<byte[]> samples() {
    return Fuzz.inputs(seeds("sample"));
  }

  @Provide
  Arbitrary<byte[]> windows() {
    return Fuzz.inputs(seeds("window"));
  }

  @Provide
  Arbitrary<byte[]> preprocessedWindows() {
    return Fuzz.inputs(seeds("preprocessed-window"));
  }

  @Provide
  Arbitrary<byte[]> inferenceResults() {
    return Fuzz.inputs(seeds("inference-result"));
  }

  @Provide
  Arbitrary<byte[]> trainRequests() {
    return Fuzz.inputs(seeds("train-request"));
  }

  @Provide
  Arbitrary<byte[]> anomalyRecords() {
    return Fuzz.inputs(seeds("anomaly-record"));
  }

  @Property
  void sample(@ForAll("samples") byte[] input) {
    decodesOrRejects(input, Sample.class);
  }

  @Property
  void window(@ForAll("windows") byte[] input) {
    decodesOrRejects(input, Window.class);
  }

  @Property
  void preprocessedWindow(@ForAll("preprocessedWindows") byte[] input) {
    decodesOrRejects(input, PreprocessedWindow.class);
  }

  @Property
  void inferenceResult(@ForAll("inferenceResults") byte[] input) {
    decodesOrRejects(input, InferenceResult.class);
  }

  @Property
  void trainRequest(@ForAll("trainRequests") byte[] input) {
    decodesOrRejects(input, TrainRequest.class);
  }

  @Property
  void anomalyRecord(@ForAll("anomalyRecords") byte[] input) {
    decodesOrRejects(input, AnomalyRecord.class);
  }
}
