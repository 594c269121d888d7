package io.rollguard.testsupport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.numaproj.numaflow.mapper.Mapper;
import io.numaproj.numaflow.mapper.MapperTestKit;
import io.numaproj.numaflow.mapper.Message;
import io.numaproj.numaflow.mapper.MessageList;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.payload.PayloadCodec;
import io.rollguard.common.payload.PayloadException;
import io.rollguard.common.payload.ScoringKey;
import io.rollguard.common.stage.StageMetrics;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;

/**
 * The fuzz property every map vertex must hold (CONTRIBUTING.md, "Fuzzing"): {@code processMessage}
 * on any input returns (no exception, no {@link Error}), the message gets exactly one counted
 * outcome and never {@code failed_internal}, an input the codec refuses is a {@code rejected_*}
 * outcome (never scored with filled-in values), and every message sent on is a valid payload of the
 * output type.
 *
 * @param mapper the vertex's mapper, called directly as the SDK's server would
 * @param registry the registry its {@code rollguard_<vertex>_messages_total} lives in
 * @param counter that counter's name
 * @param inputType the payload type the vertex reads
 * @param keyOf the scoring key of a decoded input (to route it by its own key)
 * @param outputTypes the payload type of a sent message, by its tags (null tags: untagged)
 */
public record MapperFuzz<I>(
    Mapper mapper,
    PrometheusRegistry registry,
    String counter,
    Class<I> inputType,
    Function<I, ScoringKey> keyOf,
    Function<String[], Class<?>> outputTypes) {

  private static final PayloadCodec CODEC = PayloadCodec.shared();

  /**
   * Sends {@code input} with its own scoring key as message keys (or {@code fallbackKeys} when it
   * has none, or when {@code ownKeys} is false) and checks the property; returns the outcome.
   */
  public String check(byte[] input, boolean ownKeys, String[] fallbackKeys) {
    I decoded;
    try {
      decoded = CODEC.decode(input, inputType);
    } catch (PayloadException e) {
      decoded = null;
    }
    String[] keys =
        decoded != null && ownKeys ? keyOf.apply(decoded).toKeys() : fallbackKeys.clone();
    Map<String, Double> before = Fuzz.counts(registry, counter, "outcome");
    MessageList out =
        mapper.processMessage(
            keys,
            MapperTestKit.TestDatum.builder()
                .value(input)
                .eventTime(Instant.ofEpochMilli(1_795_953_840_000L))
                .watermark(Instant.ofEpochMilli(1_795_953_780_000L))
                .headers(Map.of())
                .build());
    String outcome = Fuzz.oneOutcome(before, Fuzz.counts(registry, counter, "outcome"));
    assertFalse(StageMetrics.FAILED_INTERNAL.equals(outcome), "a handler bug: " + outcome);
    boolean rejected = outcome.startsWith("rejected_");
    if (decoded == null) {
      assertTrue(rejected, () -> "an input the codec refuses was counted as " + outcome);
    }
    for (Message m : out.getMessages()) {
      String[] tags = m.getTags();
      if (tags != null && Arrays.asList(tags).contains(Message.DROP)) {
        continue;
      }
      assertFalse(rejected, () -> "a rejected input (" + outcome + ") was sent on");
      Class<?> type = outputTypes.apply(tags);
      try {
        CODEC.decode(m.getValue(), type);
      } catch (PayloadException e) {
        throw new AssertionError("sent an invalid " + type.getSimpleName() + " for " + outcome, e);
      }
    }
    return outcome;
  }
}
