package io.rollguard.cli.run;

import io.rollguard.common.payload.PayloadCodec;
import io.rollguard.common.payload.PayloadException;
import io.rollguard.common.payload.TrainRequest;
import io.rollguard.common.registry.BundleCache;
import io.rollguard.common.registry.EntityId;
import io.rollguard.inference.trainer.TrainingOutcome;
import io.rollguard.inference.trainer.TrainingService;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The trainer vertex of the local pipeline, on the inference vertex's {@code train} edge. It does
 * what the trainer sink ({@code io.rollguard.inference.trainer.TrainerSink}) does with a {@code
 * TrainRequest} - decode it and hand the entity to the {@link TrainingService} (lease, back-off,
 * freshness check, history, {@code DetectorTrainer}, registry) - with two differences that only
 * make sense in one process:
 *
 * <ul>
 *   <li>the training runs synchronously ({@link TrainingService#trainNow}) instead of in the pool,
 *       so a replay gives the same result on every run however fast the machine is (replay time
 *       does not pass while the model trains);
 *   <li>after a save, the shared {@link BundleCache} forgets the entity, so the next window finds
 *       the new bundle; in a cluster the other pods pick it up after {@code
 *       registry.cache.refreshAfter}.
 * </ul>
 */
final class TrainerStep {

  /** One training attempt, for the progress output and the report. */
  record Attempt(long atMillis, String entity, TrainingOutcome outcome, double seconds) {}

  private final TrainingService service;
  private final BundleCache bundles;
  private final ReplayClock clock;
  private final List<Attempt> attempts = new ArrayList<>();
  private long rejected;

  TrainerStep(TrainingService service, BundleCache bundles, ReplayClock clock) {
    this.service = Objects.requireNonNull(service, "service");
    this.bundles = Objects.requireNonNull(bundles, "bundles");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Handles one {@code train}-tagged message; returns the attempt, or null when it did not decode.
   */
  Attempt handle(LocalMessage message) {
    TrainRequest request;
    EntityId entity;
    try {
      request = PayloadCodec.shared().decode(message.value(), TrainRequest.class);
      entity = new EntityId(request.namespace(), request.app());
    } catch (PayloadException | IllegalArgumentException e) {
      rejected++;
      return null;
    }
    long started = System.nanoTime();
    TrainingOutcome outcome = service.trainNow(entity);
    if (outcome == TrainingOutcome.TRAINED) {
      bundles.invalidate(entity);
    }
    Attempt attempt =
        new Attempt(
            clock.millis(), entity.toString(), outcome, (System.nanoTime() - started) / 1e9);
    attempts.add(attempt);
    return attempt;
  }

  List<Attempt> attempts() {
    return List.copyOf(attempts);
  }

  long rejected() {
    return rejected;
  }
}
