package io.rollguard.common.payload;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * A request to train a model bundle for one entity, emitted by udf-inference (tag {@code train})
 * when the entity has no bundle or only a stale one. Inference never waits for it; the trainer
 * de-duplicates requests with a per-entity lease.
 *
 * @param requestedAt epoch ms when inference asked
 * @param currentModelVersion the bundle in use, required when {@code reason} is {@link
 *     Reason#STALE}; null when there is none
 */
public record TrainRequest(
    int schemaVersion,
    @JsonProperty(required = true) String namespace,
    @JsonProperty(required = true) String app,
    @JsonProperty(required = true) long requestedAt,
    @JsonProperty(required = true) Reason reason,
    String currentModelVersion) {

  public static final int SCHEMA_VERSION = 1;

  /** Why a training is requested. */
  public enum Reason {
    /** The entity has no bundle (or its pinned version has expired). */
    NO_MODEL,
    /** The bundle is older than {@code training.retrainEvery}. */
    STALE
  }

  public TrainRequest {
    requireNonBlank(namespace, "namespace");
    requireNonBlank(app, "app");
    Objects.requireNonNull(reason, "reason");
    if (reason == Reason.STALE && (currentModelVersion == null || currentModelVersion.isBlank())) {
      throw new IllegalArgumentException("currentModelVersion is required when reason is STALE");
    }
  }

  public TrainRequest(
      String namespace, String app, long requestedAt, Reason reason, String currentModelVersion) {
    this(SCHEMA_VERSION, namespace, app, requestedAt, reason, currentModelVersion);
  }

  /** The entity to train, {@code namespace/app} (same form as {@link ScoringKey#entity()}). */
  public String entity() {
    return namespace + "/" + app;
  }

  private static void requireNonBlank(String value, String field) {
    Objects.requireNonNull(value, field);
    if (value.isBlank()) {
      throw new IllegalArgumentException(field + " is blank");
    }
  }
}
