package io.rollguard.cli.run;

import java.time.Instant;
import java.util.Map;

/**
 * One datum as the SDK hands it to a handler, for the map, reduce and sink interfaces at once (they
 * declare the same accessors). The local pipeline calls the vertices' handler classes with it
 * directly instead of through gRPC.
 */
record LocalDatum(String id, LocalMessage message, Instant watermark)
    implements io.numaproj.numaflow.mapper.Datum,
        io.numaproj.numaflow.reducer.Datum,
        io.numaproj.numaflow.sinker.Datum {

  @Override
  public String getId() {
    return id;
  }

  @Override
  public String[] getKeys() {
    return message.keys();
  }

  @Override
  public byte[] getValue() {
    return message.value();
  }

  @Override
  public Instant getEventTime() {
    return Instant.ofEpochMilli(message.eventTimeMillis());
  }

  @Override
  public Instant getWatermark() {
    return watermark;
  }

  @Override
  public Map<String, String> getHeaders() {
    return Map.of();
  }
}
