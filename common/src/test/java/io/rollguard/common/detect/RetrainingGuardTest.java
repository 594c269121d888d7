package io.rollguard.common.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link DetectorTrainer#retrain}: an incident the serving model alarmed on is left out of the next
 * training; a change that takes over most of the history is learned.
 */
class RetrainingGuardTest {

  static final int W = 12;
  static final List<MetricDef> METRICS = SyntheticSeries.metrics();
  static final TrainingOptions GUARDED =
      TrainingOptions.builder().modelKind("pca").windowLength(W).build();
  static final TrainingOptions UNGUARDED = GUARDED.toBuilder().maxExcludedFraction(0).build();
  static final ModelBundle SERVING =
      DetectorTrainer.train(SyntheticSeries.generate(3000, 1), METRICS, GUARDED);

  /** Clean history with metrics 0 and 3 shifted by {@code sigmas} noise sd in rows [from, to). */
  static double[][] shifted(int rows, int from, int to, double sigmas) {
    double[][] x = SyntheticSeries.generate(rows, 2);
    for (int t = from; t < to; t++) {
      x[t][0] += sigmas * SyntheticSeries.NOISE * 8;
      x[t][3] -= sigmas * SyntheticSeries.NOISE * 8;
    }
    return x;
  }

  static double meanScore(ModelBundle b, double[][] series, int from, int to) {
    double s = 0;
    for (int end = from + W - 1; end < to; end++) {
      s += b.scoreRawWindow(SyntheticSeries.window(series, end, W)).unified();
    }
    return s / (to - from - W + 1);
  }

  @Test
  void anIncidentTheServingModelAlarmedOnIsNotLearnedAsNormal() {
    // An incident covering 20% of the history, in its training part.
    double[][] history = shifted(3000, 1200, 1800, 3);
    DetectorTrainer.Retraining guarded =
        DetectorTrainer.retrain(history, null, METRICS, GUARDED, SERVING);
    DetectorTrainer.Retraining unguarded =
        DetectorTrainer.retrain(history, null, METRICS, UNGUARDED, SERVING);
    assertTrue(guarded.exclusion().applied(), "the incident is left out");
    double alarmed = guarded.exclusion().alarmedFraction();
    assertTrue(alarmed > 0.19 && alarmed < 0.25, "alarmed share " + alarmed);
    assertFalse(unguarded.exclusion().applied());
    assertSame(AlarmExclusion.Result.NONE, unguarded.exclusion());

    double[][] again = shifted(1000, 300, 700, 3);
    double seenByGuarded = meanScore(guarded.bundle(), again, 300, 700);
    double seenByUnguarded = meanScore(unguarded.bundle(), again, 300, 700);
    assertTrue(
        seenByGuarded >= 5,
        "the guarded model still alarms on the incident's pattern: " + seenByGuarded);
    assertTrue(
        seenByUnguarded < seenByGuarded - 1,
        "without the guard the incident was learned: " + seenByUnguarded + " vs " + seenByGuarded);
    // Normal data scores alike with both.
    assertTrue(meanScore(guarded.bundle(), again, 0, 290) < 3);
  }

  @Test
  void aChangeCoveringMostOfTheHistoryIsLearnedWhole() {
    // The level moved 40% into the history and stayed: the serving model disagrees with most of
    // it, so it is the model that is out of date.
    double[][] history = shifted(3000, 1200, 3000, 3);
    DetectorTrainer.Retraining r =
        DetectorTrainer.retrain(history, null, METRICS, GUARDED, SERVING);
    assertFalse(r.exclusion().applied());
    assertTrue(r.exclusion().accepted(), "alarmed " + r.exclusion().alarmedFraction());
    assertEquals(
        DetectorTrainer.train(history, METRICS, GUARDED).model().kind(), r.bundle().model().kind());
    double[][] later = shifted(600, 0, 600, 3);
    assertTrue(meanScore(r.bundle(), later, 0, 600) < 5, "the new level is normal now");
  }

  @Test
  void withoutAServingModelOrWithOneForOtherMetricsItIsAPlainTraining() {
    double[][] history = shifted(3000, 1200, 1800, 3);
    assertSame(
        AlarmExclusion.Result.NONE,
        DetectorTrainer.retrain(history, null, METRICS, GUARDED, null).exclusion());
    ModelBundle otherWindow =
        DetectorTrainer.train(
            SyntheticSeries.generate(3000, 1),
            METRICS,
            GUARDED.toBuilder().windowLength(6).build());
    assertSame(
        AlarmExclusion.Result.NONE,
        DetectorTrainer.retrain(history, null, METRICS, GUARDED, otherWindow).exclusion());
  }

  @Test
  void theFractionIsValidated() {
    assertThrows(
        IllegalArgumentException.class, () -> GUARDED.toBuilder().maxExcludedFraction(1.0).build());
    assertThrows(
        IllegalArgumentException.class,
        () -> GUARDED.toBuilder().maxExcludedFraction(-0.1).build());
  }
}
