package io.rollguard.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.rollguard.cli.scenario.Effect;
import io.rollguard.cli.scenario.Scenario;
import io.rollguard.cli.scenario.ScenarioData;
import io.rollguard.cli.scenario.SeriesRows;
import io.rollguard.cli.scenario.ServiceMetric;
import io.rollguard.cli.scenario.ServiceProfile;
import io.rollguard.common.config.ConfigLoader;
import io.rollguard.testsupport.OpenMetricsText;
import io.rollguard.testsupport.PrometheusServer;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code rollguard run --prometheus-url}: a rollout backfilled into a real Prometheus (two days of
 * stable history, then a canary whose latency and errors regress), read back through the configured
 * queries, trained on its history and judged.
 */
class RunWithPrometheusTest {

  private static final long STEP = 60_000;

  @TempDir Path tmp;

  @Test
  void replaysTheLastMinutesOfARealRolloutAndFailsTheRegressedCanary() throws Exception {
    int historySteps = 2 * 1440;
    int canarySteps = 45;
    long end = (System.currentTimeMillis() / STEP) * STEP - STEP;
    Scenario scenario =
        new Scenario(
            "prometheus-replay",
            11,
            Instant.ofEpochMilli(end - (long) (historySteps + canarySteps - 1) * STEP),
            Duration.ofMillis(STEP),
            historySteps,
            canarySteps,
            ServiceProfile.webService(),
            ServiceMetric.core(),
            List.of(),
            List.of(Effect.latencyIncreaseMs(10, 400), Effect.errorRatio(10, 0.03)),
            0.0);
    ScenarioData data = scenario.generate();
    OpenMetricsText text = new OpenMetricsText();
    backfill(text, "stable", "s1", data.history());
    backfill(text, "stable", "s1", data.stable());
    backfill(text, "canary", "c1", data.canary());

    try (PrometheusServer prometheus =
        PrometheusServer.builder().openMetrics(text.build()).start()) {
      StringWriter out = new StringWriter();
      CommandLine cl = new CommandLine(new RunCommand());
      cl.setOut(new PrintWriter(out, true));
      cl.setErr(new PrintWriter(out, true));
      int code =
          cl.execute(
              "--prometheus-url",
              prometheus.url().toString(),
              "--namespace",
              "shop",
              "--app",
              "cart",
              "--canary-minutes",
              "30",
              "--config",
              gaugeConfig().toString(),
              "--expect",
              "fail",
              "--work-dir",
              tmp.resolve("work").toString(),
              "--report",
              tmp.resolve("r.html").toString());

      assertEquals(0, code, out.toString());
      assertTrue(
          out.toString().contains("shop/cart, canary c1 vs stable s1, 30 steps from"),
          out.toString());
      assertTrue(
          out.toString().contains("shop/cart trained"),
          "trained on the Prometheus history: " + out);
      assertTrue(Files.readString(tmp.resolve("r.html")).contains("<b>prometheus</b>"));
    }
  }

  @Test
  void aMissingCanaryIsABadInputNamingTheEntity() throws Exception {
    OpenMetricsText text = new OpenMetricsText();
    long end = (System.currentTimeMillis() / STEP) * STEP - STEP;
    text.gauge("rg_latency_p99", labels("stable", "s1"), end, 0.6);
    try (PrometheusServer prometheus =
        PrometheusServer.builder().openMetrics(text.build()).start()) {
      StringWriter err = new StringWriter();
      CommandLine cl = new CommandLine(new RunCommand());
      cl.setOut(new PrintWriter(new StringWriter(), true));
      cl.setErr(new PrintWriter(err, true));
      int code =
          cl.execute(
              "--prometheus-url",
              prometheus.url().toString(),
              "--namespace",
              "shop",
              "--app",
              "cart",
              "--canary-minutes",
              "10",
              "--config",
              gaugeConfig().toString(),
              "--work-dir",
              tmp.toString());
      assertEquals(RunCommand.EXIT_BAD_INPUT, code, err.toString());
      assertTrue(err.toString().contains("no canary series of shop/cart"), err.toString());
    }
  }

  private static Map<String, String> labels(String role, String hash) {
    return Map.of(
        "namespace", "shop", "app", "cart", "role", role, "rollouts_pod_template_hash", hash);
  }

  private static void backfill(OpenMetricsText text, String role, String hash, SeriesRows rows) {
    for (int j = 0; j < rows.metrics().size(); j++) {
      for (int i = 0; i < rows.rows(); i++) {
        text.gauge(
            "rg_" + rows.metrics().get(j),
            labels(role, hash),
            rows.timestamps()[i],
            rows.values()[i][j]);
      }
    }
  }

  /** The bundled default with every query replaced by a plain gauge of the same name. */
  private Path gaugeConfig() throws Exception {
    YAMLMapper yaml = new YAMLMapper();
    JsonNode root;
    try (InputStream in =
        ConfigLoader.class.getResourceAsStream(ConfigLoader.DEFAULT_CONFIG_RESOURCE)) {
      root = yaml.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    for (JsonNode metric : root.get("metrics")) {
      ((ObjectNode) metric)
          .put("query", "max by ({{by}}) (rg_" + metric.get("name").asText() + "{ {{selector}} })");
    }
    Path file = tmp.resolve("gauges.yaml");
    Files.writeString(file, yaml.writeValueAsString(root));
    return file;
  }
}
