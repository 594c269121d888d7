package io.rollguard.cli.run;

import io.numaproj.numaflow.mapper.Mapper;
import io.numaproj.numaflow.mapper.Message;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A map vertex of the local pipeline: calls the vertex's own {@link Mapper} with the message's keys
 * and a datum, as the SDK's server does, and turns its output into edge messages. A message tagged
 * {@link Message#DROP} is dropped, as Numaflow does; the output keeps the input's event time.
 */
final class MapStep {

  private final String name;
  private final Mapper mapper;
  private long in;
  private long out;
  private long dropped;

  MapStep(String name, Mapper mapper) {
    this.name = Objects.requireNonNull(name, "name");
    this.mapper = Objects.requireNonNull(mapper, "mapper");
  }

  List<LocalMessage> process(LocalMessage message, Instant watermark) {
    in++;
    List<LocalMessage> result = new ArrayList<>(2);
    LocalDatum datum = new LocalDatum(name + "-" + in, message, watermark);
    for (Message m : mapper.processMessage(message.keys(), datum).getMessages()) {
      if (m.getTags() != null && Arrays.asList(m.getTags()).contains(Message.DROP)) {
        dropped++;
        continue;
      }
      out++;
      result.add(
          new LocalMessage(
              m.getKeys() == null ? new String[0] : m.getKeys(),
              m.getValue(),
              m.getTags(),
              message.eventTimeMillis()));
    }
    return result;
  }

  String name() {
    return name;
  }

  long in() {
    return in;
  }

  long out() {
    return out;
  }

  long dropped() {
    return dropped;
  }
}
