package io.rollguard.common.payload;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import java.util.Objects;

/**
 * A window after preprocessing, emitted by udf-preprocess for udf-inference.
 *
 * <p>With status {@link Status#OK} the entity's model bundle {@code modelVersion} was found and is
 * pinned: inference must score with exactly that version, and {@code normalized} holds the window's
 * values after that bundle's transforms (per-metric transform, robust scaling, clipping), same
 * shape as {@code window.values()}, {@code NaN} (JSON {@code null}) where the value is missing.
 * With {@link Status#NO_MODEL} no bundle exists yet: {@code modelVersion} and {@code normalized}
 * are null and inference chooses the fallback from the raw {@code window}.
 *
 * <p>The arrays are not copied: the producer hands them over and must not change them afterwards.
 */
public record PreprocessedWindow(
    int schemaVersion,
    @JsonProperty(required = true) Window window,
    @JsonProperty(required = true) Status status,
    String modelVersion,
    double[][] normalized) {

  public static final int SCHEMA_VERSION = 1;

  /** Whether a model bundle was found for the entity. */
  public enum Status {
    OK,
    NO_MODEL
  }

  public PreprocessedWindow {
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(status, "status");
    if (status == Status.OK) {
      if (modelVersion == null || modelVersion.isBlank()) {
        throw new IllegalArgumentException("modelVersion is required when status is OK");
      }
      if (normalized == null) {
        throw new IllegalArgumentException("normalized is required when status is OK");
      }
      if (normalized.length != window.rows()) {
        throw new IllegalArgumentException(
            "normalized must have "
                + window.rows()
                + " rows like the window, got "
                + normalized.length);
      }
      Matrices.requireColumns(normalized, window.metrics().size(), "normalized");
    } else if (modelVersion != null || normalized != null) {
      throw new IllegalArgumentException(
          "modelVersion and normalized must be null when status is NO_MODEL");
    }
  }

  /** A window scored with the pinned bundle {@code modelVersion}. */
  public static PreprocessedWindow ok(Window window, String modelVersion, double[][] normalized) {
    return new PreprocessedWindow(SCHEMA_VERSION, window, Status.OK, modelVersion, normalized);
  }

  /** A window of an entity that has no model bundle yet. */
  public static PreprocessedWindow noModel(Window window) {
    return new PreprocessedWindow(SCHEMA_VERSION, window, Status.NO_MODEL, null, null);
  }

  public ScoringKey key() {
    return window.key();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PreprocessedWindow p
        && schemaVersion == p.schemaVersion
        && status == p.status
        && window.equals(p.window)
        && Objects.equals(modelVersion, p.modelVersion)
        && Arrays.deepEquals(normalized, p.normalized);
  }

  @Override
  public int hashCode() {
    return Objects.hash(schemaVersion, window, status, modelVersion) * 31
        + Arrays.deepHashCode(normalized);
  }

  @Override
  public String toString() {
    return "PreprocessedWindow["
        + window
        + " status="
        + status
        + " modelVersion="
        + modelVersion
        + "]";
  }
}
