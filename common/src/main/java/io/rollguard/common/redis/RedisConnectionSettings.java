package io.rollguard.common.redis;

import io.rollguard.common.config.RedisSettings;
import io.rollguard.common.config.Urls;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach Redis.
 *
 * @param url {@code redis://host:port[/db]} or {@code rediss://host:port[/db]} (TLS); user info in
 *     the URL is accepted but explicit {@code username}/{@code password} win (secrets come from
 *     env)
 * @param username ACL user (Redis 6+); null for the default user
 * @param password password; null for none
 * @param tls force TLS even for a {@code redis://} URL
 * @param caFile PEM CA bundle to trust for TLS instead of the JVM default; null for the default
 * @param timeout connect and socket timeout
 * @param maxConnections pool size: the sink's batch threads plus the HTTP server's threads
 */
public record RedisConnectionSettings(
    URI url,
    String username,
    String password,
    boolean tls,
    Path caFile,
    Duration timeout,
    int maxConnections) {

  public static final int DEFAULT_MAX_CONNECTIONS = 16;

  public RedisConnectionSettings {
    Objects.requireNonNull(url, "redis.url is required");
    if (!"redis".equals(url.getScheme()) && !"rediss".equals(url.getScheme())) {
      throw new IllegalArgumentException(
          "redis.url must start with redis:// or rediss://, got " + Urls.redact(url));
    }
    if (url.getHost() == null) {
      throw new IllegalArgumentException("redis.url has no host: " + Urls.redact(url));
    }
    Objects.requireNonNull(timeout, "redis.timeout");
    if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("redis.timeout must be > 0, got " + timeout);
    }
    if (maxConnections < 1) {
      throw new IllegalArgumentException(
          "redis maxConnections must be >= 1, got " + maxConnections);
    }
  }

  /**
   * The settings of the {@code redis} config section (no CA file field there yet: TLS trusts the
   * JVM's default trust store).
   */
  public static RedisConnectionSettings from(RedisSettings config) {
    return new RedisConnectionSettings(
        config.uri(),
        config.username(),
        config.password() == null ? null : config.password().reveal(),
        config.tls(),
        null,
        config.timeout(),
        DEFAULT_MAX_CONNECTIONS);
  }

  /** Plain settings for a URL: credentials from its user info, 2 s timeout, default pool size. */
  public static RedisConnectionSettings of(URI url) {
    return new RedisConnectionSettings(
        url, null, null, false, null, Duration.ofSeconds(2), DEFAULT_MAX_CONNECTIONS);
  }

  public boolean useTls() {
    return tls || "rediss".equals(url.getScheme());
  }

  public int port() {
    return url.getPort() > 0 ? url.getPort() : 6379;
  }

  /** The database index from the URL path ({@code /2}), 0 when absent. */
  public int database() {
    String path = url.getPath();
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
    String info = url.getUserInfo();
    if (info == null || !info.contains(":")) {
      return null;
    }
    String user = info.substring(0, info.indexOf(':'));
    return user.isEmpty() ? null : user;
  }

  /** The effective password: the explicit one, else the URL's user info, else null. */
  public String effectivePassword() {
    if (password != null) {
      return password;
    }
    String info = url.getUserInfo();
    if (info == null) {
      return null;
    }
    return info.contains(":") ? info.substring(info.indexOf(':') + 1) : info;
  }

  @Override
  public String toString() {
    return "RedisConnectionSettings[url="
        + Urls.redact(url)
        + ", username="
        + username
        + ", password="
        + (effectivePassword() == null ? "none" : "***")
        + ", tls="
        + useTls()
        + ", caFile="
        + caFile
        + ", timeout="
        + timeout
        + ", maxConnections="
        + maxConnections
        + "]";
  }
}
