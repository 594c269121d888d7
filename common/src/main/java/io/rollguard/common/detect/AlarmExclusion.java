package io.rollguard.common.detect;

/**
 * The retraining guard: which rows of a new training history the serving model alarmed on. A
 * retraining that learned them would teach the next model that the incident is normal (an incident
 * lasting days would stop alarming at the next retraining); leaving them out keeps the normal the
 * serving model knows. When the alarms cover more than {@code maxExcludedFraction} of the history
 * the serving model, not the entity, is wrong (a level shift that persists, i.e. drift): then
 * nothing is left out and the whole history is learned.
 *
 * <p>Only sustained alarms are left out: runs of alarmed rows shorter than {@code minRunRows} stay
 * in. A short burst is a small share of the history that the training's own trimming and the
 * calibration's robust statistics already absorb; leaving out every brief alarm would instead keep
 * the normal variation the serving model alarmed on falsely out of every later model, and calibrate
 * on a tail cleaner than what the model will score (on SMD that cost F1 0.33 -> 0.25).
 *
 * <p>No labels: the history is scored causally with the serving bundle exactly as the vertices and
 * {@code cli backtest} score it (transforms, model residuals, calibration, the detector's alarm
 * rule {@link ScoreSmoother#defaults}); every row of an alarmed window is an alarmed row.
 */
public final class AlarmExclusion {

  /**
   * The guard's decision for one history.
   *
   * @param excluded per history row, true = left out of the training; null when nothing is
   * @param alarmedRows rows in sustained runs of rows under windows the serving model alarmed on
   * @param rows rows of the history
   */
  public record Result(boolean[] excluded, int alarmedRows, int rows) {

    /** Nothing scored (no serving model, or the guard is off). */
    public static final Result NONE = new Result(null, 0, 0);

    /** Whether rows are left out of the training. */
    public boolean applied() {
      return excluded != null;
    }

    /** Share of the history under alarmed windows (0 when nothing was scored). */
    public double alarmedFraction() {
      return rows == 0 ? 0.0 : (double) alarmedRows / rows;
    }

    /** The alarms covered too much of the history: it is learned whole (drift accepted). */
    public boolean accepted() {
      return excluded == null && alarmedRows > 0;
    }
  }

  private AlarmExclusion() {}

  /**
   * Scores {@code history} with the serving bundle and decides what a retraining leaves out.
   *
   * @param history raw rows on the step grid, oldest first, NaN = missing, in the bundle's metric
   *     order
   * @param maxExcludedFraction in [0, 1); 0 = the guard is off
   * @param minRunRows shortest run of consecutive alarmed rows that is left out, >= 1
   */
  public static Result of(
      ModelBundle serving, double[][] history, double maxExcludedFraction, int minRunRows) {
    if (minRunRows < 1) {
      throw new IllegalArgumentException("minRunRows must be >= 1, got " + minRunRows);
    }
    if (!(maxExcludedFraction >= 0 && maxExcludedFraction < 1)) {
      throw new IllegalArgumentException(
          "maxExcludedFraction must be in [0, 1), got " + maxExcludedFraction);
    }
    if (maxExcludedFraction == 0 || serving == null) {
      return Result.NONE;
    }
    int rows = history.length;
    int w = serving.windowLength();
    int m = serving.metrics().size();
    FittedTransforms transforms = serving.transforms();
    AnomalyModel model = serving.model();
    Calibration calibration = serving.calibration();
    ScoreSmoother rule = ScoreSmoother.defaults(calibration);
    double[][] normalised = new double[rows][m];
    for (int r = 0; r < rows; r++) {
      transforms.applyRow(history[r], normalised[r]);
    }
    double[] window = new double[w * m];
    double[] residuals = new double[w * m];
    boolean[] alarmed = new boolean[rows];
    for (int t = w - 1; t < rows; t++) {
      int start = t - w + 1;
      for (int k = 0; k < w; k++) {
        System.arraycopy(normalised[start + k], 0, window, k * m, m);
      }
      model.residualsFlat(window, residuals);
      if (rule.add(calibration.scoreFlat(residuals)).alarm()) {
        java.util.Arrays.fill(alarmed, start, t + 1, true);
      }
    }
    int alarmedRows = 0;
    for (int r = 0; r < rows; ) {
      if (!alarmed[r]) {
        r++;
        continue;
      }
      int end = r;
      while (end < rows && alarmed[end]) {
        end++;
      }
      if (end - r < minRunRows) {
        java.util.Arrays.fill(alarmed, r, end, false);
      } else {
        alarmedRows += end - r;
      }
      r = end;
    }
    if (alarmedRows == 0 || alarmedRows > maxExcludedFraction * rows) {
      return new Result(null, alarmedRows, rows);
    }
    return new Result(alarmed, alarmedRows, rows);
  }
}
