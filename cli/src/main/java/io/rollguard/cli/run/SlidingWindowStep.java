package io.rollguard.cli.run;

import io.numaproj.numaflow.reducer.IntervalWindow;
import io.numaproj.numaflow.reducer.Message;
import io.numaproj.numaflow.reducer.Metadata;
import io.numaproj.numaflow.reducer.Reducer;
import io.numaproj.numaflow.reducer.ReducerFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A keyed sliding-window reduce vertex of the local pipeline, with Numaflow's semantics ({@code
 * window.sliding: {length, slide}}, {@code keyed: true}):
 *
 * <ul>
 *   <li>windows are {@code [start, start + length)} with {@code start} a multiple of {@code slide};
 *       a message belongs to every window that contains its event time (length / slide of them);
 *   <li>one reducer instance per (window, key set), created by the vertex's own {@link
 *       ReducerFactory}; {@code addMessage} for each message, {@code getOutput} once when the
 *       window closes;
 *   <li>a window closes when the watermark reaches its end; a message older than the watermark is
 *       late and dropped, as Numaflow drops late data for a closed window;
 *   <li>the output's event time is the window's end minus 1 ms (Numaflow's convention: it belongs
 *       to the window).
 * </ul>
 */
final class SlidingWindowStep {

  private record WindowKey(long start, String keys) implements Comparable<WindowKey> {
    @Override
    public int compareTo(WindowKey o) {
      int byStart = Long.compare(start, o.start);
      return byStart != 0 ? byStart : keys.compareTo(o.keys);
    }
  }

  private record Open(String[] keys, Reducer reducer) {}

  private final ReducerFactory<? extends Reducer> factory;
  private final long lengthMillis;
  private final long slideMillis;
  // Ordered by window start then keys, so windows close in a reproducible order.
  private final TreeMap<WindowKey, Open> open = new TreeMap<>();
  private long watermark = Long.MIN_VALUE;
  private long late;
  private long windowsClosed;
  private long emitted;

  SlidingWindowStep(
      ReducerFactory<? extends Reducer> factory, long lengthMillis, long slideMillis) {
    this.factory = Objects.requireNonNull(factory, "factory");
    if (slideMillis <= 0 || lengthMillis < slideMillis || lengthMillis % slideMillis != 0) {
      throw new IllegalArgumentException(
          "sliding window length "
              + lengthMillis
              + " ms must be a positive multiple of the slide "
              + slideMillis
              + " ms");
    }
    this.lengthMillis = lengthMillis;
    this.slideMillis = slideMillis;
  }

  /** Hands {@code message} to every window containing its event time. */
  void add(LocalMessage message) {
    long t = message.eventTimeMillis();
    if (t < watermark) {
      late++;
      return;
    }
    String joined = String.join("\u0000", message.keys());
    long lastStart = Math.floorDiv(t, slideMillis) * slideMillis;
    for (long start = lastStart - lengthMillis + slideMillis;
        start <= lastStart;
        start += slideMillis) {
      Open window =
          open.computeIfAbsent(
              new WindowKey(start, joined),
              k -> new Open(message.keys().clone(), factory.createReducer()));
      window
          .reducer()
          .addMessage(
              window.keys(),
              new LocalDatum(
                  "w-" + start + "-" + joined,
                  message,
                  Instant.ofEpochMilli(watermark == Long.MIN_VALUE ? 0 : watermark)),
              metadata(start));
    }
  }

  /**
   * Moves the watermark to {@code newWatermark} and returns the output of every window that closed.
   */
  List<LocalMessage> advanceWatermark(long newWatermark) {
    watermark = Math.max(watermark, newWatermark);
    List<LocalMessage> out = new ArrayList<>();
    while (!open.isEmpty() && open.firstKey().start() + lengthMillis <= watermark) {
      Map.Entry<WindowKey, Open> first = open.pollFirstEntry();
      long start = first.getKey().start();
      windowsClosed++;
      for (Message m :
          first
              .getValue()
              .reducer()
              .getOutput(first.getValue().keys(), metadata(start))
              .getMessages()) {
        if (m.getTags() != null && Arrays.asList(m.getTags()).contains(Message.DROP)) {
          continue;
        }
        emitted++;
        out.add(
            new LocalMessage(
                m.getKeys() == null ? new String[0] : m.getKeys(),
                m.getValue(),
                m.getTags(),
                start + lengthMillis - 1));
      }
    }
    return out;
  }

  private Metadata metadata(long start) {
    Instant from = Instant.ofEpochMilli(start);
    Instant to = Instant.ofEpochMilli(start + lengthMillis);
    IntervalWindow window =
        new IntervalWindow() {
          @Override
          public Instant getStartTime() {
            return from;
          }

          @Override
          public Instant getEndTime() {
            return to;
          }
        };
    return () -> window;
  }

  long late() {
    return late;
  }

  long windowsClosed() {
    return windowsClosed;
  }

  long emitted() {
    return emitted;
  }
}
