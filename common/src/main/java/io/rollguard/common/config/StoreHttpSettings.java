package io.rollguard.common.config;

import io.rollguard.common.http.BoundedHttpServer;
import io.rollguard.common.http.HttpLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The store's HTTP server ({@code store.http}): its limits, optional bearer-token authentication
 * and optional TLS. Reference: {@code docs/configuration.md}.
 *
 * @param threads handler threads (Jetty pool)
 * @param maxConnections open connections at most
 * @param idleTimeout a connection silent for this long is closed
 * @param headerTimeout a connection must deliver its first request header within this long
 * @param maxRequestHeaderBytes request line plus headers at most
 * @param bearerToken when set, {@code /api/v1/verdict} requires {@code Authorization: Bearer
 *     <token>}; null = no authentication
 * @param metricsRequireToken whether {@code /metrics} requires the token too
 * @param tlsKeyStore PKCS#12 or JKS key store with the server's certificate; null = plain HTTP
 * @param tlsKeyStorePassword its password; null when no key store
 */
public record StoreHttpSettings(
    int threads,
    int maxConnections,
    Duration idleTimeout,
    Duration headerTimeout,
    int maxRequestHeaderBytes,
    Secret bearerToken,
    boolean metricsRequireToken,
    Path tlsKeyStore,
    Secret tlsKeyStorePassword) {

  /** The defaults of {@code docs/configuration.md}. */
  public static final StoreHttpSettings DEFAULT =
      new StoreHttpSettings(
          32,
          1_000,
          Duration.ofSeconds(30),
          Duration.ofSeconds(10),
          8 * 1024,
          null,
          false,
          null,
          null);

  public StoreHttpSettings {
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(headerTimeout, "headerTimeout");
    if ((tlsKeyStore == null) != (tlsKeyStorePassword == null)) {
      throw new IllegalArgumentException("tls.keyStore and tls.keyStorePassword go together");
    }
    if (metricsRequireToken && bearerToken == null) {
      throw new IllegalArgumentException("metricsRequireToken needs a bearerToken");
    }
  }

  /** The server limits these settings describe. */
  public HttpLimits limits() {
    return new HttpLimits(
        threads, maxConnections, idleTimeout, headerTimeout, maxRequestHeaderBytes);
  }

  /** The TLS identity, or null for plain HTTP. */
  public BoundedHttpServer.Tls tls() {
    return tlsKeyStore == null
        ? null
        : new BoundedHttpServer.Tls(tlsKeyStore, tlsKeyStorePassword.reveal());
  }

  /** The same settings with {@code token} required on the verdict API (tests, the local runner). */
  public StoreHttpSettings withBearerToken(Secret token) {
    return new StoreHttpSettings(
        threads,
        maxConnections,
        idleTimeout,
        headerTimeout,
        maxRequestHeaderBytes,
        token,
        metricsRequireToken && token != null,
        tlsKeyStore,
        tlsKeyStorePassword);
  }
}
