package io.rollguard.common.prometheus;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A one-file HTTP/1.1 server on a raw {@link ServerSocket} for the client's hostile-server tests:
 * it writes whatever bytes a test wants, at the pace it wants (a body that never ends, one byte per
 * second), which a real HTTP server library would not let a test do. Each connection answers one
 * request and is closed. Loopback only.
 */
final class RawHttpServer implements AutoCloseable {

  /** Writes the whole answer (status line, headers, body) for one request. */
  @FunctionalInterface
  interface Responder {
    void respond(Request request, OutputStream out) throws IOException, InterruptedException;
  }

  /** A received request: header names lower-cased. */
  record Request(String requestLine, Map<String, String> headers, String body) {}

  private final ServerSocket socket;
  private final Responder responder;
  private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
  private final Thread acceptor;

  RawHttpServer(Responder responder) throws IOException {
    this.responder = responder;
    this.socket = new ServerSocket();
    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    this.acceptor = new Thread(this::acceptLoop, "raw-http-acceptor");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return socket.getLocalPort();
  }

  List<Request> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  private void acceptLoop() {
    while (!socket.isClosed()) {
      Socket connection;
      try {
        connection = socket.accept();
      } catch (IOException e) {
        return; // closed
      }
      Thread handler = new Thread(() -> serve(connection), "raw-http-connection");
      handler.setDaemon(true);
      handler.start();
    }
  }

  private void serve(Socket connection) {
    try (connection) {
      InputStream in = connection.getInputStream();
      Request request = readRequest(in);
      requests.add(request);
      OutputStream out = connection.getOutputStream();
      responder.respond(request, out);
      out.flush();
    } catch (IOException e) {
      // the client went away (the point of several tests)
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Request readRequest(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed inside the request header");
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    Map<String, String> headers = new TreeMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(
            lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).trim());
      }
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
    return new Request(lines[0], headers, body);
  }

  /** The status line and headers of an answer, with the blank line that ends them. */
  static byte[] head(int status, String reason, Map<String, String> headers) {
    StringBuilder text =
        new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason).append("\r\n");
    headers.forEach((name, value) -> text.append(name).append(": ").append(value).append("\r\n"));
    text.append("Connection: close\r\n\r\n");
    return text.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
