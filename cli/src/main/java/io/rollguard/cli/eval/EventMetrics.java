package io.rollguard.cli.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * What a gate experiences (evaluation.md §3.2 and §4.6): how many labelled segments got at least
 * one alarm, how late, and how many alarm runs were false.
 *
 * <p>A segment {@code [start, end)} is detected when any row in it alarms; its delay is the first
 * alarmed row minus {@code start}. A false-alarm run is a maximal run of consecutive alarmed rows
 * that contains no labelled row (the anchor's definition, so the PCA anchor's 18.7/day is
 * comparable). Runs per day = runs / (rows / rowsPerDay).
 *
 * @param segments labelled segments
 * @param detected segments with at least one alarm
 * @param delays detection delay in rows of each detected segment, in segment order
 * @param alarmRuns all maximal alarm runs
 * @param falseAlarmRuns alarm runs touching no labelled row
 * @param rows length of the series
 * @param rowsPerDay rows in one day (1440 at one-minute steps)
 */
public record EventMetrics(
    int segments,
    int detected,
    List<Integer> delays,
    int alarmRuns,
    int falseAlarmRuns,
    int rows,
    int rowsPerDay) {

  public EventMetrics {
    delays = List.copyOf(delays);
  }

  public static EventMetrics of(boolean[] alarms, boolean[] labels, int rowsPerDay) {
    PointMetrics.requireSameLength(alarms.length, labels.length);
    if (rowsPerDay <= 0) {
      throw new IllegalArgumentException("rowsPerDay must be > 0, got " + rowsPerDay);
    }
    List<Segment> segs = Segment.fromLabels(labels);
    List<Integer> delays = new ArrayList<>();
    for (Segment s : segs) {
      for (int i = s.start(); i < s.end(); i++) {
        if (alarms[i]) {
          delays.add(i - s.start());
          break;
        }
      }
    }
    int runs = 0;
    int falseRuns = 0;
    for (Segment run : Segment.fromLabels(alarms)) {
      runs++;
      boolean touches = false;
      for (int i = run.start(); i < run.end() && !touches; i++) {
        touches = labels[i];
      }
      falseRuns += touches ? 0 : 1;
    }
    return new EventMetrics(
        segs.size(), delays.size(), delays, runs, falseRuns, alarms.length, rowsPerDay);
  }

  public double falseAlarmRunsPerDay() {
    return rows == 0 ? 0 : falseAlarmRuns / (rows / (double) rowsPerDay);
  }

  /** Mean delay in rows over detected segments; NaN when none was detected. */
  public double meanDelay() {
    return delays.isEmpty()
        ? Double.NaN
        : delays.stream().mapToInt(Integer::intValue).average().orElseThrow();
  }

  /** Share of alarm runs that touch a labelled row; NaN when nothing alarmed. */
  public double alarmRunPrecision() {
    return alarmRuns == 0 ? Double.NaN : (alarmRuns - falseAlarmRuns) / (double) alarmRuns;
  }
}
