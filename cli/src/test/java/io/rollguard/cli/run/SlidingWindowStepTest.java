package io.rollguard.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.numaproj.numaflow.reducer.Datum;
import io.numaproj.numaflow.reducer.Message;
import io.numaproj.numaflow.reducer.MessageList;
import io.numaproj.numaflow.reducer.Metadata;
import io.numaproj.numaflow.reducer.Reducer;
import io.numaproj.numaflow.reducer.ReducerFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Numaflow's keyed sliding-window semantics, with a reducer that reports what it was given. */
class SlidingWindowStepTest {

  /** Emits "start-end:values" of its window, values in arrival order. */
  static final class Collecting extends Reducer {
    private final List<String> values = new ArrayList<>();

    @Override
    public void addMessage(String[] keys, Datum datum, Metadata md) {
      values.add(new String(datum.getValue(), StandardCharsets.UTF_8));
    }

    @Override
    public MessageList getOutput(String[] keys, Metadata md) {
      String text =
          md.getIntervalWindow().getStartTime().toEpochMilli()
              + "-"
              + md.getIntervalWindow().getEndTime().toEpochMilli()
              + ":"
              + String.join(",", values);
      if (values.contains("drop")) {
        return MessageList.newBuilder().addMessage(Message.toDrop()).build();
      }
      return MessageList.newBuilder()
          .addMessage(new Message(text.getBytes(StandardCharsets.UTF_8), keys))
          .build();
    }
  }

  private static final ReducerFactory<Collecting> FACTORY =
      new ReducerFactory<>() {
        @Override
        public Collecting createReducer() {
          return new Collecting();
        }
      };

  private static LocalMessage msg(String key, long t, String value) {
    return new LocalMessage(new String[] {key}, value.getBytes(StandardCharsets.UTF_8), null, t);
  }

  private static List<String> texts(List<LocalMessage> out) {
    return out.stream()
        .map(m -> m.keys()[0] + "@" + new String(m.value(), StandardCharsets.UTF_8))
        .toList();
  }

  @Test
  void everyMessageIsInLengthOverSlideWindowsAndWindowsCloseAtTheWatermarkPerKey() {
    SlidingWindowStep step = new SlidingWindowStep(FACTORY, 30, 10);
    step.add(msg("a", 10, "a10"));
    step.add(msg("b", 10, "b10"));
    step.add(msg("a", 20, "a20"));

    assertEquals(
        List.of("a@-10-20:a10", "b@-10-20:b10"),
        texts(step.advanceWatermark(20)),
        "windows ending at or before the watermark close, ordered by start then keys");
    step.add(msg("a", 30, "a30"));
    assertEquals(
        List.of("a@0-30:a10,a20", "b@0-30:b10", "a@10-40:a10,a20,a30", "b@10-40:b10"),
        texts(step.advanceWatermark(40)));
    assertEquals(6, step.windowsClosed(), "start -10 (a, b), then starts 0 and 10 (a, b)");
  }

  @Test
  void lateMessagesAreDroppedAndDropMessagesAreNotForwarded() {
    SlidingWindowStep step = new SlidingWindowStep(FACTORY, 20, 10);
    step.add(msg("a", 5, "drop"));
    step.advanceWatermark(30);
    step.add(msg("a", 25, "late"));
    assertEquals(1, step.late());
    assertEquals(0, step.emitted(), "both windows of the dropped message emitted nothing");
  }

  @Test
  void lengthMustBeAMultipleOfTheSlide() {
    assertThrows(IllegalArgumentException.class, () -> new SlidingWindowStep(FACTORY, 25, 10));
  }
}
