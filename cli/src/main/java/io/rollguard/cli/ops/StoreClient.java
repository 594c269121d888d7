package io.rollguard.cli.ops;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * GETs from the anomaly store's HTTP API ({@code /api/v1/verdict}, {@code /metrics}), bounded in
 * time (connect and request timeout) and in size (the body is read up to a limit, then refused),
 * with an optional bearer token.
 */
final class StoreClient {

  /** An answer: HTTP status and body. */
  record Answer(int status, String body) {}

  /**
   * Thrown when the store cannot be asked: unreachable, timeout, or an answer over the size limit.
   */
  static final class StoreException extends Exception {
    private static final long serialVersionUID = 1L;

    StoreException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final URI base;
  private final Duration timeout;
  private final String token;
  private final HttpClient http;

  /**
   * @param base the store's base URL, e.g. {@code http://localhost:8080}
   * @param token a bearer token for the {@code Authorization} header, or null
   */
  StoreClient(URI base, Duration timeout, String token) {
    this.base = Objects.requireNonNull(base, "base");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.token = token;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** GET {@code pathAndQuery} (already encoded) relative to the base URL. */
  Answer get(String pathAndQuery, long maxBytes) throws StoreException, InterruptedException {
    String root = base.toString().replaceAll("/+$", "");
    URI uri = URI.create(root + pathAndQuery);
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<InputStream> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = response.body()) {
        byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        if (body.length > maxBytes) {
          throw new StoreException(
              "the answer of " + uri + " is larger than " + maxBytes + " bytes", null);
        }
        return new Answer(response.statusCode(), new String(body, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new StoreException("cannot reach the anomaly store at " + uri + ": " + describe(e), e);
    }
  }

  private static String describe(IOException e) {
    return e.getMessage() == null
        ? e.getClass().getSimpleName()
        : e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
