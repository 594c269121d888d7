package io.rollguard.common.vertex.batchmap;

import io.numaproj.numaflow.batchmapper.BatchMapper;
import io.numaproj.numaflow.batchmapper.BatchResponse;
import io.numaproj.numaflow.batchmapper.BatchResponses;
import io.numaproj.numaflow.batchmapper.DatumIterator;
import io.numaproj.numaflow.mapper.Datum;
import io.numaproj.numaflow.mapper.Mapper;
import io.numaproj.numaflow.mapper.Message;
import io.numaproj.numaflow.mapper.MessageList;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Serves a per-message {@link Mapper} as a {@link BatchMapper}: each message of a batch goes
 * through the mapper's own {@code processMessage}, one after the other on the batch's thread, and
 * gets its own response (the mapper's messages, tags included, so a drop stays a drop). The
 * mapper's semantics are unchanged: it decides each message's outcome and counts it; a malformed
 * message gets its counted drop and the rest of the batch goes on. Only an exception the mapper
 * itself lets escape fails the batch, as it would have stopped the unary server.
 */
public final class PerMessageBatchMapper extends BatchMapper {

  private final Mapper mapper;

  public PerMessageBatchMapper(Mapper mapper) {
    this.mapper = Objects.requireNonNull(mapper, "mapper");
  }

  @Override
  public BatchResponses processMessage(DatumIterator datums) {
    BatchResponses responses = new BatchResponses();
    io.numaproj.numaflow.batchmapper.Datum datum;
    while ((datum = next(datums)) != null) {
      MessageList out = mapper.processMessage(datum.getKeys(), new MapDatum(datum));
      BatchResponse response = new BatchResponse(datum.getId());
      for (Message message : out.getMessages()) {
        response.append(
            new io.numaproj.numaflow.batchmapper.Message(
                message.getValue(), message.getKeys(), message.getTags()));
      }
      responses.append(response);
    }
    return responses;
  }

  /**
   * The next message of the batch, or null at its end. Interrupted (the server is stopping), the
   * batch fails as a whole rather than answering only part of it, which numa would take for a bug.
   */
  private static io.numaproj.numaflow.batchmapper.Datum next(DatumIterator datums) {
    try {
      return datums.next();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading a batch", e);
    }
  }

  /** A batch datum as the per-message mapper reads it (the keys are passed separately). */
  private record MapDatum(io.numaproj.numaflow.batchmapper.Datum datum) implements Datum {
    @Override
    public byte[] getValue() {
      return datum.getValue();
    }

    @Override
    public Instant getEventTime() {
      return datum.getEventTime();
    }

    @Override
    public Instant getWatermark() {
      return datum.getWatermark();
    }

    @Override
    public Map<String, String> getHeaders() {
      return datum.getHeaders();
    }
  }
}
