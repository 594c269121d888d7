package io.rollguard.common.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach Redis (model registry, training leases, the source's offset, the anomaly store): the
 * {@code redis} section of the configuration, and what {@code RedisConnections} opens a pool from.
 *
 * @param url {@code redis://host:port[/db]} or {@code rediss://...} (TLS); user info in the URL is
 *     accepted but an explicit {@code username}/{@code password} wins (secrets come from env)
 * @param username ACL user (Redis 6+), or null for the default user
 * @param password secret, or null for none
 * @param tls force TLS even for a {@code redis://} URL ({@code rediss://} always uses TLS)
 * @param caFile PEM CA bundle to trust for TLS instead of the JVM default, or null
 * @param timeout connect and command timeout
 * @param keyPrefix prefix of every key Rollguard writes, so several pipelines can share a Redis
 * @param maxConnections connection pool size per process
 */
public record RedisSettings(
    String url,
    String username,
    Secret password,
    boolean tls,
    Path caFile,
    Duration timeout,
    String keyPrefix,
    int maxConnections) {

  /** {@code redis.maxConnections} when the config does not set it. */
  public static final int DEFAULT_MAX_CONNECTIONS = 16;

  /** {@code redis.timeout} when the config does not set it. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

  /** {@code redis.keyPrefix} when the config does not set it. */
  public static final String DEFAULT_KEY_PREFIX = "rollguard:";

  public RedisSettings {
    Objects.requireNonNull(url, "redis.url is required");
    URI uri = URI.create(url);
    if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
      throw new IllegalArgumentException(
          "redis.url must start with redis:// or rediss://, got " + Urls.redact(url));
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("redis.url has no host: " + Urls.redact(url));
    }
    Objects.requireNonNull(timeout, "redis.timeout");
    if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("redis.timeout must be > 0, got " + timeout);
    }
    Objects.requireNonNull(keyPrefix, "redis.keyPrefix");
    if (maxConnections < 1) {
      throw new IllegalArgumentException(
          "redis.maxConnections must be >= 1, got " + maxConnections);
    }
  }

  /** Settings for a URL alone (tests, the CLI): credentials from its user info, the defaults. */
  public static RedisSettings of(String url) {
    return new RedisSettings(
        url, null, null, false, null, DEFAULT_TIMEOUT, DEFAULT_KEY_PREFIX, DEFAULT_MAX_CONNECTIONS);
  }

  /** {@link #of(String)} for a parsed URL. */
  public static RedisSettings of(URI url) {
    return of(url.toString());
  }

  public URI uri() {
    return URI.create(url);
  }

  public boolean useTls() {
    return tls || "rediss".equals(uri().getScheme());
  }

  public String host() {
    return uri().getHost();
  }

  public int port() {
    int port = uri().getPort();
    return port > 0 ? port : 6379;
  }

  /** The database index from the URL path ({@code /2}), 0 when absent. */
  public int database() {
    String path = uri().getPath();
    if (path == null || path.isEmpty() || "/".equals(path)) {
      return 0;
    }
    try {
      return Integer.parseInt(path.substring(1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "redis.url path must be a database number: " + Urls.redact(url), e);
    }
  }

  /** The effective user: the explicit one, else the URL's user info, else null. */
  public String effectiveUsername() {
    if (username != null) {
      return username;
    }
    String info = uri().getUserInfo();
    if (info == null || !info.contains(":")) {
      return null;
    }
    String user = info.substring(0, info.indexOf(':'));
    return user.isEmpty() ? null : user;
  }

  /** The effective password: the explicit one, else the URL's user info, else null. */
  public String effectivePassword() {
    if (password != null) {
      return password.reveal();
    }
    String info = uri().getUserInfo();
    if (info == null) {
      return null;
    }
    return info.contains(":") ? info.substring(info.indexOf(':') + 1) : info;
  }

  @Override
  public String toString() {
    return "RedisSettings[url="
        + Urls.redact(url)
        + ", username="
        + username
        + ", password="
        + (effectivePassword() == null ? "none" : "<redacted>")
        + ", tls="
        + useTls()
        + ", caFile="
        + caFile
        + ", timeout="
        + timeout
        + ", keyPrefix="
        + keyPrefix
        + ", maxConnections="
        + maxConnections
        + "]";
  }
}
