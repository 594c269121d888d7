package io.rollguard.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExternalBinaryTest {

  @Test
  void aMissingBinaryFailsWithInstructionsInsteadOfSkipping() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> ExternalBinary.require("rollguard-no-such-server"));
    assertTrue(e.getMessage().contains(".ci/run"), e.getMessage());
    assertTrue(e.getMessage().contains("apt-get install"), e.getMessage());
    assertTrue(e.getMessage().contains("brew install"), e.getMessage());
    assertTrue(e.getMessage().contains("ROLLGUARD_ROLLGUARD_NO_SUCH_SERVER_BIN"), e.getMessage());
  }

  /**
   * Binaries come from the PATH, not from fixed paths, so a macOS (Homebrew) machine finds them.
   */
  @Test
  void binariesAreFoundOnThePathOrThroughTheOverrideVariable(@TempDir Path dir) throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path fake = bin.resolve("redis-server");
    Files.writeString(fake, "#!/bin/sh\n");
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path other = dir.resolve("elsewhere-redis");
    Files.copy(fake, other);
    Files.setPosixFilePermissions(other, PosixFilePermissions.fromString("rwxr-xr-x"));

    String path = "/nonexistent" + File.pathSeparator + bin;
    assertEquals(Optional.of(fake), ExternalBinary.find("redis-server", Map.of("PATH", path)));
    assertEquals(
        Optional.empty(), ExternalBinary.find("redis-server", Map.of("PATH", "/nonexistent")));
    assertEquals(
        Optional.of(other),
        ExternalBinary.find(
            "redis-server", Map.of("PATH", path, "ROLLGUARD_REDIS_SERVER_BIN", other.toString())));
    // An override that points at nothing is not silently replaced by the PATH's binary.
    assertEquals(
        Optional.empty(),
        ExternalBinary.find(
            "redis-server",
            Map.of("PATH", path, "ROLLGUARD_REDIS_SERVER_BIN", dir.resolve("missing").toString())));
  }

  @Test
  void promtoolRejectsBrokenExpositionText() {
    assertEquals(
        0, PrometheusServer.checkMetrics("# HELP up Up.\n# TYPE up gauge\nup 1\n").exitCode());
    assertNotEquals(0, PrometheusServer.checkMetrics("up{ 1\n").exitCode());
  }

  @Test
  void redisServerStopsAndRestartsOnTheSamePort() {
    try (RedisServer redis = RedisServer.start()) {
      int port = redis.port();
      assertTrue(ExternalBinary.portOpen(port));
      redis.stop();
      assertTrue(!redis.isRunning() && !ExternalBinary.portOpen(port));
      redis.restart();
      assertTrue(redis.isRunning() && ExternalBinary.portOpen(port));
      assertEquals(port, redis.port());
    }
  }
}
