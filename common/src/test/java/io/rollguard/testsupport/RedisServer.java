package io.rollguard.testsupport;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real {@code redis-server} on a free loopback port with its own temp dir, no persistence. {@link
 * #stop()} and {@link #restart()} (same port) simulate an outage.
 *
 * <pre>{@code
 * try (RedisServer redis = RedisServer.start()) { ... redis.url() ... }
 * }</pre>
 */
public final class RedisServer implements AutoCloseable {

  /**
   * Found on the PATH (or through {@code ROLLGUARD_REDIS_SERVER_BIN}), see {@link
   * ExternalBinary#require}.
   */
  public static final String BINARY = "redis-server";

  private final Path binary;
  private final Path dir;
  private final int port;
  private final List<String> options = new ArrayList<>();
  private final String password;
  private final SelfSignedCertificate tls;
  private Process process;

  private RedisServer(String password, boolean tls) throws IOException {
    this.binary = ExternalBinary.require(BINARY);
    this.dir = Files.createTempDirectory("rollguard-redis-");
    this.port = ExternalBinary.freePort();
    this.password = password;
    this.tls = tls ? SelfSignedCertificate.generate(dir.resolve("tls")) : null;
  }

  /** Starts an unauthenticated server. */
  public static RedisServer start() {
    return start(null);
  }

  /** Starts a server that requires {@code password} for the default user (null: none). */
  public static RedisServer start(String password) {
    return start(password, false);
  }

  /**
   * Starts a server that accepts only TLS connections (no client certificates), with a fresh
   * self-signed certificate ({@link #certificate()}); {@link #url()} is then {@code rediss://}.
   */
  public static RedisServer startTls() {
    return start(null, true);
  }

  /** Starts an unauthenticated server with extra command-line options (e.g. cluster mode). */
  public static RedisServer startWith(String... options) {
    RedisServer server = start(null, false, List.of(options));
    return server;
  }

  private static RedisServer start(String password, boolean tls) {
    return start(password, tls, List.of());
  }

  private static RedisServer start(String password, boolean tls, List<String> options) {
    try {
      RedisServer server = new RedisServer(password, tls);
      server.options.addAll(options);
      server.launch();
      return server;
    } catch (IOException e) {
      throw new IllegalStateException("cannot prepare redis-server", e);
    }
  }

  public int port() {
    return port;
  }

  /** {@code redis://127.0.0.1:<port>} ({@code rediss://} for TLS; no credentials). */
  public URI url() {
    return URI.create((tls == null ? "redis" : "rediss") + "://127.0.0.1:" + port);
  }

  /** The server's self-signed certificate (also its CA), or null without TLS. */
  public SelfSignedCertificate certificate() {
    return tls;
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Stops the server (SIGTERM, wait); clients see connection failures until {@link #restart()}. */
  public void stop() {
    ExternalBinary.stop(process);
    long deadline = System.currentTimeMillis() + 5_000;
    while (ExternalBinary.portOpen(port) && System.currentTimeMillis() < deadline) {
      sleep(20);
    }
  }

  /** Starts the server again on the same port (empty: nothing is persisted). */
  public void restart() {
    stop();
    launch();
  }

  private void launch() {
    List<String> command =
        new ArrayList<>(
            List.of(
                binary.toString(),
                "--port",
                tls == null ? Integer.toString(port) : "0",
                "--bind",
                "127.0.0.1",
                "--dir",
                dir.toString(),
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no"));
    if (password != null) {
      command.addAll(List.of("--requirepass", password));
    }
    command.addAll(options);
    if (tls != null) {
      command.addAll(
          List.of(
              "--tls-port", Integer.toString(port),
              "--tls-cert-file", tls.certFile().toString(),
              "--tls-key-file", tls.keyFile().toString(),
              "--tls-auth-clients", "no"));
    }
    Path log = dir.resolve("redis.log");
    process = ExternalBinary.launch(command, log);
    long deadline = System.currentTimeMillis() + 10_000;
    while (!ExternalBinary.portOpen(port)) {
      if (!process.isAlive() || System.currentTimeMillis() > deadline) {
        ExternalBinary.stop(process);
        throw new IllegalStateException(
            "redis-server did not start on port " + port + ":\n" + ExternalBinary.tail(log));
      }
      sleep(20);
    }
  }

  @Override
  public void close() {
    ExternalBinary.stop(process);
    ExternalBinary.deleteRecursively(dir);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
