package io.rollguard.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rollguard.testsupport.ExternalBinary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped metric queries compute what their names promise. The default config's queries are
 * rendered for entity {@code shop/checkout} and evaluated by Prometheus's own engine ({@code
 * promtool test rules}) on synthetic series ({@code config/default-queries-series.yaml}): one
 * canary pod, two stable pods, another app in the same namespace, cAdvisor series without pod
 * labels joined through {@code kube_pod_labels}.
 */
class DefaultQueriesPromtoolTest {

  private static final String CANARY =
      "{namespace=\"shop\",app=\"checkout\",role=\"canary\",rollouts_pod_template_hash=\"c1\"}";
  private static final String STABLE =
      "{namespace=\"shop\",app=\"checkout\",role=\"stable\",rollouts_pod_template_hash=\"s0\"}";

  @Test
  void defaultQueriesComputeTheDocumentedValues(@TempDir Path dir) throws Exception {
    String promtool = ExternalBinary.require("promtool").toString();

    RollguardConfig config =
        ConfigLoader.load(
            DefaultConfigTest.repoRoot().resolve("pipelines/config/rollguard-config.yaml"),
            Map.of());
    Map<String, String> placeholders = config.queryPlaceholders("shop", "checkout");

    // Expected values at t = 10m, from the rates written in the series file.
    Map<String, String> expected = new LinkedHashMap<>();
    // canary buckets per second: 0.5 (<= 0.1 s), 0.75 (<= 0.5 s), 1 (<= 1 s): p99 = 0.5 + 0.5 *
    // 0.96
    expected.put("latency_p99", sample(CANARY, "0.98"));
    // canary 0.25 of 1.25 requests/s are 5xx; stable has no 5xx series at all and must read 0
    expected.put("error_ratio", sample(CANARY, "0.2") + sample(STABLE, "0"));
    // per pod: canary 1.25/s on one pod; stable 2/s and 4/s on two pods
    expected.put("request_rate", sample(CANARY, "1.25") + sample(STABLE, "3"));
    // cores per pod, pause container and other app excluded
    expected.put("cpu_usage", sample(CANARY, "0.1") + sample(STABLE, "0.375"));
    expected.put("memory_working_set", sample(CANARY, "1e8") + sample(STABLE, "2.5e8"));
    assertEquals(
        java.util.Set.copyOf(config.metricNames()),
        expected.keySet(),
        "every default metric has an expectation");

    StringBuilder test = new StringBuilder();
    test.append(
        "rule_files: []\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:\n");
    String series =
        new String(
            DefaultQueriesPromtoolTest.class
                .getResourceAsStream("/config/default-queries-series.yaml")
                .readAllBytes(),
            StandardCharsets.UTF_8);
    for (String line : series.split("\n")) {
      test.append("      ").append(line).append('\n');
    }
    test.append("    promql_expr_test:\n");
    for (MetricSpec metric : config.metrics()) {
      test.append("      # ").append(metric.name()).append('\n');
      test.append("      - expr: |\n");
      for (String line : metric.render(placeholders).split("\n")) {
        test.append("          ").append(line).append('\n');
      }
      test.append("        eval_time: 10m\n        exp_samples:\n")
          .append(expected.get(metric.name()));
    }
    Path file = dir.resolve("default-queries-test.yaml");
    Files.writeString(file, test.toString());

    Process process =
        new ProcessBuilder(promtool, "test", "rules", file.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    assertEquals(
        0,
        process.exitValue(),
        "promtool test rules failed:\n" + output + "\n--- test file:\n" + test);
  }

  private static String sample(String labels, String value) {
    return "          - labels: '" + labels + "'\n            value: " + value + "\n";
  }
}
