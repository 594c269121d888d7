package io.rollguard.common.http;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * An HTTP/1.1 server whose cost per client is bounded: Jetty 12 (core handlers, no servlet API)
 * with the limits of {@link HttpLimits}. Every Rollguard HTTP endpoint runs on it: each vertex's
 * operational {@code /metrics} and the anomaly store's scores and verdict API.
 *
 * <p><b>Why Jetty and not the JDK's {@code HttpServer}.</b> The JDK server reads a request header
 * on a worker thread with no timeout, so four clients that send half a header stopped the store's
 * 4-thread server from answering anyone (verdicts and scrapes) for as long as they stayed. Jetty
 * parses headers asynchronously on its selector: a slow client holds a connection, never a thread.
 * What bounds the connections is enforced here:
 *
 * <ul>
 *   <li>a bounded thread pool ({@code maxThreads});
 *   <li>a connection cap ({@link NetworkConnectionLimit}): beyond it the server stops accepting and
 *       closes idle connections after {@link #AT_LIMIT_IDLE_TIMEOUT};
 *   <li>an idle timeout: no byte for {@code idleTimeout} closes the connection, a stalled header
 *       included;
 *   <li>a header deadline: a connection that has not delivered a complete request header {@code
 *       headerTimeout} after it was accepted is closed, however slowly it trickles bytes (Jetty
 *       12.1 has no such setting of its own; this is a {@link Connection.Listener} plus a mark set
 *       when the first request reaches the handlers);
 *   <li>request line and headers of at most {@code maxRequestHeaderBytes} (431 beyond);
 *   <li>optionally TLS from a PKCS#12 or JKS key store.
 * </ul>
 *
 * <p>Handlers are plain Jetty {@link Handler}s (blocking ones are fine: they run on the pool).
 */
public final class BoundedHttpServer {

  /** How soon idle connections are closed while the connection cap is reached. */
  public static final Duration AT_LIMIT_IDLE_TIMEOUT = Duration.ofSeconds(2);

  /** A key store holding the server's certificate and private key (PKCS#12 or JKS, by content). */
  public record Tls(Path keyStore, String password) {
    public Tls {
      Objects.requireNonNull(keyStore, "keyStore");
      Objects.requireNonNull(password, "password");
    }

    @Override
    public String toString() {
      return "Tls[keyStore=" + keyStore + ", password=<redacted>]";
    }
  }

  private final Server server;
  private final ServerConnector connector;
  private final int port;
  private final HeaderDeadline headerDeadline;

  private BoundedHttpServer(Server server, ServerConnector connector, HeaderDeadline deadline) {
    this.server = server;
    this.connector = connector;
    this.port = connector.getLocalPort();
    this.headerDeadline = deadline;
  }

  /**
   * Binds {@code port} on all interfaces (0 = a free port) and starts serving {@code handler}.
   *
   * @param name names the threads ({@code <name>-http-N})
   * @param tls null for plain HTTP
   * @throws java.io.IOException if the port cannot be bound or the key store cannot be read
   */
  public static BoundedHttpServer start(
      String name, int port, HttpLimits limits, Tls tls, Handler handler)
      throws java.io.IOException {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(handler, "handler");
    // The job queue stays Jetty's unbounded default (Jetty warns against a bounded one: a rejected
    // internal task can wedge a connection). Each connection has at most a few jobs queued, so the
    // connection cap below is what bounds it.
    QueuedThreadPool threads =
        new QueuedThreadPool(limits.maxThreads(), Math.min(4, limits.maxThreads()));
    threads.setName(name + "-http");
    threads.setDaemon(true);
    Server server = new Server(threads);
    server.setStopTimeout(0); // a scrape or verdict cut short by shutdown is simply retried

    HttpConfiguration http = new HttpConfiguration();
    http.setRequestHeaderSize(limits.maxRequestHeaderBytes());
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    HttpConnectionFactory httpFactory = new HttpConnectionFactory(http);
    ServerConnector connector;
    if (tls == null) {
      connector = new ServerConnector(server, 1, 1, httpFactory);
    } else {
      http.addCustomizer(new SecureRequestCustomizer());
      SslContextFactory.Server ssl = new SslContextFactory.Server();
      ssl.setKeyStorePath(tls.keyStore().toAbsolutePath().toString());
      ssl.setKeyStorePassword(tls.password());
      connector =
          new ServerConnector(server, 1, 1, new SslConnectionFactory(ssl, "http/1.1"), httpFactory);
    }
    connector.setPort(port);
    connector.setIdleTimeout(limits.idleTimeout().toMillis());
    server.addConnector(connector);

    NetworkConnectionLimit connectionLimit =
        new NetworkConnectionLimit(limits.maxConnections(), connector);
    connectionLimit.setEndPointIdleTimeout(
        Math.min(limits.idleTimeout().toMillis(), AT_LIMIT_IDLE_TIMEOUT.toMillis()));
    server.addBean(connectionLimit);

    HeaderDeadline deadline = new HeaderDeadline(connector.getScheduler(), limits.headerTimeout());
    connector.addBean(deadline);
    server.setHandler(
        new Handler.Wrapper(handler) {
          @Override
          public boolean handle(Request request, Response response, Callback callback)
              throws Exception {
            deadline.requestArrived(request);
            return super.handle(request, response, callback);
          }
        });
    try {
      server.start();
    } catch (java.io.IOException e) {
      stopQuietly(server);
      throw e;
    } catch (Exception e) {
      stopQuietly(server);
      throw new java.io.IOException(
          "cannot start the " + name + " HTTP server on port " + port + ": " + e.getMessage(), e);
    }
    return new BoundedHttpServer(server, connector, deadline);
  }

  /** The bound port (the chosen one when 0 was asked for). */
  public int port() {
    return port;
  }

  /** Connections open now: accepted and not closed yet, unfinished requests included. */
  public int openConnections() {
    return connector.getConnectedEndPoints().size();
  }

  /** Connections closed because their first request header did not complete in time. */
  public long headerTimeouts() {
    return headerDeadline.closed.sum();
  }

  /** Stops serving at once; in-flight exchanges are cut (clients retry). Idempotent. */
  public void stop() {
    stopQuietly(server);
  }

  private static void stopQuietly(Server server) {
    try {
      server.stop();
    } catch (Exception e) {
      // stopping: nothing left to do with the error
    }
  }

  /**
   * Closes a connection whose first request header is not complete {@code timeout} after it was
   * opened. Connections are marked when a request reaches the handlers (its header is complete);
   * after the first request, the idle timeout governs a kept-alive connection.
   */
  private static final class HeaderDeadline implements Connection.Listener {
    private final Scheduler scheduler;
    private final long timeoutMillis;
    private final Set<Connection> served = ConcurrentHashMap.newKeySet();
    private final LongAdder closed = new LongAdder();

    HeaderDeadline(Scheduler scheduler, Duration timeout) {
      this.scheduler = scheduler;
      this.timeoutMillis = timeout.toMillis();
    }

    @Override
    public void onOpened(Connection connection) {
      if (connection instanceof SslConnection) {
        return; // the HTTP connection inside it is watched; closing that closes the TLS one too
      }
      scheduler.schedule(
          () -> {
            if (!served.contains(connection) && connection.getEndPoint().isOpen()) {
              closed.increment();
              connection.getEndPoint().close();
            }
          },
          timeoutMillis,
          TimeUnit.MILLISECONDS);
    }

    @Override
    public void onClosed(Connection connection) {
      served.remove(connection);
    }

    void requestArrived(Request request) {
      served.add(request.getConnectionMetaData().getConnection());
    }
  }
}
