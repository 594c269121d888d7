package io.rollguard.common.config;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Connection to Redis (model registry, training leases, anomaly store).
 *
 * @param url {@code redis://host:port[/db]} or {@code rediss://...} (TLS)
 * @param username ACL user name, or null
 * @param password secret, or null
 * @param tls whether to use TLS (always true for a {@code rediss://} url)
 * @param timeout connect and command timeout
 * @param keyPrefix prefix of every key Rollguard writes, so several pipelines can share a Redis
 */
public record RedisSettings(
    String url, String username, Secret password, boolean tls, Duration timeout, String keyPrefix) {

  public RedisSettings {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(keyPrefix, "keyPrefix");
  }

  public URI uri() {
    return URI.create(url);
  }

  @Override
  public String toString() {
    return "RedisSettings[url="
        + Urls.redact(url)
        + ", username="
        + username
        + ", password="
        + password
        + ", tls="
        + tls
        + ", timeout="
        + timeout
        + ", keyPrefix="
        + keyPrefix
        + "]";
  }
}
