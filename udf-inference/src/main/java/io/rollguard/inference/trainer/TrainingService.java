package io.rollguard.inference.trainer;

import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.config.TrainingSettings;
import io.rollguard.common.detect.AlarmExclusion;
import io.rollguard.common.detect.DetectorTrainer;
import io.rollguard.common.detect.MetricDef;
import io.rollguard.common.detect.MetricDefs;
import io.rollguard.common.detect.ModelBundle;
import io.rollguard.common.detect.TrainingOptions;
import io.rollguard.common.prometheus.PrometheusException;
import io.rollguard.common.registry.EntityId;
import io.rollguard.common.registry.ModelRegistry;
import io.rollguard.common.registry.RegistryException;
import io.rollguard.common.registry.StoredBundle;
import io.rollguard.common.vertex.RateLimitedLog;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains entities in the background: at most {@code training.concurrency} at a time in this pod, at
 * most one per entity across all replicas (the {@link TrainingGuard}'s lease), none for an entity
 * that is backing off, none when the registry already holds a fresh bundle.
 *
 * <p>One attempt ({@link #trainNow}): back-off? -> lease -> registry still without a fresh bundle?
 * -> history -> enough data? -> {@link DetectorTrainer#retrain} (leaving out what the serving
 * bundle alarmed on) -> {@link ModelRegistry#save}. A failed or short-data attempt starts a
 * back-off of {@code training.retryBackoff}, so a broken entity costs one attempt per back-off
 * period, not one per request. The lease is renewed every third of {@code training.leaseTtl} while
 * the attempt runs and released at its end.
 */
public final class TrainingService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TrainingService.class);

  /** Queued entities beyond the running ones; more are skipped as busy (inference asks again). */
  static final int QUEUE_CAPACITY = 256;

  private final ModelRegistry registry;
  private final HistorySource history;
  private final TrainingGuard guard;
  private final Clock clock;
  private final TrainerMetrics metrics;
  private final TrainingSettings settings;
  private final List<MetricDef> defs;
  private final TrainingOptions options;
  private final int minimumRows;
  private final ThreadPoolExecutor workers;
  private final ScheduledExecutorService renewals;
  private final Set<EntityId> inFlight = ConcurrentHashMap.newKeySet();
  private final RateLimitedLog problems = RateLimitedLog.perKey(LOG, Duration.ofMinutes(5));

  public TrainingService(
      RollguardConfig config,
      ModelRegistry registry,
      HistorySource history,
      TrainingGuard guard,
      Clock clock,
      TrainerMetrics metrics) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.history = Objects.requireNonNull(history, "history");
    this.guard = Objects.requireNonNull(guard, "guard");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.settings = config.training();
    this.defs = MetricDefs.of(config.metrics());
    this.options = TrainingOptions.from(config);
    this.minimumRows = MetricDefs.minimumTrainingRows(options);
    int concurrency = Math.max(1, settings.concurrency());
    AtomicInteger threadNumber = new AtomicInteger();
    this.workers =
        new ThreadPoolExecutor(
            concurrency,
            concurrency,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(QUEUE_CAPACITY),
            runnable -> {
              Thread t =
                  new Thread(runnable, "rollguard-trainer-" + threadNumber.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.renewals =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread t = new Thread(runnable, "rollguard-trainer-lease-renewal");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Queues a training of {@code entity} and returns at once. Returns {@link
   * TrainingOutcome#SKIPPED_IN_FLIGHT} or {@link TrainingOutcome#SKIPPED_BUSY} (already counted)
   * when it was not queued, empty when it was (its outcome is counted when it finishes).
   */
  public Optional<TrainingOutcome> submit(EntityId entity) {
    if (!inFlight.add(entity)) {
      metrics.outcome(TrainingOutcome.SKIPPED_IN_FLIGHT);
      return Optional.of(TrainingOutcome.SKIPPED_IN_FLIGHT);
    }
    try {
      workers.execute(
          () -> {
            try {
              trainNow(entity);
            } finally {
              inFlight.remove(entity);
              metrics.inFlight(inFlight.size());
            }
          });
      metrics.inFlight(inFlight.size());
      return Optional.empty();
    } catch (RejectedExecutionException e) {
      inFlight.remove(entity);
      metrics.outcome(TrainingOutcome.SKIPPED_BUSY);
      problems.warn(
          "busy",
          "trainer busy ({} running, {} queued): skipped {}; inference will ask again",
          workers.getActiveCount(),
          workers.getQueue().size(),
          entity);
      return Optional.of(TrainingOutcome.SKIPPED_BUSY);
    }
  }

  /** One training attempt on the calling thread; counted and timed. */
  public TrainingOutcome trainNow(EntityId entity) {
    long started = System.nanoTime();
    TrainingOutcome outcome;
    try {
      outcome = attempt(entity);
    } catch (TrainingGuard.GuardUnavailableException e) {
      problems.warn("lease", "training of {} not attempted: {}", entity, e.getMessage());
      outcome = TrainingOutcome.FAILED_LEASE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.info("training of {} interrupted (shutting down)", entity);
      outcome = TrainingOutcome.FAILED_TRAINING;
    } catch (RuntimeException e) {
      // A bug (or an unexpected client exception): counted and logged, the pool thread survives.
      LOG.error("training of {} failed unexpectedly", entity, e);
      outcome = TrainingOutcome.FAILED_TRAINING;
    }
    metrics.outcome(outcome, (System.nanoTime() - started) / 1e9);
    return outcome;
  }

  @SuppressWarnings("try") // the lease is held for the block and released by close()
  private TrainingOutcome attempt(EntityId entity) throws InterruptedException {
    if (guard.inBackoff(entity)) {
      return TrainingOutcome.SKIPPED_BACKOFF;
    }
    Optional<TrainingGuard.Lease> lease = guard.tryLease(entity, settings.leaseTtl());
    if (lease.isEmpty()) {
      return TrainingOutcome.SKIPPED_LEASE_HELD;
    }
    long renewEvery = Math.max(1, settings.leaseTtl().toMillis() / 3);
    ScheduledFuture<?> renewal =
        renewals.scheduleAtFixedRate(
            () -> {
              if (!lease.get().renew(settings.leaseTtl())) {
                problems.warn("lease-lost", "lost the training lease of {} while training", entity);
              }
            },
            renewEvery,
            renewEvery,
            TimeUnit.MILLISECONDS);
    try (TrainingGuard.Lease held = lease.get()) {
      return trainHoldingLease(entity);
    } finally {
      renewal.cancel(false);
    }
  }

  private boolean fitsConfiguration(StoredBundle stored) {
    return stored
        .bundle()
        .fits(defs.stream().map(MetricDef::name).toList(), options.windowLength());
  }

  private TrainingOutcome trainHoldingLease(EntityId entity) throws InterruptedException {
    // Checked under the lease: a replica that just finished has saved before releasing it.
    Optional<StoredBundle> latest;
    try {
      latest = registry.loadLatest(entity);
      // A bundle for other metrics or another window length (trained before a configuration
      // change) is unusable however young: retrain instead of leaving the entity on the fallback.
      if (latest.isPresent()
          && !latest.get().isStale(clock.instant(), settings.retrainEvery())
          && fitsConfiguration(latest.get())) {
        return TrainingOutcome.SKIPPED_FRESH;
      }
    } catch (RegistryException e) {
      return failed(
          entity, TrainingOutcome.FAILED_REGISTRY, "cannot read the registry: " + e.getMessage());
    }
    History h;
    try {
      h = history.fetch(entity);
    } catch (PrometheusException e) {
      return failed(
          entity,
          TrainingOutcome.FAILED_PROMETHEUS,
          "cannot read the history (" + e.kind() + "): " + e.getMessage());
    }
    if (h.rows() < minimumRows || h.coverage() < settings.minCoverage()) {
      return failed(
          entity,
          TrainingOutcome.TOO_LITTLE_DATA,
          String.format(
              "history has %d rows (need %d) with coverage %.3f (need %.3f) from %d series",
              h.rows(), minimumRows, h.coverage(), settings.minCoverage(), h.series()));
    }
    ModelBundle bundle;
    AlarmExclusion.Result guarded;
    try {
      // The serving bundle (stale, or for another configuration: then retrain ignores it) judges
      // the new history: what it alarmed on is left out, unless it is too much of it (drift).
      DetectorTrainer.Retraining r =
          DetectorTrainer.retrain(
              h.values(),
              h.timestamps(),
              defs,
              options,
              latest.map(StoredBundle::bundle).orElse(null));
      bundle = r.bundle();
      guarded = r.exclusion();
    } catch (RuntimeException e) {
      LOG.error("training of {} failed on {} rows", entity, h.rows(), e);
      return failed(entity, TrainingOutcome.FAILED_TRAINING, e.toString());
    }
    StoredBundle saved;
    try {
      saved = registry.save(entity, bundle);
    } catch (RegistryException e) {
      return failed(
          entity, TrainingOutcome.FAILED_REGISTRY, "cannot save the bundle: " + e.getMessage());
    }
    LOG.atInfo()
        .addKeyValue("entity", entity.toString())
        .addKeyValue("version", saved.version().id())
        .addKeyValue("rows", h.rows())
        .addKeyValue("coverage", h.coverage())
        .addKeyValue("nonFinite", h.nonFinite())
        .addKeyValue("alarmedFraction", guarded.alarmedFraction())
        .addKeyValue("alarmedLeftOut", guarded.applied())
        .log(
            "trained {} ({} rows, coverage {}, model {}): saved version {}",
            entity,
            h.rows(),
            String.format("%.3f", h.coverage()),
            bundle.model().kind(),
            saved.version().id());
    return TrainingOutcome.TRAINED;
  }

  private TrainingOutcome failed(EntityId entity, TrainingOutcome outcome, String detail) {
    try {
      guard.backOff(entity, settings.retryBackoff());
    } catch (TrainingGuard.GuardUnavailableException e) {
      problems.warn("backoff", "cannot record the back-off of {}: {}", entity, e.getMessage());
    }
    problems.warn(
        outcome.label(),
        "training of {} {}: {}; next attempt after {}",
        entity,
        outcome.label(),
        detail,
        settings.retryBackoff());
    return outcome;
  }

  /** Entities queued or training in this pod. */
  public int inFlight() {
    return inFlight.size();
  }

  @Override
  public void close() {
    workers.shutdownNow();
    renewals.shutdownNow();
  }
}
