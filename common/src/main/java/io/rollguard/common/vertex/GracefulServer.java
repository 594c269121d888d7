package io.rollguard.common.vertex;

import java.util.Objects;

/**
 * A server a vertex runs until shutdown: the numaflow-java SDK servers ({@code start()} and {@code
 * stop()}), or anything with the same life cycle.
 *
 * <p>The SDK's servers do not implement it, so vertices adapt theirs with {@code
 * GracefulServer.of(server::start, server::stop)}.
 */
public interface GracefulServer {

  /** Binds and starts serving; returns once the server accepts requests. */
  void start() throws Exception;

  /** Stops accepting new work and finishes in-flight work; may block. */
  void stop() throws Exception;

  /**
   * A step of a server's life cycle that may throw, as the SDK's {@code start()}/{@code stop()} do.
   */
  @FunctionalInterface
  interface Action {
    void run() throws Exception;
  }

  /** Adapts a pair of method references, e.g. {@code of(server::start, server::stop)}. */
  static GracefulServer of(Action start, Action stop) {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(stop, "stop");
    return new GracefulServer() {
      @Override
      public void start() throws Exception {
        start.run();
      }

      @Override
      public void stop() throws Exception {
        stop.run();
      }
    };
  }
}
