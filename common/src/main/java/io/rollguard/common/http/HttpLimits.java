package io.rollguard.common.http;

import java.time.Duration;
import java.util.Objects;

/**
 * What one client, or many, may cost an HTTP endpoint of a vertex: the bounds {@link
 * BoundedHttpServer} enforces.
 *
 * @param maxThreads handler threads (Jetty's pool, acceptor and selector included); a slow client
 *     holds none of them while its request header trickles in
 * @param maxConnections open connections at most; beyond it new connections wait in the kernel's
 *     accept queue, and idle ones are closed sooner ({@link
 *     BoundedHttpServer#AT_LIMIT_IDLE_TIMEOUT})
 * @param idleTimeout a connection with no byte in either direction for this long is closed (this
 *     also ends a request header that stalls)
 * @param headerTimeout a connection must deliver its first complete request header within this long
 *     after it was accepted, however it trickles (slowloris), or it is closed
 * @param maxRequestHeaderBytes request line plus headers; larger requests get 431
 */
public record HttpLimits(
    int maxThreads,
    int maxConnections,
    Duration idleTimeout,
    Duration headerTimeout,
    int maxRequestHeaderBytes) {

  /** Jetty needs an acceptor, a selector and at least a few workers. */
  public static final int MIN_THREADS = 6;

  /** The bounds of every vertex's own operational {@code /metrics}: one scraper or two. */
  public static final HttpLimits VERTEX_METRICS =
      new HttpLimits(8, 64, Duration.ofSeconds(30), Duration.ofSeconds(10), 8 * 1024);

  public HttpLimits {
    if (maxThreads < MIN_THREADS) {
      throw new IllegalArgumentException(
          "maxThreads must be >= " + MIN_THREADS + ", got " + maxThreads);
    }
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections must be >= 1, got " + maxConnections);
    }
    requirePositive(idleTimeout, "idleTimeout");
    requirePositive(headerTimeout, "headerTimeout");
    if (maxRequestHeaderBytes < 1024) {
      throw new IllegalArgumentException(
          "maxRequestHeaderBytes must be >= 1024, got " + maxRequestHeaderBytes);
    }
  }

  private static void requirePositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be > 0, got " + d);
    }
  }
}
