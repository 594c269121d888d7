package io.rollguard.source;

import io.numaproj.numaflow.sourcer.AckRequest;
import io.numaproj.numaflow.sourcer.Message;
import io.numaproj.numaflow.sourcer.Offset;
import io.numaproj.numaflow.sourcer.OutputObserver;
import io.numaproj.numaflow.sourcer.ReadRequest;
import io.numaproj.numaflow.sourcer.Sourcer;
import io.rollguard.common.LogValues;
import io.rollguard.common.payload.PayloadCodec;
import io.rollguard.common.payload.Sample;
import io.rollguard.common.prometheus.PrometheusException;
import io.rollguard.common.prometheus.StepGrid;
import io.rollguard.common.vertex.RateLimitedLog;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Numaflow user-defined source: walks the step grid behind {@code now - ingestionDelay} and
 * emits one {@link Sample} per (scoring key, step), event time = the step.
 *
 * <p><b>Offsets.</b> A message's offset is {@code "<step epoch ms>:<index within the step>"}. A
 * step is done when all its messages are acked; the <em>acked offset</em> is the newest step such
 * that it and every earlier step are done. Acks are idempotent (an offset at or before the acked
 * offset, or acked twice, changes nothing) and may arrive in any order.
 *
 * <p><b>Restart.</b> The acked offset is saved in Redis ({@link AckedOffsetStore}) whenever it
 * advances; a new process resumes at the step after it, so no acked step is read twice and no step
 * is skipped. Steps read but not acked before a crash are read again (at-least-once; the window
 * vertex drops duplicate timestamps). Without a saved offset the source starts at the newest ready
 * step; after an outage longer than {@link SourceSettings#maxCatchUp()} the older steps are skipped
 * and counted.
 *
 * <p><b>Replicas.</b> Every replica would query every entity, so run one replica ({@code scale.max:
 * 1}); {@link #getPartitions()} reports the default partition ({@code NUMAFLOW_REPLICA}).
 *
 * <p>Thread-safety: the SDK calls {@code read} and {@code ack} from different gRPC streams; all
 * state is guarded by this object's monitor except during the Prometheus fetch.
 */
public final class PrometheusSourcer extends Sourcer {

  private static final Logger LOG = LoggerFactory.getLogger(PrometheusSourcer.class);
  private static final RateLimitedLog RATE_LIMITED =
      RateLimitedLog.perKey(LOG, Duration.ofMinutes(1));

  /** Longest single wait inside {@code read} when nothing is ready. */
  private static final long MAX_IDLE_WAIT_MILLIS = 1_000;

  private final SourceSettings settings;
  private final StepFetcher fetcher;
  private final AckedOffsetStore offsetStore;
  private final SourceMetrics metrics;
  private final Clock clock;
  private final LongSupplier nanoTime;
  private final int partition;
  private final long step;

  // Read-side state (only the read thread mutates; getPending reads volatile copies).
  private final ArrayDeque<Message> buffer = new ArrayDeque<>();
  private volatile long nextStep;
  private volatile int bufferedCount;
  private volatile int lastSamplesPerStep;

  /** After a failed fetch, no new fetch before this {@code nanoTime} value (when backingOff). */
  private long retryAtNanos;

  private boolean backingOff;

  // Ack-side state, guarded by `acks`.
  private final Object acks = new Object();
  private final TreeMap<Long, StepAcks> inFlight = new TreeMap<>();
  private long ackedThrough;
  private long savedThrough;

  /** Acks of one emitted step. */
  private static final class StepAcks {
    final int total;
    final BitSet acked;
    int ackedCount;

    StepAcks(int total) {
      this.total = total;
      this.acked = new BitSet(total);
    }

    boolean complete() {
      return ackedCount == total;
    }
  }

  /**
   * Loads the acked offset from Redis.
   *
   * @throws redis.clients.jedis.exceptions.JedisException if Redis is unreachable at start: the
   *     vertex fails and restarts rather than guess where to resume
   */
  public PrometheusSourcer(
      SourceSettings settings,
      StepFetcher fetcher,
      AckedOffsetStore offsetStore,
      SourceMetrics metrics,
      Clock clock,
      int partition) {
    this(settings, fetcher, offsetStore, metrics, clock, System::nanoTime, partition);
  }

  /**
   * As {@link #PrometheusSourcer(SourceSettings, StepFetcher, AckedOffsetStore, SourceMetrics,
   * Clock, int)}, with the back-off's clock given.
   *
   * @param clock wall time: which steps are ready
   * @param nanoTime monotonic clock of the failure back-off ({@code System::nanoTime}; tests pass a
   *     fake). The deadline of a read is the SDK's and always runs on {@code System.nanoTime()}.
   */
  public PrometheusSourcer(
      SourceSettings settings,
      StepFetcher fetcher,
      AckedOffsetStore offsetStore,
      SourceMetrics metrics,
      Clock clock,
      LongSupplier nanoTime,
      int partition) {
    this.settings = settings;
    this.fetcher = fetcher;
    this.offsetStore = offsetStore;
    this.metrics = metrics;
    this.clock = clock;
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.partition = partition;
    this.step = settings.stepMillis();
    long newestReady = newestReadyStep();
    OptionalLong saved = offsetStore.load();
    long resumeAt;
    if (saved.isEmpty()) {
      resumeAt = newestReady;
      LOG.info(
          "no saved offset at {}: starting at the newest ready step {}",
          offsetStore.key(),
          Instant.ofEpochMilli(resumeAt));
    } else {
      resumeAt = saved.getAsLong() + step;
      long oldestAllowed =
          newestReady - Math.floorDiv(settings.maxCatchUp().toMillis(), step) * step;
      if (resumeAt < oldestAllowed) {
        long skipped = (oldestAllowed - resumeAt) / step;
        metrics.stepsSkipped.inc(skipped);
        LOG.warn(
            "saved offset {} is older than the catch-up limit {}: skipping {} steps",
            Instant.ofEpochMilli(saved.getAsLong()),
            settings.maxCatchUp(),
            skipped);
        resumeAt = oldestAllowed;
      } else {
        LOG.info(
            "resuming after the saved offset {} (key {})",
            Instant.ofEpochMilli(saved.getAsLong()),
            offsetStore.key());
      }
    }
    this.nextStep = resumeAt;
    this.ackedThrough = resumeAt - step;
    this.savedThrough = saved.orElse(Long.MIN_VALUE);
  }

  @Override
  public void read(ReadRequest request, OutputObserver observer) {
    long deadline = System.nanoTime() + Math.max(request.getTimeout().toNanos(), 0);
    long count = request.getCount();
    long emitted = 0;
    while (emitted < count) {
      if (buffer.isEmpty() && !fetchReadySteps()) {
        if (emitted > 0 || !idleWait(deadline)) {
          break;
        }
        continue;
      }
      // Removed from the buffer only once sent: if the stream fails inside send, the message is
      // the first of the next read instead of lost.
      observer.send(buffer.peek());
      buffer.poll();
      bufferedCount = buffer.size();
      emitted++;
    }
    metrics.samplesEmitted.inc(emitted);
  }

  /**
   * Waits until the next step may be ready or the read deadline; false when the deadline passed.
   */
  private boolean idleWait(long deadlineNanos) {
    long remaining = (deadlineNanos - System.nanoTime()) / 1_000_000;
    if (remaining <= 0) {
      return false;
    }
    long untilReady = nextStep + settings.ingestionDelay().toMillis() - clock.millis();
    long untilRetry = backingOff ? (retryAtNanos - nanoTime.getAsLong()) / 1_000_000 : 0;
    long wait =
        Math.min(remaining, Math.min(MAX_IDLE_WAIT_MILLIS, Math.max(untilReady, untilRetry)));
    try {
      Thread.sleep(Math.max(wait, 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    return true;
  }

  /**
   * Fetches the ready steps after {@code nextStep} into the buffer; false when nothing was added.
   */
  private boolean fetchReadySteps() {
    if (backingOff) {
      // nanoTime values are compared by difference: their origin is arbitrary and may be negative.
      if (nanoTime.getAsLong() - retryAtNanos < 0) {
        return false;
      }
      backingOff = false;
    }
    long newestReady = newestReadyStep();
    long first = nextStep;
    if (first > newestReady) {
      return false;
    }
    int points = (int) Math.min((newestReady - first) / step + 1, settings.maxStepsPerFetch());
    StepGrid grid = new StepGrid(first, step, points);
    List<List<Sample>> perStep;
    try {
      perStep = fetcher.fetch(grid);
    } catch (PrometheusException e) {
      retryAtNanos = nanoTime.getAsLong() + settings.failureBackoff().toNanos();
      backingOff = true;
      RATE_LIMITED.warn(
          "fetch",
          "steps {}..{} not read, retrying in {}: {}",
          Instant.ofEpochMilli(grid.startMillis()),
          Instant.ofEpochMilli(grid.endMillis()),
          settings.failureBackoff(),
          e.getMessage());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (RuntimeException e) {
      // A bug must not take the gRPC server down (the SDK stops it on an uncaught exception):
      // log it, back off and try the same steps again.
      retryAtNanos = nanoTime.getAsLong() + settings.failureBackoff().toNanos();
      backingOff = true;
      RATE_LIMITED.error(
          "fetch-bug",
          "unexpected error reading steps from {}: {}",
          Instant.ofEpochMilli(grid.startMillis()),
          e.toString(),
          e);
      return false;
    }
    synchronized (acks) {
      for (int i = 0; i < points; i++) {
        long stepTime = grid.timestampAt(i);
        List<Sample> samples = perStep.get(i);
        inFlight.put(stepTime, new StepAcks(samples.size()));
        for (int index = 0; index < samples.size(); index++) {
          buffer.add(toMessage(samples.get(index), stepTime, index));
        }
        if (!samples.isEmpty()) {
          lastSamplesPerStep = samples.size();
        }
      }
      // Steps without any sample are done at once.
      advanceAckedOffset();
    }
    nextStep = grid.endMillis() + step;
    bufferedCount = buffer.size();
    return !buffer.isEmpty();
  }

  private Message toMessage(Sample sample, long stepTime, int index) {
    byte[] offset = (stepTime + ":" + index).getBytes(StandardCharsets.US_ASCII);
    return new Message(
        PayloadCodec.shared().encode(sample),
        new Offset(offset, partition),
        Instant.ofEpochMilli(sample.timestamp()),
        sample.key().toKeys());
  }

  @Override
  public void ack(AckRequest request) {
    synchronized (acks) {
      for (Offset offset : request.getOffsets()) {
        String text = new String(offset.getValue(), StandardCharsets.US_ASCII);
        int colon = text.indexOf(':');
        long stepTime;
        int index;
        try {
          stepTime = Long.parseLong(text.substring(0, colon));
          index = Integer.parseInt(text.substring(colon + 1));
        } catch (RuntimeException e) {
          RATE_LIMITED.warn(
              "bad-offset",
              "ignoring ack of an offset this source never issued: '{}'",
              LogValues.truncate(text));
          continue;
        }
        StepAcks stepAcks = inFlight.get(stepTime);
        // Already committed, or issued by an earlier process: nothing to do (idempotent).
        if (stepAcks == null || index < 0 || index >= stepAcks.total || stepAcks.acked.get(index)) {
          continue;
        }
        stepAcks.acked.set(index);
        stepAcks.ackedCount++;
      }
      advanceAckedOffset();
    }
  }

  /** Commits the contiguous run of done steps and saves the offset. Caller holds {@code acks}. */
  private void advanceAckedOffset() {
    Map.Entry<Long, StepAcks> first;
    while ((first = inFlight.firstEntry()) != null && first.getValue().complete()) {
      ackedThrough = first.getKey();
      inFlight.pollFirstEntry();
    }
    if (ackedThrough != savedThrough) {
      try {
        offsetStore.save(ackedThrough);
        savedThrough = ackedThrough;
        metrics.ackedStep.set(ackedThrough / 1000.0);
      } catch (RuntimeException e) {
        // Kept in memory and saved with the next ack; a crash before that re-reads these steps.
        metrics.offsetStoreErrors.inc();
        RATE_LIMITED.warn("offset-save", "cannot save the acked offset to Redis: {}", e.toString());
      }
    }
  }

  /**
   * Messages waiting to be read: the buffered ones plus, for every ready step not fetched yet, the
   * number of samples the last non-empty step had (an estimate: keys come and go).
   */
  @Override
  public long getPending() {
    long newestReady = newestReadyStep();
    long unfetchedSteps = Math.max(0, (newestReady - nextStep) / step + 1);
    // Before the first fetch the number of keys is unknown; count at least one message per step so
    // that a backlog is never reported as "nothing pending".
    return bufferedCount + unfetchedSteps * Math.max(lastSamplesPerStep, 1);
  }

  @Override
  public List<Integer> getPartitions() {
    return List.of(partition);
  }

  /** The acked offset (newest fully acknowledged step), epoch ms. */
  public long ackedOffset() {
    synchronized (acks) {
      return ackedThrough;
    }
  }

  /** The next step to be fetched, epoch ms. */
  public long nextStep() {
    return nextStep;
  }

  private long newestReadyStep() {
    long readyBefore = clock.millis() - settings.ingestionDelay().toMillis();
    return Math.floorDiv(readyBefore, step) * step;
  }

  /** The partition Numaflow assigned to this replica ({@code NUMAFLOW_REPLICA}, default 0). */
  public static int defaultPartition() {
    return Sourcer.defaultPartitions().get(0);
  }
}
