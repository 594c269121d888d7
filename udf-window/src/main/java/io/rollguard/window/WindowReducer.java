package io.rollguard.window;

import io.numaproj.numaflow.reducer.Datum;
import io.numaproj.numaflow.reducer.Message;
import io.numaproj.numaflow.reducer.MessageList;
import io.numaproj.numaflow.reducer.Metadata;
import io.numaproj.numaflow.reducer.Reducer;
import io.rollguard.common.LogValues;
import io.rollguard.common.payload.PayloadCodec;
import io.rollguard.common.payload.PayloadException;
import io.rollguard.common.payload.Sample;
import io.rollguard.common.payload.ScoringKey;
import io.rollguard.common.vertex.RateLimitedLog;
import io.rollguard.common.vertex.ScoringKeyMdc;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One scoring key's samples in one sliding window. The SDK creates one instance per (window, key
 * set) and serialises the calls on it.
 *
 * <p>{@link #addMessage} only decodes, checks and collects (O(1) amortised besides decoding), since
 * every sample is handed to {@code lengthSteps} windows; all ordering, snapping and filling happens
 * once in {@link #getOutput} via the {@link WindowAssembler}. A malformed message is counted,
 * logged (once per reason and period, values truncated) and skipped; it never fails the window.
 */
public final class WindowReducer extends Reducer {

  private final WindowAssembler assembler;
  private final SampleValidator validator;
  private final WindowMetrics metrics;
  private final RateLimitedLog problemLog;
  private final WindowSpecGuard guard;
  private final PayloadCodec codec = PayloadCodec.shared();

  private final List<Sample> samples = new ArrayList<>();
  private ScoringKey routedKey;
  private boolean keysParsed;
  private boolean windowChecked;

  WindowReducer(
      WindowAssembler assembler,
      SampleValidator validator,
      WindowMetrics metrics,
      RateLimitedLog problemLog,
      WindowSpecGuard guard) {
    this.assembler = assembler;
    this.validator = validator;
    this.metrics = metrics;
    this.problemLog = problemLog;
    this.guard = guard;
  }

  @Override
  public void addMessage(String[] keys, Datum datum, Metadata md) {
    if (!windowChecked) {
      // The window's spec is known from the first message on; a mismatch stops the vertex there.
      windowChecked = true;
      guard.check(
          md.getIntervalWindow().getStartTime().toEpochMilli(),
          md.getIntervalWindow().getEndTime().toEpochMilli());
    }
    ScoringKey key = routedKey(keys);
    if (key == null) {
      reject(
          SampleRejection.INVALID_MESSAGE_KEYS,
          LogValues.keys(keys),
          "message keys are not [namespace, app, role, pod_template_hash]");
      return;
    }
    Sample sample;
    try {
      sample = codec.decode(datum.getValue(), Sample.class);
    } catch (PayloadException e) {
      reject(SampleRejection.of(e.reason()), LogValues.keys(keys), e.getMessage());
      return;
    }
    Optional<SampleRejection> rejection = validator.check(sample, key);
    if (rejection.isPresent()) {
      reject(rejection.get(), LogValues.keys(keys), describe(rejection.get(), sample));
      return;
    }
    samples.add(sample);
    metrics.sampleAccepted();
  }

  @Override
  public MessageList getOutput(String[] keys, Metadata md) {
    long start = md.getIntervalWindow().getStartTime().toEpochMilli();
    long end = md.getIntervalWindow().getEndTime().toEpochMilli();
    ScoringKey key = routedKey(keys);
    AssemblyResult result =
        samples.isEmpty() || key == null
            ? new AssemblyResult.Dropped(
                DropReason.EMPTY,
                "no usable sample in the window",
                new AssemblyStats(0, 0, 0, 0, 0, 0, 0))
            : assembler.assemble(key, start, end, samples);
    metrics.samplesDiscarded(result.stats());
    if (result instanceof AssemblyResult.Emitted emitted) {
      metrics.windowEmitted();
      return MessageList.newBuilder()
          .addMessage(new Message(codec.encode(emitted.window()), key.toKeys()))
          .build();
    }
    AssemblyResult.Dropped dropped = (AssemblyResult.Dropped) result;
    metrics.windowDropped(dropped.reason());
    String subject = LogValues.keys(keys);
    String logKey = dropped.reason().name();
    String format = "window [{}, {}) of {} dropped ({}): {} (counted in {})";
    Object[] args = {
      start, end, subject, dropped.reason(), dropped.detail(), WindowMetrics.WINDOWS
    };
    // Sparse data is part of normal operation; a window that does not fit the grid is a
    // configuration error (pipeline spec vs. window settings).
    withKeyInMdc(
        key,
        () -> {
          if (dropped.reason() == DropReason.WINDOW_MISMATCH) {
            problemLog.warn(logKey, format, args);
          } else {
            problemLog.info(logKey, format, args);
          }
        });
    return MessageList.newBuilder().addMessage(Message.toDrop()).build();
  }

  /** The scoring key of this reducer's key set, parsed once; null if the keys are not one. */
  private ScoringKey routedKey(String[] keys) {
    if (!keysParsed) {
      keysParsed = true;
      try {
        routedKey = ScoringKey.fromKeys(keys);
      } catch (IllegalArgumentException | NullPointerException e) {
        routedKey = null;
      }
    }
    return routedKey;
  }

  private void reject(SampleRejection rejection, String subject, String detail) {
    metrics.sampleRejected(rejection);
    withKeyInMdc(
        routedKey,
        () ->
            problemLog.warn(
                rejection.name(),
                "skipped a sample for {} ({}): {} (counted in {})",
                subject,
                rejection,
                detail,
                WindowMetrics.SAMPLES));
  }

  /** Logs with the scoring key in the MDC (JSON log field {@code mdc}) when there is one. */
  private static void withKeyInMdc(ScoringKey key, Runnable logCall) {
    if (key == null) {
      logCall.run();
      return;
    }
    ScoringKeyMdc mdc = ScoringKeyMdc.put(key);
    try {
      logCall.run();
    } finally {
      mdc.close();
    }
  }

  private String describe(SampleRejection rejection, Sample sample) {
    return switch (rejection) {
      case KEY_MISMATCH ->
          "sample key " + LogValues.keys(sample.key().toKeys()) + " differs from its message keys";
      case UNKNOWN_METRIC ->
          "sample metrics "
              + LogValues.truncate(sample.values().keySet())
              + " include names not in the configured metrics "
              + assembler.metrics();
      default -> rejection.name();
    };
  }
}
