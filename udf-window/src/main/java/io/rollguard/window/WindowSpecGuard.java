package io.rollguard.window;

import io.rollguard.common.config.WindowSettings;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Stops the window vertex when Numaflow's window is not the configured one. The Pipeline's {@code
 * spec.vertices[name=window].udf.groupBy.window.sliding} (length and slide) and Rollguard's {@code
 * window.lengthSteps} x {@code step} are written in two places (the Pipeline manifest and the
 * configuration file), and when they disagree every window would be dropped as {@code
 * window_mismatch}: the pipeline would look healthy and score nothing.
 *
 * <p>Why at the first window and not before: the UD container never sees its Vertex spec. Numaflow
 * 1.8 gives {@code NUMAFLOW_VERTEX_OBJECT} to the numa container only (the udf container gets the
 * pod's names, replica and resources); the first reduce request is the first moment the container
 * learns the window, and Numaflow's windows are always exactly the spec's length and start on
 * multiples of the slide. That moment is the first sample after start, within a step. The shipped
 * manifests are checked by the tests (every overlay rendered); this guard covers the manifests and
 * configurations a platform team writes itself.
 */
final class WindowSpecGuard {

  private final WindowSettings settings;
  private final Consumer<String> onMismatch;
  private final AtomicBoolean tripped = new AtomicBoolean();

  /**
   * @param onMismatch called once, with a message naming both fields, on the first window that does
   *     not fit; the vertex main stops the vertex there
   */
  WindowSpecGuard(WindowSettings settings, Consumer<String> onMismatch) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.onMismatch = Objects.requireNonNull(onMismatch, "onMismatch");
  }

  /** A guard that only reports (tests, the local run, which builds its windows from the config). */
  static WindowSpecGuard reportOnly(WindowSettings settings) {
    return new WindowSpecGuard(settings, message -> {});
  }

  /** Checks one window [start, end) that Numaflow handed over; reports the first mismatch once. */
  void check(long startMillis, long endMillis) {
    Optional<String> problem = problem(startMillis, endMillis);
    if (problem.isPresent() && tripped.compareAndSet(false, true)) {
      onMismatch.accept(problem.get());
    }
  }

  boolean tripped() {
    return tripped.get();
  }

  /** Why this window does not fit the configuration, naming the fields on both sides. */
  Optional<String> problem(long startMillis, long endMillis) {
    long length = endMillis - startMillis;
    String configured =
        "window.lengthSteps x step = "
            + settings.lengthSteps()
            + " x "
            + format(settings.stepMillis())
            + " = "
            + format(settings.lengthMillis())
            + " (Rollguard configuration)";
    if (length != settings.lengthMillis()) {
      return Optional.of(
          "Numaflow hands this vertex windows of "
              + format(length)
              + " (the Pipeline's spec.vertices[name=window].udf.groupBy.window.sliding.length),"
              + " but "
              + configured
              + ": every window would be dropped. Make the two equal, in the Pipeline and in the"
              + " configuration, and keep sliding.slide = step ("
              + format(settings.stepMillis())
              + ").");
    }
    if (Math.floorMod(startMillis, settings.stepMillis()) != 0) {
      return Optional.of(
          "Numaflow's window starts at "
              + startMillis
              + " ms, not on the step grid of "
              + format(settings.stepMillis())
              + " (step in the Rollguard configuration): the Pipeline's"
              + " spec.vertices[name=window].udf.groupBy.window.sliding.slide must equal step; "
              + configured
              + ".");
    }
    return Optional.empty();
  }

  private static String format(long millis) {
    Duration d = Duration.ofMillis(millis);
    if (millis % 60_000 == 0) {
      return d.toMinutes() + "m";
    }
    return millis % 1000 == 0 ? d.toSeconds() + "s" : millis + "ms";
  }
}
