package io.rollguard.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rollguard.testsupport.RepoRoot;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shipped default, {@code pipelines/config/rollguard-config.yaml}, loads and is usable. */
class DefaultConfigTest {

  static Path repoRoot() {
    return RepoRoot.path();
  }

  private static RollguardConfig shipped() throws ConfigException {
    return ConfigLoader.load(
        repoRoot().resolve("pipelines/config/rollguard-config.yaml"), Map.of());
  }

  @Test
  void shippedDefaultLoadsWithTheDocumentedDefaults() throws Exception {
    RollguardConfig c = shipped();
    assertEquals(Duration.ofSeconds(60), c.step());
    assertEquals(new WindowSettings(60_000, 12, 0.8, 2), c.windowSettings());
    assertEquals(Duration.ofDays(8), c.training().lookback());
    assertEquals(Duration.ofHours(24), c.training().retrainEvery());
    assertEquals(Duration.ofDays(7), c.registry().bundleTtl());
    assertEquals(9102, c.vertex().metricsPort());
    assertEquals(
        List.of("latency_p99", "error_ratio", "request_rate", "cpu_usage", "memory_working_set"),
        c.metricNames());
    assertEquals(MetricSpec.Transform.LOG1P, c.metric("latency_p99").orElseThrow().transform());
    assertEquals(MetricSpec.Direction.DOWN, c.metric("request_rate").orElseThrow().direction());
    assertEquals(MetricSpec.Direction.UP, c.metric("error_ratio").orElseThrow().direction());
    // The file writes every verdict field; they are the code's documented defaults.
    assertEquals(VerdictSettings.DEFAULTS, c.verdict());
  }

  @Test
  void aVerdictIntervalTooShortForTheTestIsRefusedWithTheField() throws Exception {
    String text =
        java.nio.file.Files.readString(repoRoot().resolve("pipelines/config/rollguard-config.yaml"))
            .replace("  interval: 6m", "  interval: 5m");
    ConfigException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ConfigException.class, () -> ConfigLoader.parse(text, "test", Map.of()));
    assertEquals("verdict.interval", e.field(), e.getMessage());
    // With 5 weighted metrics at 0.99 each test runs at 0.002: 5 values per role can never reach
    // it.
    assertEquals(6, VerdictSettings.DEFAULTS.smallestSignificantSample(5));
    assertEquals(5, VerdictSettings.DEFAULTS.smallestSignificantSample(1));
  }

  @Test
  void bundledClasspathDefaultIsThePipelinesFile() throws Exception {
    // The build copies the file into the jar; a stale copy would make images run another config.
    assertEquals(shipped(), ConfigLoader.loadDefault(Map.of()));
  }

  @Test
  void everyDefaultQueryRendersWithoutPlaceholdersLeft() throws Exception {
    RollguardConfig c = shipped();
    Map<String, String> values = c.queryPlaceholders("shop", "check\"out");
    for (MetricSpec m : c.metrics()) {
      String q = m.render(values);
      assertFalse(q.contains("{{"), m.name() + ": " + q);
      assertFalse(q.contains("}}}"), m.name() + ": " + q);
      if (q.contains("rate(")) {
        assertTrue(q.contains("[2m]"), m.name() + " uses the rate range: " + q);
      }
      assertTrue(q.contains("check\\\"out"), m.name() + " escapes label values: " + q);
    }
  }
}
