package io.rollguard.cli.run;

import java.util.Arrays;
import java.util.Objects;

/**
 * A message on an edge of the local pipeline, what Numaflow carries between vertices: keys, the
 * encoded payload, tags (for conditional forwarding) and the event time.
 */
record LocalMessage(String[] keys, byte[] value, String[] tags, long eventTimeMillis) {

  LocalMessage {
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(value, "value");
    tags = tags == null ? new String[0] : tags;
  }

  boolean hasTag(String tag) {
    return Arrays.asList(tags).contains(tag);
  }

  @Override
  public String toString() {
    return "LocalMessage[keys="
        + Arrays.toString(keys)
        + ", tags="
        + Arrays.toString(tags)
        + ", bytes="
        + value.length
        + ", eventTime="
        + eventTimeMillis
        + "]";
  }

  // Records compare arrays by reference; messages are compared by content in tests.
  @Override
  public boolean equals(Object o) {
    return o instanceof LocalMessage m
        && Arrays.equals(keys, m.keys)
        && Arrays.equals(value, m.value)
        && Arrays.equals(tags, m.tags)
        && eventTimeMillis == m.eventTimeMillis;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        Arrays.hashCode(keys), Arrays.hashCode(value), Arrays.hashCode(tags), eventTimeMillis);
  }
}
