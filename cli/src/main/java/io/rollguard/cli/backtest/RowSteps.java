package io.rollguard.cli.backtest;

import io.rollguard.cli.csv.MetricTable;

/**
 * Where each row of a table sits on the step grid. Without a time column row i is step i. With one,
 * row i is step {@code round((t_i - t_0) / step)}: rows must be strictly increasing in time and a
 * missing step (a gap) is a missing row, so a window never silently spans more time than W steps.
 */
public final class RowSteps {

  /** A gap longer than this many steps is refused: it is almost surely a wrong step or unit. */
  static final long MAX_STEPS = 50_000_000L;

  private final int[] slot;

  private RowSteps(int[] slot) {
    this.slot = slot;
  }

  public static RowSteps of(MetricTable table, long stepMillis) {
    if (stepMillis <= 0) {
      throw new IllegalArgumentException("step must be > 0 ms, got " + stepMillis);
    }
    int[] slot = new int[table.rows()];
    if (!table.hasTimestamps()) {
      for (int i = 0; i < slot.length; i++) {
        slot[i] = i;
      }
      return new RowSteps(slot);
    }
    long[] ts = table.timestamps();
    for (int i = 0; i < slot.length; i++) {
      long s = Math.round((ts[i] - ts[0]) / (double) stepMillis);
      if (s > MAX_STEPS) {
        throw new IllegalArgumentException(
            table.source()
                + ": row "
                + (i + 1)
                + " is "
                + s
                + " steps after the first row; check --step-seconds and the timestamp unit");
      }
      slot[i] = (int) s;
      if (i > 0 && slot[i] <= slot[i - 1]) {
        throw new IllegalArgumentException(
            table.source()
                + ": data row "
                + (i + 1)
                + " is not later than the previous row by at least half a step (timestamps must increase"
                + " by ~one step of "
                + stepMillis
                + " ms or more)");
      }
    }
    return new RowSteps(slot);
  }

  /** Grid step of row {@code row}. */
  public int slot(int row) {
    return slot[row];
  }

  public int rows() {
    return slot.length;
  }

  /** Steps covered, first to last row inclusive. */
  public int steps() {
    return slot.length == 0 ? 0 : slot[slot.length - 1] + 1;
  }

  /** The table's values as one row per grid step, NaN rows in gaps. */
  public double[][] regrid(double[][] values, int metrics) {
    double[][] out = new double[steps()][];
    for (int i = 0; i < slot.length; i++) {
      out[slot[i]] = values[i];
    }
    for (int s = 0; s < out.length; s++) {
      if (out[s] == null) {
        out[s] = new double[metrics];
        java.util.Arrays.fill(out[s], Double.NaN);
      }
    }
    return out;
  }
}
