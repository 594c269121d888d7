package io.rollguard.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rollguard.common.config.ConfigException;
import io.rollguard.common.config.RegistrySettings;
import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.config.Urls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunConfigTest {

  @TempDir Path tmp;

  @Test
  void embeddedRunUsesTheDirectoryRegistryWhateverTheShellSays() throws Exception {
    RollguardConfig config =
        RunConfig.build(
            null,
            tmp.resolve("registry"),
            null,
            null,
            Map.of("ROLLGUARD_REGISTRY_BACKEND", "redis", "REDIS_URL", "redis://elsewhere:6379"));
    assertEquals(RegistrySettings.Backend.DIRECTORY, config.registry().backend());
    assertEquals(tmp.resolve("registry").toAbsolutePath(), config.registry().directory());
    assertEquals(5, config.metrics().size(), "the bundled default's metrics");
  }

  @Test
  void redisUrlSelectsTheRedisRegistryAndKeepsCredentialsFromTheEnvironment() throws Exception {
    RollguardConfig config =
        RunConfig.build(
            null, tmp, "redis://127.0.0.1:6390", null, Map.of("REDIS_PASSWORD", "s3cret"));
    assertEquals(RegistrySettings.Backend.REDIS, config.registry().backend());
    assertEquals("redis://127.0.0.1:6390", config.redis().url());
    assertTrue(config.redis().password() != null, "the password came from REDIS_PASSWORD");
  }

  @Test
  void anInvalidConfigFileFailsNamingTheField() throws Exception {
    Path file = tmp.resolve("bad.yaml");
    Files.writeString(file, "step: 60s\nwindow:\n  lengthSteps: -3\n");
    ConfigException e =
        assertThrows(ConfigException.class, () -> RunConfig.build(file, tmp, null, null, Map.of()));
    assertEquals("metrics", e.field(), e.getMessage());
  }

  @Test
  void printedUrlsLeaveOutCredentials() {
    assertEquals(
        "redis://<redacted>@db.example:6380/0",
        Urls.redact("redis://user:s3cret@db.example:6380/0"));
    assertEquals("http://prom:9090", Urls.redact("http://prom:9090"));
  }
}
