package io.rollguard.preprocess;

import io.rollguard.common.detect.ModelBundle;
import io.rollguard.common.payload.PreprocessedWindow;
import io.rollguard.common.payload.Window;
import io.rollguard.common.registry.BundleCache;
import io.rollguard.common.registry.EntityId;
import io.rollguard.common.registry.StoredBundle;
import io.rollguard.common.stage.Rejection;
import io.rollguard.common.stage.ScoringShape;
import io.rollguard.common.stage.StageResult;
import java.util.Objects;
import java.util.Optional;

/**
 * Stage 1 (udf-preprocess): finds the entity's latest bundle, pins its version and applies its
 * fitted transforms. Thread-safe; never blocks on anything but the bundle cache (which never
 * throws).
 *
 * <p>Outcomes: {@value #OK} (bundle found and applied), {@value #NO_MODEL} (the entity has no
 * bundle, or the registry is down with nothing cached: forwarded with status {@code NO_MODEL} so
 * inference falls back and asks for training), {@value #BUNDLE_MISMATCH} (a bundle exists but was
 * trained for other metrics or another window length, e.g. before a configuration change: unusable,
 * so forwarded as {@code NO_MODEL} too and a new bundle gets trained), or a {@link Rejection}.
 */
public final class Preprocessor {

  public static final String OK = "ok";
  public static final String NO_MODEL = "no_model";
  public static final String BUNDLE_MISMATCH = "bundle_mismatch";

  private final ScoringShape shape;
  private final BundleCache bundles;

  public Preprocessor(ScoringShape shape, BundleCache bundles) {
    this.shape = Objects.requireNonNull(shape, "shape");
    this.bundles = Objects.requireNonNull(bundles, "bundles");
  }

  public StageResult<PreprocessedWindow> process(Window window) {
    Optional<StageResult.Rejected<Object>> bad =
        shape
            .check(window.metrics(), window.rows())
            .or(() -> ScoringShape.checkFinite(window.values(), "values"))
            .or(() -> ScoringShape.checkEntity(window.key()));
    if (bad.isPresent()) {
      return bad.get().retype();
    }
    Optional<StoredBundle> latest = bundles.latest(EntityId.of(window.key()));
    if (latest.isEmpty()) {
      return StageResult.accepted(PreprocessedWindow.noModel(window), NO_MODEL);
    }
    ModelBundle bundle = latest.get().bundle();
    if (!bundle.fits(window.metrics(), window.rows())) {
      return StageResult.accepted(PreprocessedWindow.noModel(window), BUNDLE_MISMATCH);
    }
    double[][] normalized = bundle.transforms().apply(window.values());
    return StageResult.accepted(
        PreprocessedWindow.ok(window, latest.get().version().id(), normalized), OK);
  }
}
