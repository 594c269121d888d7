package io.rollguard.common.registry;

import io.rollguard.common.detect.ModelBundle;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/** A bundle as the registry holds it: which entity, which version, and the decoded bundle. */
public record StoredBundle(EntityId entity, BundleVersion version, ModelBundle bundle) {

  public StoredBundle {
    Objects.requireNonNull(entity, "entity");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(bundle, "bundle");
  }

  /**
   * Whether the bundle is older than {@code maxAge} at {@code now}: still usable, but due for
   * retraining.
   */
  public boolean isStale(Instant now, Duration maxAge) {
    return version.createdAt().plus(maxAge).isBefore(now);
  }
}
