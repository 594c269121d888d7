package io.rollguard.inference.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.prometheus.PrometheusException;
import io.rollguard.common.registry.DirectoryModelRegistry;
import io.rollguard.common.registry.EntityId;
import io.rollguard.testsupport.Poll;
import io.rollguard.testsupport.ScoringFixtures;
import io.rollguard.testsupport.ServiceSeries;
import io.rollguard.testsupport.SettableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The trainer's decisions with the in-memory guard, a directory registry and generated history. */
@Timeout(60)
class TrainingServiceTest {

  static final EntityId CART = new EntityId("shop", "cart");

  @TempDir Path dir;

  private History generated(int rows, double missingShare) {
    ServiceSeries h = ScoringFixtures.history(5, Instant.parse("2026-01-05T00:00:00Z"), rows);
    double[][] values = new double[rows][];
    long observed = 0;
    for (int i = 0; i < rows; i++) {
      values[i] = h.values()[i].clone();
      if (i < rows * missingShare) {
        Arrays.fill(values[i], Double.NaN);
      } else {
        observed += values[i].length;
      }
    }
    return new History(
        h.timestamps(), values, observed / (double) ((long) rows * h.metrics().size()), 0, 1);
  }

  private TrainingService service(
      RollguardConfig config,
      HistorySource source,
      SettableClock clock,
      PrometheusRegistry metrics) {
    DirectoryModelRegistry registry =
        new DirectoryModelRegistry(dir.resolve("models"), Duration.ofDays(7), clock);
    return new TrainingService(
        config,
        registry,
        source,
        new LocalTrainingGuard(clock),
        clock,
        new TrainerMetrics(metrics));
  }

  @Test
  void aSuccessfulTrainingIsSavedAndTheNextRequestFindsItFresh() {
    RollguardConfig config = ScoringFixtures.config(dir.resolve("models"), "http://127.0.0.1:9");
    SettableClock clock = new SettableClock(1_000_000);
    clock.set(Instant.parse("2026-01-07T00:00:00Z").toEpochMilli());
    History history = generated(2 * 1440, 0);
    PrometheusRegistry metrics = new PrometheusRegistry();
    try (TrainingService service = service(config, entity -> history, clock, metrics)) {
      assertEquals(TrainingOutcome.TRAINED, service.trainNow(CART));
      assertEquals(TrainingOutcome.SKIPPED_FRESH, service.trainNow(CART));
      clock.advance(Duration.ofHours(25));
      assertEquals(TrainingOutcome.TRAINED, service.trainNow(CART), "a stale bundle is retrained");
    }
    assertEquals(
        2, ScoringFixtures.counter(metrics, TrainerMetrics.REQUESTS, "outcome", "trained"));
  }

  @Test
  void aFreshBundleForAnotherWindowLengthIsRetrainedNotKept() {
    SettableClock clock = new SettableClock(Instant.parse("2026-01-07T00:00:00Z"));
    History history = generated(2 * 1440, 0);
    RollguardConfig before = ScoringFixtures.config(dir.resolve("models"), "http://127.0.0.1:9");
    try (TrainingService service =
        service(before, entity -> history, clock, new PrometheusRegistry())) {
      assertEquals(TrainingOutcome.TRAINED, service.trainNow(CART));
    }
    // The operator changes window.lengthSteps: the young bundle no longer fits any window.
    RollguardConfig after =
        ScoringFixtures.configWithWindow(
            dir.resolve("models"), "http://127.0.0.1:9", ScoringFixtures.WINDOW + 3);
    clock.advance(Duration.ofMinutes(5));
    try (TrainingService service =
        service(after, entity -> history, clock, new PrometheusRegistry())) {
      assertEquals(TrainingOutcome.TRAINED, service.trainNow(CART));
      assertEquals(TrainingOutcome.SKIPPED_FRESH, service.trainNow(CART));
    }
  }

  @Test
  void aFailedFetchBacksOffForRetryBackoff() {
    RollguardConfig config = ScoringFixtures.config(dir.resolve("models"), "http://127.0.0.1:9");
    SettableClock clock = new SettableClock(1_000_000);
    AtomicInteger fetches = new AtomicInteger();
    HistorySource down =
        entity -> {
          fetches.incrementAndGet();
          throw new PrometheusException(
              PrometheusException.Kind.UNAVAILABLE, 503, "", "HTTP 503 after retries");
        };
    try (TrainingService service = service(config, down, clock, new PrometheusRegistry())) {
      assertEquals(TrainingOutcome.FAILED_PROMETHEUS, service.trainNow(CART));
      assertEquals(TrainingOutcome.SKIPPED_BACKOFF, service.trainNow(CART));
      assertEquals(1, fetches.get());
      clock.advance(config.training().retryBackoff());
      assertEquals(
          TrainingOutcome.FAILED_PROMETHEUS,
          service.trainNow(CART),
          "tried again after the back-off");
      assertEquals(2, fetches.get());
    }
  }

  @Test
  void sparseOrShortHistoryIsTooLittleData() {
    RollguardConfig config = ScoringFixtures.config(dir.resolve("models"), "http://127.0.0.1:9");
    SettableClock clock = new SettableClock(1_000_000);
    History sparse = generated(2 * 1440, 0.6); // coverage 0.4 < training.minCoverage 0.5
    try (TrainingService service =
        service(config, entity -> sparse, clock, new PrometheusRegistry())) {
      assertEquals(TrainingOutcome.TOO_LITTLE_DATA, service.trainNow(CART));
    }
    History shortHistory = generated(60, 0);
    try (TrainingService service =
        service(config, entity -> shortHistory, clock, new PrometheusRegistry())) {
      assertEquals(
          TrainingOutcome.TOO_LITTLE_DATA, service.trainNow(new EntityId("shop", "other")));
    }
  }

  @Test
  void submitReturnsAtOnceAndDeduplicatesAnEntityInFlight() throws Exception {
    RollguardConfig config = ScoringFixtures.config(dir.resolve("models"), "http://127.0.0.1:9");
    SettableClock clock = new SettableClock(1_000_000);
    CountDownLatch fetching = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    HistorySource slow =
        entity -> {
          fetching.countDown();
          release.await();
          return History.empty(0, 0);
        };
    PrometheusRegistry metrics = new PrometheusRegistry();
    try (TrainingService service = service(config, slow, clock, metrics)) {
      assertEquals(Optional.empty(), service.submit(CART));
      assertTrue(fetching.await(10, TimeUnit.SECONDS));
      assertEquals(Optional.of(TrainingOutcome.SKIPPED_IN_FLIGHT), service.submit(CART));
      release.countDown();
      Poll.until("the training finished", Duration.ofSeconds(10), () -> service.inFlight() == 0);
    }
    assertEquals(
        1, ScoringFixtures.counter(metrics, TrainerMetrics.REQUESTS, "outcome", "too_little_data"));
    assertEquals(
        1,
        ScoringFixtures.counter(metrics, TrainerMetrics.REQUESTS, "outcome", "skipped_in_flight"));
  }
}
