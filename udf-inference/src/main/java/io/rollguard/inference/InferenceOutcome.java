package io.rollguard.inference;

import io.rollguard.common.payload.InferenceResult;
import io.rollguard.common.payload.TrainRequest;
import java.util.Objects;

/**
 * What inference produced for one window.
 *
 * @param result the errors for postprocess (tag {@code score})
 * @param wantedTraining why the entity needs training, or null when its model is fine
 * @param trainRequest the request to emit (tag {@code train}); null when none is needed or this pod
 *     already asked within the interval ({@link TrainRequestLimiter})
 * @param path how the window was scored: {@code model}, {@code fallback_no_model}, {@code
 *     fallback_stale}, {@code fallback_pinned_missing} or {@code fallback_bundle_mismatch}
 */
public record InferenceOutcome(
    InferenceResult result,
    TrainRequest.Reason wantedTraining,
    TrainRequest trainRequest,
    String path) {

  public InferenceOutcome {
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(path, "path");
    if (trainRequest != null && wantedTraining == null) {
      throw new IllegalArgumentException("a train request needs a reason");
    }
  }
}
