package io.rollguard.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.rollguard.testsupport.ExternalBinary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gate query of {@code analysistemplate-prometheus.yaml}, with its arguments filled in the way
 * Argo Rollouts does, evaluated by Prometheus' own engine ({@code promtool test rules}) on
 * synthetic anomaly-store series: the value is the store's verdict code for the canary (1 pass, 0
 * inconclusive, -1 fail), and there is no value (Inconclusive) before the canary has one. Another
 * canary hash and duplicate series from a second store replica must not change the answer; when two
 * replicas disagree for a scrape the more cautious code wins.
 */
class PrometheusGateQueryTest {

  private static final Pattern ARG = Pattern.compile("\\{\\{args\\.([-a-zA-Z0-9_]+)}}");

  /**
   * 30 s samples. Canary c4n4ry, from two store replicas: none for 5 min, then 0 (inconclusive)
   * until 10 min, 1 (pass) until 20 min, -1 (fail) from 20 min; replica b says pass a minute
   * longer. Canary 0ld (another rollout's hash): always -1.
   */
  private static final String SERIES =
      """
        - series: 'rollguard_canary_verdict{namespace="shop",app="checkout",rollouts_pod_template_hash="c4n4ry",pod="store-a"}'
          values: '_x10 0x9 1x19 -1x40'
        - series: 'rollguard_canary_verdict{namespace="shop",app="checkout",rollouts_pod_template_hash="c4n4ry",pod="store-b"}'
          values: '_x10 0x9 1x21 -1x39'
        - series: 'rollguard_canary_verdict{namespace="shop",app="checkout",rollouts_pod_template_hash="0ld",pod="store-a"}'
          values: '-1x79'
      """;

  @Test
  void theGateReadsTheStoresVerdictForThisCanary(@TempDir Path dir) throws Exception {
    JsonNode template =
        PipelinesDirectory.manifest("argo-rollouts/analysistemplate-prometheus.yaml");
    Map<String, String> args = new LinkedHashMap<>();
    template
        .path("spec")
        .path("args")
        .forEach(a -> args.put(a.path("name").asText(), a.path("value").asText(null)));
    args.put("namespace", "shop");
    args.put("app", "checkout");
    args.put("canary-hash", "c4n4ry");
    String query =
        substitute(
            template
                .path("spec")
                .path("metrics")
                .get(0)
                .path("provider")
                .path("prometheus")
                .path("query")
                .asText(),
            args);

    Files.writeString(
        dir.resolve("gate.rules.yaml"),
        "groups:\n  - name: gate\n    rules:\n      - record: gate\n        expr: |\n"
            + indent(query, "          "),
        StandardCharsets.UTF_8);
    Files.writeString(
        dir.resolve("gate.test.yaml"),
        """
        rule_files: [gate.rules.yaml]
        evaluation_interval: 30s
        tests:
          - interval: 30s
            input_series:
        """
            + indent(SERIES.stripIndent(), "      ")
            + """
            promql_expr_test:
              # no verdict yet -> no value -> Inconclusive
              - {expr: gate, eval_time: 2m, exp_samples: []}
              # the store says inconclusive -> 0 -> Inconclusive
              - {expr: gate, eval_time: 7m, exp_samples: [{labels: gate, value: 0}]}
              # pass -> 1 (successCondition)
              - {expr: gate, eval_time: 15m, exp_samples: [{labels: gate, value: 1}]}
              # the replicas disagree for one scrape: the fail wins
              - {expr: gate, eval_time: 20m, exp_samples: [{labels: gate, value: -1}]}
              # fail -> -1 (failureCondition)
              - {expr: gate, eval_time: 27m, exp_samples: [{labels: gate, value: -1}]}
        """,
        StandardCharsets.UTF_8);

    Process process =
        new ProcessBuilder(
                ExternalBinary.require("promtool").toString(), "test", "rules", "gate.test.yaml")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertFalse(!process.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
    assertEquals(
        0, process.exitValue(), "promtool test rules failed:\n" + output + "\nquery:\n" + query);
  }

  private static String substitute(String text, Map<String, String> args) {
    Matcher m = ARG.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = args.get(m.group(1));
      if (value == null) {
        throw new AssertionError("argument " + m.group(1) + " has no value in the test");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String indent(String text, String prefix) {
    StringBuilder out = new StringBuilder();
    text.lines().forEach(line -> out.append(prefix).append(line).append('\n'));
    return out.toString();
  }
}
