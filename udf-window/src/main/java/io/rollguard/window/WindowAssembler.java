package io.rollguard.window;

import io.rollguard.common.config.WindowSettings;
import io.rollguard.common.payload.Sample;
import io.rollguard.common.payload.ScoringKey;
import io.rollguard.common.payload.Window;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Turns the samples Numaflow collected for one scoring key in one sliding window into a {@code
 * [time x metric]} {@link Window}, or decides to drop the window. Pure and thread-safe: no state
 * besides the immutable settings, so one instance serves every reducer.
 *
 * <p>Rules, in order:
 *
 * <ol>
 *   <li><b>Grid.</b> Row {@code i} is time {@code start + i * step}; the window must be exactly
 *       {@code lengthSteps * step} long and start on the step grid, else {@link
 *       DropReason#WINDOW_MISMATCH} (Numaflow aligns sliding windows to multiples of the slide,
 *       which is the step, so this only fails when the pipeline spec and the config disagree).
 *   <li><b>Time order and snapping.</b> A sample at {@code t} in {@code [start, end)} goes to the
 *       nearest grid point, {@code round((t - start) / step)} with an exact half step rounding to
 *       the later point (a value seen at {@code t} is still the latest one at the next grid point);
 *       a sample in the last half step, whose nearest point would be {@code end}, goes to the last
 *       row. When several samples land in one cell, the one closest to the grid point wins; between
 *       equally close ones the first received wins. Placing by grid position is what orders the
 *       samples in time, so arrival order never matters beyond that tie. Samples outside the window
 *       are counted and ignored.
 *   <li><b>Duplicates</b> (same key and timestamp, e.g. from an HA Prometheus pair) are counted; by
 *       the rule above the first one's values win and a duplicate only supplies values the first
 *       one lacked.
 *   <li><b>Missing values.</b> {@code null}, absent and non-finite values are missing ({@code
 *       NaN}).
 *   <li><b>Bounded forward fill</b>, per metric: a run of missing rows that follows an observed
 *       value in this window is filled with that value if the run is at most {@code maxFillSteps}
 *       rows long; a longer run stays entirely missing (no partial fill), and rows before the first
 *       observed value stay missing. A run reaching the end of the window counts with its length so
 *       far.
 *   <li><b>Coverage</b> = covered (observed or filled) cells / all cells; emit only if coverage is
 *       at least {@code minCoverage}, else {@link DropReason#LOW_COVERAGE}; no observed cell at all
 *       is {@link DropReason#EMPTY}.
 * </ol>
 *
 * <p>Only the configured metrics are read from each sample; rejecting samples that carry unknown
 * metrics or another key is the caller's job ({@link SampleValidator}).
 */
public final class WindowAssembler {

  private final WindowSettings settings;
  private final List<String> metrics;

  /**
   * @param settings grid step, window length, fill limit and minimum coverage
   * @param metrics the column order of every emitted window (the configured metric names)
   */
  public WindowAssembler(WindowSettings settings, List<String> metrics) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.metrics = List.copyOf(Objects.requireNonNull(metrics, "metrics"));
    if (this.metrics.isEmpty()) {
      throw new IllegalArgumentException("metrics: at least one metric name is required");
    }
    Set<String> seen = new HashSet<>();
    for (String name : this.metrics) {
      if (name.isBlank()) {
        throw new IllegalArgumentException("metrics: a metric name is blank");
      }
      if (!seen.add(name)) {
        throw new IllegalArgumentException("metrics: metric name '" + name + "' appears twice");
      }
    }
  }

  public WindowSettings settings() {
    return settings;
  }

  public List<String> metrics() {
    return metrics;
  }

  /**
   * Assembles one window.
   *
   * @param key the scoring key all {@code samples} belong to
   * @param start window start, epoch ms, inclusive
   * @param end window end, epoch ms, exclusive
   * @param samples the window's samples in any order
   */
  public AssemblyResult assemble(ScoringKey key, long start, long end, Collection<Sample> samples) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(samples, "samples");
    long step = settings.stepMillis();
    int rows = settings.lengthSteps();
    int columns = metrics.size();
    int totalCells = rows * columns;

    if (end - start != settings.lengthMillis() || Math.floorMod(start, step) != 0) {
      return new AssemblyResult.Dropped(
          DropReason.WINDOW_MISMATCH,
          "window ["
              + start
              + ", "
              + end
              + ") is not "
              + rows
              + " steps of "
              + step
              + " ms starting on the step grid; check the pipeline's sliding window against the"
              + " window settings",
          new AssemblyStats(samples.size(), 0, 0, 0, 0, 0, totalCells));
    }

    double[][] values = new double[rows][columns];
    for (double[] row : values) {
      Arrays.fill(row, Double.NaN);
    }
    // Distance of each cell's value from its grid point, to let the closest sample win.
    long[][] distance = new long[rows][columns];
    Set<Long> timestamps = new HashSet<>();
    int duplicates = 0;
    int outOfWindow = 0;
    int nonFinite = 0;

    for (Sample sample : samples) {
      long t = sample.timestamp();
      if (t < start || t >= end) {
        outOfWindow++;
        continue;
      }
      if (!timestamps.add(t)) {
        duplicates++;
      }
      int row = (int) Math.min(rows - 1, Math.floorDiv(t - start + step / 2, step));
      long offGrid = Math.abs(t - (start + row * step));
      for (int col = 0; col < columns; col++) {
        Double boxed = sample.values().get(metrics.get(col));
        if (boxed == null) {
          continue;
        }
        double value = boxed;
        if (!Double.isFinite(value)) {
          nonFinite++;
          continue;
        }
        if (Double.isNaN(values[row][col]) || offGrid < distance[row][col]) {
          values[row][col] = value;
          distance[row][col] = offGrid;
        }
      }
    }

    int observed = 0;
    for (double[] row : values) {
      for (double v : row) {
        if (!Double.isNaN(v)) {
          observed++;
        }
      }
    }
    int filled = 0;
    if (observed > 0) {
      for (int col = 0; col < columns; col++) {
        filled += forwardFill(values, col, settings.maxFillSteps());
      }
    }
    AssemblyStats stats =
        new AssemblyStats(
            samples.size(), duplicates, outOfWindow, nonFinite, observed, filled, totalCells);

    if (observed == 0) {
      return new AssemblyResult.Dropped(
          DropReason.EMPTY,
          "no observed value in the window ("
              + samples.size()
              + " samples, "
              + outOfWindow
              + " outside the window)",
          stats);
    }
    double coverage = stats.coverage();
    if (coverage < settings.minCoverage()) {
      return new AssemblyResult.Dropped(
          DropReason.LOW_COVERAGE,
          String.format(
              Locale.ROOT,
              "coverage %.3f < minimum %.3f (%d observed + %d filled of %d cells)",
              coverage,
              settings.minCoverage(),
              observed,
              filled,
              totalCells),
          stats);
    }
    Window window =
        new Window(Window.SCHEMA_VERSION, key, start, end, step, metrics, values, coverage, filled);
    return new AssemblyResult.Emitted(window, stats);
  }

  /**
   * Fills runs of at most {@code maxFill} missing rows after an observed value; returns cells
   * filled.
   */
  private static int forwardFill(double[][] values, int col, int maxFill) {
    int filled = 0;
    double last = Double.NaN;
    int gapStart = -1;
    for (int row = 0; row <= values.length; row++) {
      boolean atEnd = row == values.length;
      if (!atEnd && Double.isNaN(values[row][col])) {
        if (gapStart < 0) {
          gapStart = row;
        }
        continue;
      }
      // A run of missing rows [gapStart, row) just ended (at an observed value or the window end).
      if (gapStart >= 0 && !Double.isNaN(last) && row - gapStart <= maxFill) {
        for (int r = gapStart; r < row; r++) {
          values[r][col] = last;
        }
        filled += row - gapStart;
      }
      gapStart = -1;
      if (!atEnd) {
        last = values[row][col];
      }
    }
    return filled;
  }
}
