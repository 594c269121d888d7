package io.rollguard.common.payload;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.rollguard.common.LogValues;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The scores of one scoring key at one time, emitted by udf-postprocess and stored by
 * sink-anomaly-store.
 *
 * <p>Scores are on a 0-10 scale (0 = within the calibrated normal range, 10 = far outside it; the
 * exact calibration is postprocess's and documented there). {@code unifiedScore} combines the
 * weighted {@code metricScores}; {@code attribution} says how much of the unified score each metric
 * contributed (shares in [0, 1] summing to 1, or all 0 when the unified score is 0).
 *
 * <p>Three optional fields serve the canary judgment of the anomaly store (older producers omit
 * them, older consumers ignore them):
 *
 * @param timestamp epoch ms of the scored window's end
 * @param modelVersion the bundle that produced the scores; null for a window-only fallback or a
 *     static limit
 * @param values the raw values of the window's newest row, per metric, in the metric's configured
 *     unit (a metric missing in that row is absent); one record per step, so a key's records give
 *     its per-step values, the populations the canary judgment compares. Null when unknown.
 * @param coverage share of the window's cells that held a value (observed or forward-filled), in
 *     [0, 1]; null when unknown
 * @param trainedCoverage the coverage of the history the scoring model was trained on (its bundle's
 *     training summary), in [0, 1]; null unless {@code source} is {@code model}. A window covered
 *     less than its model's training data (a canary's first, partly filled windows) is warm-up.
 */
public record AnomalyRecord(
    int schemaVersion,
    @JsonProperty(required = true) ScoringKey key,
    @JsonProperty(required = true) long timestamp,
    @JsonProperty(required = true) double unifiedScore,
    @JsonProperty(required = true)
        @JsonDeserialize(using = PayloadJacksonModule.MetricMapDeserializer.class)
        Map<String, Double> metricScores,
    @JsonProperty(required = true)
        @JsonDeserialize(using = PayloadJacksonModule.MetricMapDeserializer.class)
        Map<String, Double> attribution,
    @JsonProperty(required = true) Source source,
    String modelVersion,
    @JsonInclude(JsonInclude.Include.NON_NULL)
        @JsonDeserialize(using = PayloadJacksonModule.MetricMapDeserializer.class)
        Map<String, Double> values,
    @JsonInclude(JsonInclude.Include.NON_NULL) Double coverage,
    @JsonInclude(JsonInclude.Include.NON_NULL) Double trainedCoverage) {

  public static final int SCHEMA_VERSION = 1;

  /** Upper end of every score. */
  public static final double MAX_SCORE = 10.0;

  /** Tolerance of the attribution sum (rounding of shares that should add up to 1). */
  static final double ATTRIBUTION_SUM_TOLERANCE = 1e-6;

  /** What the scores are based on. */
  public enum Source {
    /** The entity's trained model. */
    @JsonProperty("model")
    MODEL,
    /** Robust z-scores, because no usable model exists yet. */
    @JsonProperty("fallback")
    FALLBACK,
    /** A metric's static limit (the configured fail-safe) decided the score. */
    @JsonProperty("static")
    STATIC
  }

  public AnomalyRecord {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(source, "source");
    requireScore(unifiedScore, "unifiedScore");
    metricScores = copy(Objects.requireNonNull(metricScores, "metricScores"));
    attribution = copy(Objects.requireNonNull(attribution, "attribution"));
    metricScores.forEach((metric, score) -> requireScore(score, "metricScores." + metric));
    double sum = 0;
    for (Map.Entry<String, Double> share : attribution.entrySet()) {
      String field = "attribution." + share.getKey();
      if (!metricScores.containsKey(share.getKey())) {
        throw new IllegalArgumentException(field + " names a metric that has no score");
      }
      double v = share.getValue();
      if (!(v >= 0 && v <= 1)) {
        throw new IllegalArgumentException(field + " must be in [0, 1], got " + v);
      }
      sum += v;
    }
    if (sum > 1 + ATTRIBUTION_SUM_TOLERANCE) {
      throw new IllegalArgumentException("attribution shares sum to " + sum + ", more than 1");
    }
    if (source == Source.MODEL && (modelVersion == null || modelVersion.isBlank())) {
      throw new IllegalArgumentException("modelVersion is required when source is model");
    }
    if (values != null) {
      values = copy(values);
      values.forEach(
          (metric, v) -> {
            if (!Double.isFinite(v)) {
              throw new IllegalArgumentException("values." + metric + " must be finite, got " + v);
            }
          });
    }
    requireShare(coverage, "coverage");
    requireShare(trainedCoverage, "trainedCoverage");
  }

  public AnomalyRecord(
      ScoringKey key,
      long timestamp,
      double unifiedScore,
      Map<String, Double> metricScores,
      Map<String, Double> attribution,
      Source source,
      String modelVersion) {
    this(
        SCHEMA_VERSION,
        key,
        timestamp,
        unifiedScore,
        metricScores,
        attribution,
        source,
        modelVersion,
        null,
        null,
        null);
  }

  /** The same scores with the judgment's inputs: newest-row values and window coverage. */
  public AnomalyRecord withObservations(
      Map<String, Double> newValues, Double newCoverage, Double newTrainedCoverage) {
    return new AnomalyRecord(
        schemaVersion,
        key,
        timestamp,
        unifiedScore,
        metricScores,
        attribution,
        source,
        modelVersion,
        newValues,
        newCoverage,
        newTrainedCoverage);
  }

  private static void requireShare(Double v, String field) {
    if (v != null && !(v >= 0 && v <= 1)) {
      throw new IllegalArgumentException(field + " must be in [0, 1], got " + v);
    }
  }

  private static void requireScore(Double score, String field) {
    if (score == null) {
      throw new IllegalArgumentException(field + " is null");
    }
    if (!(score >= 0 && score <= MAX_SCORE)) {
      throw new IllegalArgumentException(
          field + " must be in [0, " + MAX_SCORE + "], got " + score);
    }
  }

  /**
   * Keeps the metric order of the configuration; rejects null values (a score is never missing).
   */
  private static Map<String, Double> copy(Map<String, Double> in) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Map.Entry<String, Double> e : in.entrySet()) {
      Objects.requireNonNull(e.getKey(), "metric name");
      if (e.getValue() == null) {
        throw new IllegalArgumentException(
            "value for metric '" + LogValues.truncate(e.getKey()) + "' is null");
      }
      out.put(e.getKey(), e.getValue());
    }
    return Collections.unmodifiableMap(out);
  }
}
