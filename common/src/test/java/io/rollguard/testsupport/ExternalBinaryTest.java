package io.rollguard.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ExternalBinaryTest {

  @Test
  void aMissingBinaryFailsWithInstructionsInsteadOfSkipping() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> ExternalBinary.require("/usr/bin/rollguard-no-such-server", "redis-server"));
    assertTrue(e.getMessage().contains(".ci/run"), e.getMessage());
    assertTrue(e.getMessage().contains("apt-get install"), e.getMessage());
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
