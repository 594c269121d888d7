package io.rollguard.postprocess;

import io.rollguard.common.detect.Calibration;
import io.rollguard.common.detect.FallbackCalibration;
import io.rollguard.common.detect.MetricDef;
import io.rollguard.common.detect.MetricDefs;
import io.rollguard.common.detect.ModelBundle;
import io.rollguard.common.detect.WindowScore;
import io.rollguard.common.payload.AnomalyRecord;
import io.rollguard.common.payload.InferenceResult;
import io.rollguard.common.payload.RawObservations;
import io.rollguard.common.registry.BundleCache;
import io.rollguard.common.registry.BundleVersion;
import io.rollguard.common.registry.EntityId;
import io.rollguard.common.registry.StoredBundle;
import io.rollguard.common.stage.Rejection;
import io.rollguard.common.stage.ScoringShape;
import io.rollguard.common.stage.StageResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Stage 3 (udf-postprocess): turns errors into the 0-10 scores of an {@link AnomalyRecord}.
 * Thread-safe.
 *
 * <ul>
 *   <li>{@code source=model}: the pinned bundle's own calibration (per-metric error scales and
 *       thresholds fitted on held-back history, its directions and weights).
 *   <li>{@code source=fallback}: {@link FallbackCalibration} on the robust z-scores, with the
 *       configured directions and weights.
 *   <li>A model result whose bundle cannot be loaded any more (expired, registry down with nothing
 *       cached) is scored like a fallback (its residuals are in the same robust-z units) and marked
 *       {@code fallback}; outcome {@value #CALIBRATION_UNAVAILABLE}.
 *   <li>Static limits ({@link StaticLimits}) when the raw values are known: a breach sets that
 *       metric's score to 10, the unified score to 10, the attribution to the breached metrics
 *       (weight-proportional) and the source to {@code static}.
 *   <li>The canary judgment's inputs: the raw values of the window's newest row (when the raw
 *       values are known), the window's coverage and, for a model score, the coverage of the
 *       history the model was trained on ({@link AnomalyRecord#values()}).
 * </ul>
 *
 * <p>Scores: 0 = within the calibrated normal range, 5 = at the calibrated alert threshold, towards
 * 10 = far beyond ({@link Calibration#toScore}). Direction is applied before scoring, so an
 * improvement scores 0. A metric with no observed value in the scored rows has no score: it is left
 * out of {@code metricScores} and {@code attribution} rather than given a made-up 0.
 */
public final class Postprocessor {

  public static final String MODEL = "model";
  public static final String FALLBACK = "fallback";
  public static final String STATIC = "static";
  public static final String CALIBRATION_UNAVAILABLE = "calibration_unavailable";

  private final ScoringShape shape;
  private final BundleCache bundles;
  private final List<MetricDef> defs;
  private final Calibration fallbackCalibration;
  private final StaticLimits staticLimits;

  public Postprocessor(ScoringShape shape, BundleCache bundles) {
    this.shape = Objects.requireNonNull(shape, "shape");
    this.bundles = Objects.requireNonNull(bundles, "bundles");
    this.defs = MetricDefs.of(shape.metrics());
    this.fallbackCalibration = FallbackCalibration.create(defs, shape.windowLength());
    this.staticLimits = new StaticLimits(shape.metrics());
  }

  /**
   * Scores an inference result; static limits are checked on the raw values.
   *
   * <p>The input's {@link RawObservations} give the static limits their values and the record its
   * newest-row values and coverage; without them (a producer that did not send them) static limits
   * cannot fire, the record has no values and its coverage comes from the errors.
   */
  public StageResult<AnomalyRecord> process(InferenceResult input) {
    RawObservations raw = input.raw();
    Optional<StageResult.Rejected<Object>> bad =
        shape
            .check(input.metrics(), input.rows())
            .or(() -> ScoringShape.checkFinite(input.errors(), "errors"))
            .or(() -> ScoringShape.checkEntity(input.key()));
    if (bad.isPresent()) {
      return bad.get().retype();
    }
    Calibration calibration = fallbackCalibration;
    AnomalyRecord.Source source = AnomalyRecord.Source.FALLBACK;
    String label = FALLBACK;
    String modelVersion = input.modelVersion();
    Double trainedCoverage = null;
    if (input.source() == InferenceResult.Source.MODEL) {
      Optional<ModelBundle> fromBundle = bundle(input);
      if (fromBundle.isPresent()) {
        calibration = fromBundle.get().calibration();
        trainedCoverage = clampShare(fromBundle.get().summary().coverage());
        source = AnomalyRecord.Source.MODEL;
        label = MODEL;
      } else {
        label = CALIBRATION_UNAVAILABLE;
      }
    }
    WindowScore score = calibration.score(input.errors());
    List<String> names = input.metrics();
    List<Integer> breaches =
        raw == null || !staticLimits.any() ? List.of() : staticLimits.breaches(raw.latest());
    double breachedWeight = 0;
    for (int j : breaches) {
      breachedWeight += defs.get(j).weight();
    }
    // Both maps in configuration order, as the record documents.
    Map<String, Double> metricScores = new LinkedHashMap<>();
    Map<String, Double> attribution = new LinkedHashMap<>();
    for (int j = 0; j < names.size(); j++) {
      double s = score.perMetric()[j];
      if (breaches.contains(j)) {
        metricScores.put(names.get(j), AnomalyRecord.MAX_SCORE);
        attribution.put(names.get(j), clampShare(defs.get(j).weight() / breachedWeight));
      } else if (!Double.isNaN(s)) {
        metricScores.put(names.get(j), clampScore(s));
        attribution.put(
            names.get(j), breaches.isEmpty() ? clampShare(score.attribution()[j]) : 0.0);
      }
    }
    double unified = clampScore(score.unified());
    if (!breaches.isEmpty()) {
      unified = AnomalyRecord.MAX_SCORE;
      source = AnomalyRecord.Source.STATIC;
      modelVersion = null;
      label = STATIC;
    }
    if (metricScores.isEmpty()) {
      return StageResult.rejected(
          Rejection.NO_SCORED_DATA,
          "no metric has an observed value in the newest " + calibration.scoredRows() + " rows");
    }
    if (source == AnomalyRecord.Source.FALLBACK
        && modelVersion != null
        && input.source() == InferenceResult.Source.MODEL) {
      // The scores did not come from that bundle's calibration: do not claim them for it.
      modelVersion = null;
    }
    AnomalyRecord record =
        new AnomalyRecord(
                input.key(), input.end(), unified, metricScores, attribution, source, modelVersion)
            .withObservations(
                newestValues(names, raw),
                raw == null ? coverage(input.errors()) : coverage(raw, input.rows()),
                source == AnomalyRecord.Source.MODEL ? trainedCoverage : null);
    return StageResult.accepted(record, label);
  }

  /**
   * The newest row's raw values by metric (a missing cell is left out), or null without raw values.
   */
  static Map<String, Double> newestValues(List<String> names, RawObservations raw) {
    if (raw == null) {
      return null;
    }
    double[] newest = raw.newest();
    Map<String, Double> values = new LinkedHashMap<>();
    for (int j = 0; j < names.size(); j++) {
      if (Double.isFinite(newest[j])) {
        values.put(names.get(j), newest[j]);
      }
    }
    return values;
  }

  /** Share of the window's raw cells holding a value. */
  static double coverage(RawObservations raw, int rows) {
    long total = (long) rows * raw.metricCount();
    return total == 0 ? 0.0 : raw.presentCells() / (double) total;
  }

  /**
   * Share of cells holding a value, for a result without raw observations. Missing inputs are NaN
   * in the raw values and stay NaN in the residuals, so the errors give the window's coverage too.
   */
  static double coverage(double[][] cells) {
    long present = 0;
    long total = 0;
    for (double[] row : cells) {
      for (double v : row) {
        total++;
        present += Double.isNaN(v) ? 0 : 1;
      }
    }
    return total == 0 ? 0.0 : present / (double) total;
  }

  private Optional<ModelBundle> bundle(InferenceResult input) {
    BundleVersion version;
    try {
      version = BundleVersion.parse(input.modelVersion());
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    Optional<StoredBundle> stored = bundles.pinned(EntityId.of(input.key()), version);
    if (stored.isEmpty()) {
      return Optional.empty();
    }
    ModelBundle bundle = stored.get().bundle();
    if (!bundle.fits(input.metrics(), input.rows())) {
      return Optional.empty();
    }
    return Optional.of(bundle);
  }

  private static double clampScore(double s) {
    return s < 0 ? 0 : (s > AnomalyRecord.MAX_SCORE ? AnomalyRecord.MAX_SCORE : s);
  }

  /** Shares are computed as ratios and may be off by an ulp; the record insists on [0, 1]. */
  private static double clampShare(double s) {
    return Double.isNaN(s) || s < 0 ? 0 : (s > 1 ? 1 : s);
  }
}
