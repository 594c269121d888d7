package io.rollguard.inference;

import io.rollguard.common.detect.FallbackCalibration;
import io.rollguard.common.detect.MetricDef;
import io.rollguard.common.detect.MetricDefs;
import io.rollguard.common.detect.ModelBundle;
import io.rollguard.common.detect.RobustZ;
import io.rollguard.common.detect.TransformKind;
import io.rollguard.common.payload.InferenceResult;
import io.rollguard.common.payload.PreprocessedWindow;
import io.rollguard.common.payload.TrainRequest;
import io.rollguard.common.payload.Window;
import io.rollguard.common.registry.BundleCache;
import io.rollguard.common.registry.BundleVersion;
import io.rollguard.common.registry.EntityId;
import io.rollguard.common.registry.StoredBundle;
import io.rollguard.common.stage.Rejection;
import io.rollguard.common.stage.ScoringShape;
import io.rollguard.common.stage.StageResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Stage 2 (udf-inference): scores a preprocessed window with exactly the pinned bundle version, or
 * with the fallback, and says when the entity needs training. Thread-safe; never waits for
 * training.
 *
 * <table>
 *   <caption>Paths</caption>
 *   <tr><th>input</th><th>errors</th><th>source</th><th>train request</th></tr>
 *   <tr><td>{@code NO_MODEL}</td><td>robust z against the window's own earlier rows ({@link
 *       RobustZ})</td><td>fallback, no version</td><td>{@code NO_MODEL}</td></tr>
 *   <tr><td>{@code OK}, pinned version fresh</td><td>the model's residuals</td><td>model</td>
 *       <td>none</td></tr>
 *   <tr><td>{@code OK}, pinned version older than {@code training.retrainEvery} and no fresher
 *       latest</td><td>the normalised values = robust z against the bundle's training
 *       statistics</td><td>fallback, with the version</td><td>{@code STALE}</td></tr>
 *   <tr><td>{@code OK}, pinned version gone (expired, or registry down with nothing cached)</td>
 *       <td>the normalised values, as above</td><td>fallback, with the version</td>
 *       <td>{@code NO_MODEL}</td></tr>
 * </table>
 *
 * <p>Train requests go through the {@link TrainRequestLimiter}, so one entity costs at most one
 * request per interval from this pod.
 */
public final class Inferencer {

  public static final String MODEL = "model";
  public static final String FALLBACK_NO_MODEL = "fallback_no_model";
  public static final String FALLBACK_STALE = "fallback_stale";
  public static final String FALLBACK_PINNED_MISSING = "fallback_pinned_missing";
  public static final String FALLBACK_BUNDLE_MISMATCH = "fallback_bundle_mismatch";

  private final ScoringShape shape;
  private final BundleCache bundles;
  private final TrainRequestLimiter limiter;
  private final Duration retrainEvery;
  private final Clock clock;
  private final RobustZ robustZ;

  public Inferencer(
      ScoringShape shape,
      BundleCache bundles,
      TrainRequestLimiter limiter,
      Duration retrainEvery,
      Clock clock) {
    this.shape = Objects.requireNonNull(shape, "shape");
    this.bundles = Objects.requireNonNull(bundles, "bundles");
    this.limiter = Objects.requireNonNull(limiter, "limiter");
    this.retrainEvery = Objects.requireNonNull(retrainEvery, "retrainEvery");
    this.clock = Objects.requireNonNull(clock, "clock");
    List<MetricDef> defs = MetricDefs.of(shape.metrics());
    TransformKind[] transforms =
        defs.stream().map(MetricDef::transform).toArray(TransformKind[]::new);
    this.robustZ =
        new RobustZ(
            transforms,
            FallbackCalibration.scoredRows(shape.windowLength()),
            FallbackCalibration.CLIP_BOUND);
  }

  public StageResult<InferenceOutcome> process(PreprocessedWindow input) {
    Window window = input.window();
    Optional<StageResult.Rejected<Object>> bad =
        shape
            .check(window.metrics(), window.rows())
            .or(() -> ScoringShape.checkFinite(window.values(), "window.values"))
            .or(
                () ->
                    input.normalized() == null
                        ? Optional.empty()
                        : ScoringShape.checkFinite(input.normalized(), "normalized"))
            .or(() -> ScoringShape.checkEntity(window.key()));
    if (bad.isPresent()) {
      return bad.get().retype();
    }
    EntityId entity = EntityId.of(window.key());
    if (input.status() == PreprocessedWindow.Status.NO_MODEL) {
      double[][] z = robustZ.score(window.values());
      Optional<StageResult.Rejected<Object>> overflow = overflow(window.values(), z, "robust z");
      if (overflow.isPresent()) {
        return overflow.get().retype();
      }
      return fallback(
          window, z, null, entity, TrainRequest.Reason.NO_MODEL, null, FALLBACK_NO_MODEL);
    }
    BundleVersion version;
    try {
      version = BundleVersion.parse(input.modelVersion());
    } catch (IllegalArgumentException e) {
      return StageResult.rejected(Rejection.INVALID_FIELD, "modelVersion: " + e.getMessage());
    }
    Optional<StoredBundle> pinned = bundles.pinned(entity, version);
    if (pinned.isEmpty()) {
      return fallback(
          window,
          copy(input.normalized()),
          version.id(),
          entity,
          TrainRequest.Reason.NO_MODEL,
          null,
          FALLBACK_PINNED_MISSING);
    }
    ModelBundle bundle = pinned.get().bundle();
    if (!bundle.fits(window.metrics(), window.rows())) {
      double[][] z = robustZ.score(window.values());
      Optional<StageResult.Rejected<Object>> overflow = overflow(window.values(), z, "robust z");
      if (overflow.isPresent()) {
        return overflow.get().retype();
      }
      return fallback(
          window, z, null, entity, TrainRequest.Reason.NO_MODEL, null, FALLBACK_BUNDLE_MISMATCH);
    }
    if (isStale(entity, pinned.get())) {
      return fallback(
          window,
          copy(input.normalized()),
          version.id(),
          entity,
          TrainRequest.Reason.STALE,
          version.id(),
          FALLBACK_STALE);
    }
    double[][] residuals = bundle.model().residuals(input.normalized());
    Optional<StageResult.Rejected<Object>> overflow =
        overflow(input.normalized(), residuals, "model residual");
    if (overflow.isPresent()) {
      return overflow.get().retype();
    }
    InferenceResult result =
        new InferenceResult(
            window.key(),
            window.start(),
            window.end(),
            window.stepMillis(),
            window.metrics(),
            residuals,
            InferenceResult.Source.MODEL,
            version.id());
    return StageResult.accepted(new InferenceOutcome(result, null, null, MODEL), MODEL);
  }

  /** Stale: the pinned bundle is older than retrainEvery and no fresher latest is known. */
  private boolean isStale(EntityId entity, StoredBundle pinned) {
    Instant now = clock.instant();
    if (!pinned.isStale(now, retrainEvery)) {
      return false;
    }
    Optional<StoredBundle> latest = bundles.latest(entity);
    return latest.isEmpty() || latest.get().isStale(now, retrainEvery);
  }

  private StageResult<InferenceOutcome> fallback(
      Window window,
      double[][] errors,
      String modelVersion,
      EntityId entity,
      TrainRequest.Reason reason,
      String currentVersion,
      String path) {
    InferenceResult result =
        new InferenceResult(
            window.key(),
            window.start(),
            window.end(),
            window.stepMillis(),
            window.metrics(),
            errors,
            InferenceResult.Source.FALLBACK,
            modelVersion);
    TrainRequest request =
        limiter.tryAcquire(entity)
            ? new TrainRequest(
                entity.namespace(), entity.app(), clock.millis(), reason, currentVersion)
            : null;
    return StageResult.accepted(new InferenceOutcome(result, reason, request, path), path);
  }

  /**
   * A rejection when scoring overflowed: finite inputs so large (a forged {@code 1e308}) that an
   * error is infinite, or NaN where the input had a value. Sending it on would either fail encoding
   * (a bug counted as {@code failed_internal}) or turn an observed value into "missing".
   */
  private static Optional<StageResult.Rejected<Object>> overflow(
      double[][] inputs, double[][] errors, String what) {
    for (int i = 0; i < errors.length; i++) {
      for (int j = 0; j < errors[i].length; j++) {
        double e = errors[i][j];
        if (Double.isInfinite(e) || (Double.isNaN(e) && !Double.isNaN(inputs[i][j]))) {
          return Optional.of(
              new StageResult.Rejected<>(
                  Rejection.NON_FINITE,
                  what
                      + "["
                      + i
                      + "]["
                      + j
                      + "] overflows ("
                      + e
                      + ") for the input "
                      + inputs[i][j]
                      + ": values too large to score"));
        }
      }
    }
    return Optional.empty();
  }

  /** The payload's arrays belong to its producer; the result owns its own. */
  private static double[][] copy(double[][] matrix) {
    double[][] out = new double[matrix.length][];
    for (int i = 0; i < matrix.length; i++) {
      out[i] = matrix[i].clone();
    }
    return out;
  }
}
