package io.rollguard.store;

import io.numaproj.numaflow.sinker.Datum;
import io.numaproj.numaflow.sinker.DatumIterator;
import io.numaproj.numaflow.sinker.Response;
import io.numaproj.numaflow.sinker.ResponseList;
import io.numaproj.numaflow.sinker.Sinker;
import io.rollguard.common.LogValues;
import io.rollguard.common.payload.AnomalyRecord;
import io.rollguard.common.payload.PayloadCodec;
import io.rollguard.common.payload.PayloadException;
import io.rollguard.common.vertex.RateLimitedLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * The Numaflow user-defined sink of the anomaly store.
 *
 * <p>Exactly one response per datum id: {@code OK} only for a record the store (Redis in the
 * vertex, {@link InMemoryAnomalyStore} in the local runner) confirmed, a failure with the reason
 * for every record that was not written (Numaflow retries it), and for a malformed record the
 * {@link MalformedRecordPolicy}. Records are written in chunks of {@code chunkSize} as they arrive,
 * so a Redis outage in the middle of a batch fails only the records after it.
 */
public final class AnomalyStoreSink extends Sinker {

  public static final int DEFAULT_CHUNK_SIZE = 100;

  /** Malformed reason of a record whose metrics are not the configured ones. */
  static final String METRIC_MISMATCH = "metric_mismatch";

  private static final RateLimitedLog LOG =
      RateLimitedLog.perKey(LoggerFactory.getLogger(AnomalyStoreSink.class), Duration.ofMinutes(1));

  private final ScoreWriter writer;
  private final Set<String> configuredMetrics;
  private final MalformedRecordPolicy malformedPolicy;
  private final StoreMetrics metrics;
  private final int chunkSize;

  /**
   * @param configuredMetrics the configuration's metric names: a record must score exactly these
   *     (the codec checks the record alone; only the vertex knows the configuration)
   */
  public AnomalyStoreSink(
      ScoreWriter writer,
      List<String> configuredMetrics,
      MalformedRecordPolicy malformedPolicy,
      StoreMetrics metrics,
      int chunkSize) {
    if (chunkSize < 1) {
      throw new IllegalArgumentException("chunkSize must be >= 1, got " + chunkSize);
    }
    this.writer = writer;
    this.configuredMetrics = Set.copyOf(configuredMetrics);
    this.malformedPolicy = malformedPolicy;
    this.metrics = metrics;
    this.chunkSize = chunkSize;
  }

  @Override
  public ResponseList processMessages(DatumIterator datums) {
    List<Response> responses = new ArrayList<>();
    List<String> chunkIds = new ArrayList<>(chunkSize);
    List<AnomalyRecord> chunk = new ArrayList<>(chunkSize);
    while (true) {
      Datum datum;
      try {
        datum = datums.next();
      } catch (InterruptedException e) {
        // Every datum read so far still gets its answer; the rest were never ours to answer.
        Thread.currentThread().interrupt();
        break;
      }
      if (datum == null) {
        break;
      }
      AnomalyRecord record;
      try {
        record = PayloadCodec.shared().decode(datum.getValue(), AnomalyRecord.class);
      } catch (PayloadException e) {
        responses.add(
            malformed(datum.getId(), e.reason().name().toLowerCase(Locale.ROOT), e.getMessage()));
        continue;
      }
      if (!configuredMetrics.equals(record.metricScores().keySet())) {
        // Another configuration's scores (a rolled config, a stray producer) would become /metrics
        // series and verdict inputs that no metric of this one explains.
        responses.add(
            malformed(
                datum.getId(),
                METRIC_MISMATCH,
                "metricScores names "
                    + LogValues.truncate(record.metricScores().keySet())
                    + ", configured metrics are "
                    + LogValues.truncate(configuredMetrics)));
        continue;
      }
      chunkIds.add(datum.getId());
      chunk.add(record);
      if (chunk.size() >= chunkSize) {
        flush(chunkIds, chunk, responses);
      }
    }
    flush(chunkIds, chunk, responses);
    return ResponseList.newBuilder().addResponses(responses).build();
  }

  private void flush(List<String> ids, List<AnomalyRecord> chunk, List<Response> responses) {
    if (chunk.isEmpty()) {
      return;
    }
    List<ScoreWriter.Outcome> outcomes = writer.write(chunk);
    for (int i = 0; i < outcomes.size(); i++) {
      ScoreWriter.Outcome outcome = outcomes.get(i);
      if (outcome.written()) {
        responses.add(Response.responseOK(ids.get(i)));
        metrics.records.labelValues("written").inc();
      } else {
        responses.add(Response.responseFailure(ids.get(i), outcome.error()));
        metrics.records.labelValues("failed").inc();
        LOG.warn(
            "write-failed", "records not written, Numaflow will retry them: {}", outcome.error());
      }
    }
    ids.clear();
    chunk.clear();
  }

  private Response malformed(String id, String reason, String detail) {
    metrics.records.labelValues("malformed").inc();
    metrics.malformed.labelValues(reason).inc();
    LOG.warn(
        "malformed:" + reason,
        "malformed anomaly record {} ({}), answered {}: {}",
        id,
        reason,
        malformedPolicy,
        detail);
    return malformedPolicy == MalformedRecordPolicy.FALLBACK
        ? Response.responseFallback(id)
        : Response.responseFailure(id, "malformed AnomalyRecord: " + detail);
  }
}
