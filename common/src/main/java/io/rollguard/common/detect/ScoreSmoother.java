package io.rollguard.common.detect;

/**
 * The detector's alarm rule across consecutive windows of ONE scoring key (docs/scoring.md):
 * optional trailing-mean smoothing of the scores over the last {@code span} windows (causal: the
 * current and earlier windows only) and hysteresis: the alarm switches on when the smoothed unified
 * score reaches {@code alertLevel} and stays on until it falls below {@code clearLevel}. Hysteresis
 * keeps a score hovering around the threshold from producing a burst of separate alarms. Not
 * thread-safe: keep one per key. {@code span = 1, clearLevel = alertLevel} is the plain per-window
 * rule {@link WindowScore#alarm()}.
 */
public final class ScoreSmoother {

  /**
   * Default hysteresis gap: clear 3 score points below the alert level (tuned on SMD,
   * docs/scoring.md).
   */
  public static final double DEFAULT_CLEAR_GAP = 3.0;

  private final int span;
  private final double alertLevel;
  private final double clearLevel;
  private final double[] unified;
  private double[][] perMetric;
  private int count;
  private int next;
  private boolean alarmed;

  public ScoreSmoother(int span, double alertLevel, double clearLevel) {
    if (span < 1) {
      throw new IllegalArgumentException("smoothing span must be >= 1 window, got " + span);
    }
    if (!(alertLevel > 0 && alertLevel <= 10)) {
      throw new IllegalArgumentException("alertLevel must be in (0, 10], got " + alertLevel);
    }
    if (!(clearLevel >= 0 && clearLevel <= alertLevel)) {
      throw new IllegalArgumentException(
          "clearLevel must be in [0, alertLevel=" + alertLevel + "], got " + clearLevel);
    }
    this.span = span;
    this.alertLevel = alertLevel;
    this.clearLevel = clearLevel;
    this.unified = new double[span];
  }

  /**
   * No smoothing (span 1), hysteresis {@link #DEFAULT_CLEAR_GAP} below the calibration's alert
   * level.
   */
  public static ScoreSmoother defaults(Calibration calibration) {
    double alert = calibration.alertLevel();
    return new ScoreSmoother(1, alert, Math.max(0, alert - DEFAULT_CLEAR_GAP));
  }

  /** Adds the next window's score and returns the smoothed score with the rule's alarm. */
  public WindowScore add(WindowScore score) {
    int m = score.perMetric().length;
    if (perMetric == null || perMetric[0].length != m) {
      perMetric = new double[span][m];
      count = 0;
      next = 0;
    }
    unified[next] = score.unified();
    System.arraycopy(score.perMetric(), 0, perMetric[next], 0, m);
    next = (next + 1) % span;
    count = Math.min(count + 1, span);
    double u = 0;
    double[] pm = new double[m];
    int[] pmCount = new int[m];
    for (int s = 0; s < count; s++) {
      u += unified[s];
      for (int j = 0; j < m; j++) {
        double v = perMetric[s][j];
        if (!Double.isNaN(v)) {
          pm[j] += v;
          pmCount[j]++;
        }
      }
    }
    u /= count;
    for (int j = 0; j < m; j++) {
      pm[j] = pmCount[j] == 0 ? Double.NaN : pm[j] / pmCount[j];
    }
    if (!alarmed && u >= alertLevel) {
      alarmed = true;
    } else if (alarmed && u < clearLevel) {
      alarmed = false;
    }
    return new WindowScore(u, pm, score.attribution(), alarmed);
  }

  /** Forgets history and clears the alarm (e.g. after a gap in the key's windows). */
  public void reset() {
    count = 0;
    next = 0;
    alarmed = false;
  }

  public int span() {
    return span;
  }

  public double alertLevel() {
    return alertLevel;
  }

  public double clearLevel() {
    return clearLevel;
  }
}
