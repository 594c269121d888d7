package io.rollguard.cli.run;

import io.numaproj.numaflow.sinker.Datum;
import io.numaproj.numaflow.sinker.DatumIterator;
import io.numaproj.numaflow.sinker.Response;
import io.numaproj.numaflow.sinker.Sinker;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * A sink vertex of the local pipeline: hands a batch to the vertex's own {@link Sinker}, as the SDK
 * does, and checks that every datum got exactly one answer. A failure answer is kept (Numaflow
 * would retry it; the local run reports it instead of looping).
 */
final class SinkStep {

  private final Sinker sinker;
  private long written;
  private long failed;
  private String lastError;
  private long ids;

  SinkStep(Sinker sinker) {
    this.sinker = Objects.requireNonNull(sinker, "sinker");
  }

  void write(List<LocalMessage> batch, Instant watermark) {
    if (batch.isEmpty()) {
      return;
    }
    List<String> sent = new ArrayList<>(batch.size());
    Iterator<LocalMessage> messages = batch.iterator();
    DatumIterator datums =
        new DatumIterator() {
          @Override
          public Datum next() {
            if (!messages.hasNext()) {
              return null;
            }
            String id = "sink-" + ++ids;
            sent.add(id);
            return new LocalDatum(id, messages.next(), watermark);
          }
        };
    List<Response> responses = sinker.processMessages(datums).getResponses();
    if (responses.size() != sent.size()) {
      throw new IllegalStateException(
          "the sink answered " + responses.size() + " of " + sent.size() + " datums");
    }
    for (Response r : responses) {
      if (Boolean.TRUE.equals(r.getSuccess())) {
        written++;
      } else {
        failed++;
        lastError = r.getErr();
      }
    }
  }

  long written() {
    return written;
  }

  long failed() {
    return failed;
  }

  /** The last failure's reason, or null. */
  String lastError() {
    return lastError;
  }
}
