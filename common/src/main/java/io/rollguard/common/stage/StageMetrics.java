package io.rollguard.common.stage;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.LogValues;
import io.rollguard.common.payload.PayloadCodec;
import io.rollguard.common.payload.PayloadException;
import io.rollguard.common.payload.ScoringKey;
import io.rollguard.common.vertex.RateLimitedLog;
import io.rollguard.common.vertex.ScoringKeyMdc;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The counters and the problem log of one scoring vertex: {@code rollguard_<vertex>_messages_total
 * {outcome}} (every accepted outcome and every {@code rejected_<reason>}, all exported from the
 * start so rates see 0 rather than no data) and {@code rollguard_<vertex>_processing_seconds}.
 * Labels are bounded sets, never per-entity values: the scoring key goes into the log line's MDC.
 *
 * <p>A rejected message is logged at most once per (vertex, reason) and minute, whatever its
 * subject: a limit keyed on the subject (raw message keys) was defeated by distinct bad keys. The
 * count of suppressed lines is carried by the next one ({@link RateLimitedLog}); quoted values are
 * truncated ({@link LogValues}).
 */
public final class StageMetrics {

  /** How often one reason may be logged. */
  public static final Duration LOG_INTERVAL = Duration.ofMinutes(1);

  /** Outcome of a message whose handling threw (a bug); see {@link #failed}. */
  public static final String FAILED_INTERNAL = "failed_internal";

  private final String counterName;
  private final Counter messages;
  private final Histogram latency;
  private final RateLimitedLog problems;

  public StageMetrics(String vertex, List<String> acceptedOutcomes, PrometheusRegistry registry) {
    Objects.requireNonNull(vertex, "vertex");
    Objects.requireNonNull(registry, "registry");
    this.counterName = "rollguard_" + vertex + "_messages_total";
    this.messages =
        Counter.builder()
            .name(counterName)
            .help(
                "Messages handled by "
                    + vertex
                    + ", by outcome (accepted paths and rejected_<reason>)")
            .labelNames("outcome")
            .register(registry);
    this.latency =
        Histogram.builder()
            .name("rollguard_" + vertex + "_processing_seconds")
            .help("Time to handle one message in " + vertex + ", decoding to encoding")
            .classicUpperBounds(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 1)
            .register(registry);
    for (String outcome : acceptedOutcomes) {
      messages.initLabelValues(outcome);
    }
    for (Rejection rejection : Rejection.values()) {
      messages.initLabelValues(rejection.outcomeLabel());
    }
    messages.initLabelValues(FAILED_INTERNAL);
    Logger logger = LoggerFactory.getLogger("io.rollguard." + vertex);
    this.problems = RateLimitedLog.perKey(logger, LOG_INTERVAL);
  }

  public void count(String outcome) {
    messages.labelValues(outcome).inc();
  }

  public void observeSeconds(double seconds) {
    latency.observe(seconds);
  }

  /**
   * Counts and logs (rate-limited) a dropped message.
   *
   * @param subject what the message was about, for the log: the scoring key, or the raw message
   *     keys
   * @param key the scoring key when known (goes into the MDC), else null
   */
  public void rejected(Rejection reason, String detail, String subject, ScoringKey key) {
    count(reason.outcomeLabel());
    Runnable log =
        () ->
            problems.warn(
                reason.outcomeLabel(),
                "dropped a message for {} ({}): {} (counted in {})",
                subject,
                reason,
                detail,
                counterName);
    if (key == null) {
      log.run();
    } else {
      ScoringKeyMdc.run(key, log);
    }
  }

  /**
   * Counts ({@value #FAILED_INTERNAL}) and logs at ERROR (rate-limited, with the stack trace) a
   * message whose handling threw: a bug, not bad input. The vertex drops the message rather than
   * let the exception stop the SDK's gRPC server, which would make Numaflow restart the container
   * and re-send the same message into the same bug.
   */
  public void failed(RuntimeException e, String subject, ScoringKey key) {
    count(FAILED_INTERNAL);
    Runnable log =
        () ->
            problems.error(
                FAILED_INTERNAL,
                "dropped a message for {} after an internal error (counted in {})",
                subject,
                counterName,
                e);
    if (key == null) {
      log.run();
    } else {
      ScoringKeyMdc.run(key, log);
    }
  }

  /**
   * Runs one message's handling: times it, and turns an exception (a bug) into {@link #failed} plus
   * {@code onFailure}, so it never reaches the SDK's gRPC server. Every map vertex calls this once
   * per message.
   */
  public <R> R handle(String[] keys, Supplier<R> body, Supplier<R> onFailure) {
    long started = System.nanoTime();
    try {
      return body.get();
    } catch (RuntimeException e) {
      failed(e, LogValues.keys(keys), null);
      return onFailure.get();
    } finally {
      observeSeconds((System.nanoTime() - started) / 1e9);
    }
  }

  /**
   * Decodes a vertex's input and checks that the message keys are its scoring key; a failure of
   * either is counted and logged here, and answered with empty (the caller drops the message).
   */
  public <T> Optional<T> decodeInput(
      byte[] value, String[] keys, Class<T> type, Function<T, ScoringKey> keyOf) {
    T input;
    try {
      input = PayloadCodec.shared().decode(value, type);
    } catch (PayloadException e) {
      rejected(Rejection.of(e), e.getMessage(), LogValues.keys(keys), null);
      return Optional.empty();
    }
    Optional<StageResult.Rejected<Object>> wrongKeys =
        ScoringShape.checkKeys(keys, keyOf.apply(input));
    if (wrongKeys.isPresent()) {
      rejected(wrongKeys.get().reason(), wrongKeys.get().detail(), LogValues.keys(keys), null);
      return Optional.empty();
    }
    return Optional.of(input);
  }
}
