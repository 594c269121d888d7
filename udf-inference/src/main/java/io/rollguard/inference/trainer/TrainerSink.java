package io.rollguard.inference.trainer;

import io.numaproj.numaflow.sinker.Datum;
import io.numaproj.numaflow.sinker.DatumIterator;
import io.numaproj.numaflow.sinker.Response;
import io.numaproj.numaflow.sinker.ResponseList;
import io.numaproj.numaflow.sinker.Sinker;
import io.rollguard.common.LogValues;
import io.rollguard.common.payload.PayloadCodec;
import io.rollguard.common.payload.PayloadException;
import io.rollguard.common.payload.TrainRequest;
import io.rollguard.common.registry.EntityId;
import io.rollguard.common.stage.Rejection;
import io.rollguard.common.vertex.RateLimitedLog;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer vertex: a user-defined sink (the vertex has no outgoing edge) that hands each {@code
 * TrainRequest} to the {@link TrainingService} and acknowledges it at once.
 *
 * <p>Every request is answered {@code OK}, including the ones deliberately not acted on (lease held
 * by another replica, back-off, already in flight, a fresh bundle exists, this pod busy) and
 * undecodable ones (counted by reason and logged). Why: a failure response makes Numaflow re-send
 * the same message, by default every millisecond for ever, which would turn a "someone else is
 * training" into a hot loop against Redis; the skip is the intended result. Requests are idempotent
 * and re-sent anyway: inference asks again for an entity after {@code training.retryBackoff} while
 * it still has no fresh model, so a request lost with a crashed trainer pod costs one interval.
 *
 * <p>Training runs in the service's bounded pool, never on the SDK's sink thread, so a batch is
 * acknowledged in microseconds and the train edge never backs up into inference.
 */
public final class TrainerSink extends Sinker {

  private static final Logger LOG = LoggerFactory.getLogger(TrainerSink.class);

  private final TrainingService service;
  private final TrainerMetrics metrics;
  private final PayloadCodec codec = PayloadCodec.shared();
  private final RateLimitedLog problems = RateLimitedLog.perKey(LOG, Duration.ofMinutes(1));

  public TrainerSink(TrainingService service, TrainerMetrics metrics) {
    this.service = Objects.requireNonNull(service, "service");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  @Override
  public ResponseList processMessages(DatumIterator datums) {
    ResponseList.ResponseListBuilder responses = ResponseList.newBuilder();
    while (true) {
      Datum datum;
      try {
        datum = datums.next();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      if (datum == null) {
        break;
      }
      handle(datum);
      responses.addResponse(Response.responseOK(datum.getId()));
    }
    return responses.build();
  }

  private void handle(Datum datum) {
    TrainRequest request;
    try {
      request = codec.decode(datum.getValue(), TrainRequest.class);
    } catch (PayloadException e) {
      reject(Rejection.of(e), LogValues.keys(datum.getKeys()), e.getMessage());
      return;
    }
    EntityId entity;
    try {
      entity = new EntityId(request.namespace(), request.app());
    } catch (IllegalArgumentException e) {
      reject(Rejection.UNKNOWN_ENTITY, LogValues.truncate(request.entity()), e.getMessage());
      return;
    }
    service.submit(entity);
  }

  private void reject(Rejection reason, String subject, String detail) {
    metrics.rejected(reason);
    problems.warn(
        reason.outcomeLabel(),
        "ignored a train request for {} ({}): {} (counted in {})",
        subject,
        reason,
        detail,
        TrainerMetrics.REQUESTS);
  }
}
