package io.rollguard.common.payload;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The model's verdict on one window, emitted by udf-inference for udf-postprocess: per (time,
 * metric) reconstruction errors, before calibration.
 *
 * <p>Row {@code i} of {@code errors} is time {@code start + i * stepMillis}; column {@code j} is
 * {@code metrics.get(j)}. An error is signed (observed minus expected, in the model's scaled units)
 * so that postprocess can apply each metric's direction; {@code NaN} (JSON {@code null}) where the
 * input was missing. With {@link Source#MODEL} the errors come from bundle {@code modelVersion};
 * with {@link Source#FALLBACK} they are robust z-scores against the last bundle's statistics
 * ({@code modelVersion} set) or against the window itself ({@code modelVersion} null).
 *
 * <p>{@code raw} is optional: what postprocess needs of the window's raw values ({@link
 * RawObservations}): it applies the static limits (in raw units) to the latest values and copies
 * the newest row into the {@link AnomalyRecord} for the canary judgment. Older consumers ignore it.
 *
 * <p>The arrays are not copied: the producer hands them over and must not change them afterwards.
 *
 * @param start window start, epoch ms, inclusive
 * @param end window end, epoch ms, exclusive
 */
public record InferenceResult(
    int schemaVersion,
    ScoringKey key,
    long start,
    long end,
    long stepMillis,
    List<String> metrics,
    double[][] errors,
    Source source,
    String modelVersion,
    // Omitted rather than null when absent (a result built without raw values).
    @JsonInclude(JsonInclude.Include.NON_NULL) RawObservations raw) {

  public static final int SCHEMA_VERSION = 1;

  /** Where the errors came from. */
  public enum Source {
    @JsonProperty("model")
    MODEL,
    @JsonProperty("fallback")
    FALLBACK
  }

  public InferenceResult {
    Objects.requireNonNull(key, "key");
    metrics = List.copyOf(Objects.requireNonNull(metrics, "metrics"));
    Objects.requireNonNull(errors, "errors");
    Objects.requireNonNull(source, "source");
    if (end <= start) {
      throw new IllegalArgumentException("end (" + end + ") must be after start (" + start + ")");
    }
    if (stepMillis <= 0) {
      throw new IllegalArgumentException("stepMillis must be > 0, got " + stepMillis);
    }
    Matrices.requireColumns(errors, metrics.size(), "errors");
    if (source == Source.MODEL && (modelVersion == null || modelVersion.isBlank())) {
      throw new IllegalArgumentException("modelVersion is required when source is model");
    }
    if (raw != null) {
      if (raw.metricCount() != metrics.size()) {
        throw new IllegalArgumentException(
            "raw must have "
                + metrics.size()
                + " values per vector like metrics, got "
                + raw.metricCount());
      }
      long cells = (long) errors.length * metrics.size();
      if (raw.presentCells() > cells) {
        throw new IllegalArgumentException(
            "raw.presentCells must be at most "
                + cells
                + " (rows x metrics), got "
                + raw.presentCells());
      }
    }
  }

  /**
   * The decoder's way in. It also reads {@code rawValues}, the whole raw matrix that udf-inference
   * sent before {@code raw} existed, and keeps what {@code raw} would carry: results queued between
   * the two vertices while a pipeline is upgraded keep their values and static limits.
   */
  @JsonCreator
  static InferenceResult fromJson(
      @JsonProperty("schemaVersion") int schemaVersion,
      @JsonProperty(value = "key", required = true) ScoringKey key,
      @JsonProperty(value = "start", required = true) long start,
      @JsonProperty(value = "end", required = true) long end,
      @JsonProperty(value = "stepMillis", required = true) long stepMillis,
      @JsonProperty(value = "metrics", required = true)
          @JsonSetter(nulls = Nulls.FAIL, contentNulls = Nulls.FAIL)
          List<String> metrics,
      @JsonProperty(value = "errors", required = true) double[][] errors,
      @JsonProperty(value = "source", required = true) Source source,
      @JsonProperty("modelVersion") String modelVersion,
      @JsonProperty("raw") RawObservations raw,
      @JsonProperty("rawValues") double[][] rawValues) {
    if (raw == null && rawValues != null && errors != null && metrics != null) {
      if (rawValues.length != errors.length) {
        throw new IllegalArgumentException(
            "rawValues must have " + errors.length + " rows like errors, got " + rawValues.length);
      }
      Matrices.requireColumns(rawValues, metrics.size(), "rawValues");
      raw = RawObservations.of(rawValues);
    }
    return new InferenceResult(
        schemaVersion, key, start, end, stepMillis, metrics, errors, source, modelVersion, raw);
  }

  public InferenceResult(
      ScoringKey key,
      long start,
      long end,
      long stepMillis,
      List<String> metrics,
      double[][] errors,
      Source source,
      String modelVersion) {
    this(SCHEMA_VERSION, key, start, end, stepMillis, metrics, errors, source, modelVersion, null);
  }

  /** The same result carrying what postprocess needs of the window's raw values. */
  public InferenceResult withRaw(RawObservations observations) {
    return new InferenceResult(
        schemaVersion,
        key,
        start,
        end,
        stepMillis,
        metrics,
        errors,
        source,
        modelVersion,
        observations);
  }

  public int rows() {
    return errors.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InferenceResult r
        && schemaVersion == r.schemaVersion
        && start == r.start
        && end == r.end
        && stepMillis == r.stepMillis
        && source == r.source
        && key.equals(r.key)
        && metrics.equals(r.metrics)
        && Objects.equals(modelVersion, r.modelVersion)
        && Arrays.deepEquals(errors, r.errors)
        && Objects.equals(raw, r.raw);
  }

  @Override
  public int hashCode() {
    return Objects.hash(schemaVersion, key, start, end, stepMillis, metrics, source, modelVersion)
            * 31
        + Arrays.deepHashCode(errors) * 17
        + Objects.hashCode(raw);
  }

  @Override
  public String toString() {
    return "InferenceResult["
        + key
        + " "
        + start
        + ".."
        + end
        + " rows="
        + rows()
        + " metrics="
        + metrics
        + " source="
        + source
        + " modelVersion="
        + modelVersion
        + "]";
  }
}
