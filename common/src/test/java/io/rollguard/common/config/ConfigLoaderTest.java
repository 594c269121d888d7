package io.rollguard.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rollguard.common.config.MetricSpec.Direction;
import io.rollguard.common.config.MetricSpec.Transform;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  private static Path fixture(String name) throws URISyntaxException {
    return Path.of(ConfigLoaderTest.class.getResource("/config/" + name).toURI());
  }

  @Test
  void minimalDocumentGetsEveryDefault() throws Exception {
    RollguardConfig c = ConfigLoader.load(fixture("minimal.yaml"), Map.of());
    assertEquals(Duration.ofSeconds(60), c.step());
    assertEquals(new WindowSettings(60_000, 12, 0.8, 2), c.windowSettings());
    assertEquals(c.window(), c.windowSettings());
    assertEquals(
        new EntitySettings(
            "namespace", "app", "role", "rollouts_pod_template_hash", "stable", "canary"),
        c.entity());
    MetricSpec m = c.metrics().get(0);
    assertEquals(1.0, m.weight());
    assertEquals(Transform.NONE, m.transform());
    assertEquals(Direction.UP, m.direction());
    assertNull(m.staticLimit());
    assertEquals(Duration.ofDays(8), c.training().lookback());
    assertEquals(Duration.ofHours(24), c.training().retrainEvery());
    assertEquals(0.5, c.training().minCoverage());
    assertEquals(0.2, c.training().holdoutFraction());
    assertEquals(
        TrainingSettings.DEFAULT_MAX_EXCLUDED_FRACTION, c.training().maxExcludedFraction());
    assertEquals(TrainingSettings.ModelKind.PCA, c.training().model());
    assertEquals(RegistrySettings.Backend.DIRECTORY, c.registry().backend());
    assertEquals(Duration.ofDays(7), c.registry().bundleTtl());
    assertEquals(1000, c.registry().cache().maxSize());
    assertEquals("redis://localhost:6379", c.redis().url());
    assertFalse(c.redis().tls());
    assertNull(c.redis().password());
    assertEquals("http://localhost:9090", c.prometheus().url());
    assertNull(c.prometheus().bearerToken());
    assertNull(c.prometheus().basicAuth());
    assertEquals(Duration.ofSeconds(30), c.prometheus().ingestionDelay());
    assertEquals(1440, c.store().historyLength());
    assertEquals(9102, c.vertex().metricsPort());
  }

  @Test
  void everyFieldIsRead() throws Exception {
    RollguardConfig c = ConfigLoader.load(fixture("full.yaml"), Map.of());
    assertEquals(new WindowSettings(30_000, 20, 0.9, 3), c.windowSettings());
    assertEquals("service", c.entity().appLabel());
    assertEquals("canary", c.entity().roleOf("preview"));
    assertEquals("stable", c.entity().roleOf("primary"));
    assertNull(c.entity().roleOf("stable"));
    assertEquals(List.of("p95", "throughput"), c.metricNames());
    MetricSpec p95 = c.metric("p95").orElseThrow();
    assertEquals(2.5, p95.weight());
    assertEquals(Transform.LOG1P, p95.transform());
    assertEquals(new MetricSpec.StaticLimit(3.0, null), p95.staticLimit());
    MetricSpec throughput = c.metric("throughput").orElseThrow();
    assertEquals(0.0, throughput.weight());
    assertEquals(Direction.DOWN, throughput.direction());
    assertEquals(new MetricSpec.StaticLimit(1000.0, 0.5), throughput.staticLimit());
    assertEquals(
        new TrainingSettings(
            Duration.ofDays(4),
            0.7,
            Duration.ofHours(12),
            0.25,
            -7,
            TrainingSettings.ModelKind.AE,
            2,
            Duration.ofHours(1),
            Duration.ofMinutes(5),
            0.25),
        c.training());
    assertEquals(
        new RegistrySettings(
            RegistrySettings.Backend.REDIS,
            Path.of("/data/models"),
            Duration.ofDays(3),
            new RegistrySettings.CacheSettings(50, Duration.ofHours(2), Duration.ofMinutes(10))),
        c.registry());
    assertTrue(c.redis().tls(), "rediss:// implies TLS");
    assertEquals("rollguard", c.redis().username());
    assertEquals("file-redis-secret", c.redis().password().reveal());
    assertEquals(Duration.ofMillis(500), c.redis().timeout());
    assertEquals("rg:", c.redis().keyPrefix());
    assertEquals("file-bearer-secret", c.prometheus().bearerToken().reveal());
    assertEquals(Duration.ofMinutes(5), c.prometheus().rateRange());
    assertEquals(
        new StoreSettings(100, Duration.ofHours(12), Duration.ofMinutes(2), 8081), c.store());
    assertEquals(9200, c.vertex().metricsPort());
  }

  @Test
  void environmentOverridesAddressesAndSecrets() throws Exception {
    Map<String, String> env =
        Map.of(
            "REDIS_URL", "redis://redis.prod:6379/1",
            "REDIS_USERNAME", "svc",
            "REDIS_PASSWORD", "env-redis-secret",
            "PROMETHEUS_URL", "https://thanos.prod",
            "PROMETHEUS_USERNAME", "reader",
            "PROMETHEUS_PASSWORD", "env-prom-secret",
            "ROLLGUARD_METRICS_PORT", "9300",
            "UNRELATED", "ignored");
    RollguardConfig c = ConfigLoader.load(fixture("minimal.yaml"), env);
    assertEquals("redis://redis.prod:6379/1", c.redis().url());
    assertEquals("svc", c.redis().username());
    assertEquals("env-redis-secret", c.redis().password().reveal());
    assertEquals("https://thanos.prod", c.prometheus().url());
    assertEquals("reader", c.prometheus().basicAuth().username());
    assertEquals("env-prom-secret", c.prometheus().basicAuth().password().reveal());
    assertEquals(9300, c.vertex().metricsPort());
  }

  @Test
  void environmentWinsOverTheFileAndEmptyVariablesAreUnset() throws Exception {
    RollguardConfig c =
        ConfigLoader.load(
            fixture("full.yaml"),
            Map.of(
                "PROMETHEUS_BEARER_TOKEN", "env-token", "REDIS_PASSWORD", "", "REDIS_URL", "  "));
    assertEquals("env-token", c.prometheus().bearerToken().reveal());
    assertEquals("file-redis-secret", c.redis().password().reveal());
    assertEquals("rediss://cache.internal:6380/2", c.redis().url());
  }

  @Test
  void secretsNeverAppearInToString() throws Exception {
    RollguardConfig fromFile =
        ConfigLoader.load(
            fixture("full.yaml"), Map.of("REDIS_URL", "redis://admin:url-secret@redis:6379"));
    RollguardConfig basic =
        ConfigLoader.load(
            fixture("minimal.yaml"),
            Map.of(
                "PROMETHEUS_USERNAME",
                "u",
                "PROMETHEUS_PASSWORD",
                "basic-secret",
                "PROMETHEUS_URL",
                "http://user:prom-url-secret@prom:9090"));
    String text = fromFile + " " + basic;
    for (String secret :
        List.of(
            "file-redis-secret",
            "file-bearer-secret",
            "url-secret",
            "basic-secret",
            "prom-url-secret")) {
      assertFalse(text.contains(secret), "toString shows " + secret + ": " + text);
    }
    assertTrue(text.contains("redis://<redacted>@redis:6379"), text);
    assertTrue(text.contains("<redacted>"), text);
  }

  @Test
  void metricsPortFromEnvironmentMustBeAnInteger() throws Exception {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigLoader.load(
                    fixture("minimal.yaml"), Map.of("ROLLGUARD_METRICS_PORT", "http")));
    assertEquals("vertex.metricsPort", e.field());
    assertTrue(e.getMessage().contains("must be an integer"), e.getMessage());
    assertTrue(e.getMessage().contains("(set by ROLLGUARD_METRICS_PORT)"), e.getMessage());
  }

  @Test
  void invalidAddressFromEnvironmentNamesFieldAndVariable() throws Exception {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigLoader.load(fixture("minimal.yaml"), Map.of("REDIS_URL", "localhost:6379")));
    assertEquals("redis.url", e.field());
    assertTrue(
        e.getMessage().startsWith("redis.url: must start with redis:// or rediss://"),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("(set by REDIS_URL)"), e.getMessage());
  }

  @Test
  void registryBackendFromEnvironmentSwitchesToRedisAndIsValidated() throws Exception {
    RollguardConfig config =
        ConfigLoader.load(fixture("minimal.yaml"), Map.of("ROLLGUARD_REGISTRY_BACKEND", "redis"));
    assertEquals(RegistrySettings.Backend.REDIS, config.registry().backend());

    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigLoader.load(
                    fixture("minimal.yaml"), Map.of("ROLLGUARD_REGISTRY_BACKEND", "s3")));
    assertEquals("registry.backend", e.field());
    assertTrue(e.getMessage().endsWith("(set by ROLLGUARD_REGISTRY_BACKEND)"), e.getMessage());
  }

  @Test
  void missingFileIsADocumentError(@TempDir Path dir) {
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> ConfigLoader.load(dir.resolve("nope.yaml"), Map.of()));
    assertEquals("", e.field());
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
  }

  @Test
  void caFileMustExist(@TempDir Path dir) throws Exception {
    Path ca = dir.resolve("ca.pem");
    Files.writeString(ca, "-----BEGIN CERTIFICATE-----\n");
    String base = Files.readString(fixture("minimal.yaml"));
    RollguardConfig ok =
        ConfigLoader.parse(base + "prometheus:\n  caFile: " + ca + "\n", "test", Map.of());
    assertEquals(ca, ok.prometheus().caFile());
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigLoader.parse(
                    base + "prometheus:\n  caFile: " + dir.resolve("missing.pem") + "\n",
                    "test",
                    Map.of()));
    assertEquals("prometheus.caFile", e.field());
  }

  @Test
  void redisCaFileComesFromTheConfigOrTheEnvironmentAndMustExist(@TempDir Path dir)
      throws Exception {
    Path ca = dir.resolve("redis-ca.pem");
    Files.writeString(ca, "-----BEGIN CERTIFICATE-----\n");
    String base = Files.readString(fixture("minimal.yaml"));
    assertEquals(
        ca,
        ConfigLoader.parse(base + "redis:\n  caFile: " + ca + "\n", "test", Map.of())
            .redis()
            .caFile());
    assertEquals(
        ca,
        ConfigLoader.parse(base, "test", Map.of("REDIS_CA_FILE", ca.toString())).redis().caFile());
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigLoader.parse(
                    base + "redis:\n  caFile: " + dir.resolve("missing.pem") + "\n",
                    "test",
                    Map.of()));
    assertEquals("redis.caFile", e.field());
  }

  @Test
  void storeHttpLimitsAuthAndTlsAreReadWithSecretsFromTheEnvironmentOnly(@TempDir Path dir)
      throws Exception {
    Path keyStore = dir.resolve("store.p12");
    Files.write(keyStore, new byte[] {1});
    String base = Files.readString(fixture("minimal.yaml"));
    String yaml =
        base
            + "store:\n"
            + "  http:\n"
            + "    threads: 12\n"
            + "    maxConnections: 300\n"
            + "    idleTimeout: 20s\n"
            + "    headerTimeout: 3s\n"
            + "    maxRequestHeaderBytes: 4096\n"
            + "    metricsRequireToken: true\n"
            + "    tls:\n"
            + "      keyStore: "
            + keyStore
            + "\n  metrics:\n    maxKeys: 500\n"
            + "prometheus:\n  maxResponseBytes: 2097152\n";
    RollguardConfig c =
        ConfigLoader.parse(
            yaml,
            "test",
            Map.of(
                "ROLLGUARD_STORE_BEARER_TOKEN",
                "api-s3cret",
                "ROLLGUARD_STORE_TLS_KEYSTORE_PASSWORD",
                "ks-s3cret"));
    StoreHttpSettings http = c.store().http();
    assertEquals(12, http.threads());
    assertEquals(300, http.maxConnections());
    assertEquals(Duration.ofSeconds(20), http.idleTimeout());
    assertEquals(Duration.ofSeconds(3), http.headerTimeout());
    assertEquals(4096, http.maxRequestHeaderBytes());
    assertEquals("api-s3cret", http.bearerToken().reveal());
    assertTrue(http.metricsRequireToken());
    assertEquals(keyStore, http.tlsKeyStore());
    assertEquals("ks-s3cret", http.tls().password());
    assertEquals(500, c.store().metricsMaxKeys());
    assertEquals(2L << 20, c.prometheus().maxResponseBytes());
    assertFalse(c.toString().contains("s3cret"), c.toString());

    RollguardConfig defaults = ConfigLoader.parse(base, "test", Map.of());
    assertEquals(StoreHttpSettings.DEFAULT, defaults.store().http());
    assertEquals(StoreSettings.DEFAULT_METRICS_MAX_KEYS, defaults.store().metricsMaxKeys());
    assertEquals(64L << 20, defaults.prometheus().maxResponseBytes());

    ConfigException noPassword =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigLoader.parse(
                    base + "store:\n  http:\n    tls:\n      keyStore: " + keyStore + "\n",
                    "test",
                    Map.of()));
    assertEquals("store.http.tls.keyStorePassword", noPassword.field());
  }
}
