package io.rollguard.cli.bench;

import java.util.Locale;

/** Which of the SDK's map servers a vertex runs behind, and so how numa drives it. */
enum MapMode {
  /**
   * The SDK's batch-map server (what the scoring vertices run): numa sends a batch of up to {@code
   * limits.readBatchSize} requests and an end-of-transmission marker, waits for one response per
   * request and the server's end-of-transmission, then sends the next batch.
   */
  BATCH,
  /**
   * The SDK's unary Mapper server: numa keeps up to {@code limits.readBatchSize} requests in flight
   * on the stream and refills as responses arrive.
   */
  UNARY;

  static MapMode of(String label) {
    for (MapMode m : values()) {
      if (m.label().equals(label)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown map mode '" + label + "': use batch or unary");
  }

  String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
