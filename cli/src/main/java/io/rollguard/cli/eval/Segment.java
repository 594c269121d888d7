package io.rollguard.cli.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * A labelled anomaly segment, rows {@code [start, end)} (SMD's convention).
 *
 * @param start first anomalous row
 * @param end one past the last anomalous row
 */
public record Segment(int start, int end) {

  public Segment {
    if (start < 0 || end <= start) {
      throw new IllegalArgumentException(
          "segment needs 0 <= start < end, got [" + start + ", " + end + ")");
    }
  }

  public int length() {
    return end - start;
  }

  /** The maximal runs of {@code true} in {@code labels}, in order. */
  public static List<Segment> fromLabels(boolean[] labels) {
    List<Segment> out = new ArrayList<>();
    int i = 0;
    while (i < labels.length) {
      if (!labels[i]) {
        i++;
        continue;
      }
      int start = i;
      while (i < labels.length && labels[i]) {
        i++;
      }
      out.add(new Segment(start, i));
    }
    return out;
  }
}
