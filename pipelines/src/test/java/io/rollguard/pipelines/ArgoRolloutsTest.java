package io.rollguard.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.rollguard.common.config.ConfigLoader;
import io.rollguard.common.config.EntitySettings;
import io.rollguard.common.config.RollguardConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Argo Rollouts manifests: the controller's metric rules (utils/analysis/factory.go, which the
 * CRD schema does not encode), the arguments between Rollout and templates, and agreement of the
 * templates with the anomaly store's series labels and Service.
 */
class ArgoRolloutsTest {

  private static final Pattern ARG_USE = Pattern.compile("\\{\\{\\s*args\\.([-a-zA-Z0-9_]+)\\s*}}");
  private static final String PROVIDERS_FIELD = "provider";

  private static Map<String, JsonNode> templates;
  private static JsonNode rollout;
  private static RollguardConfig config;

  @BeforeAll
  static void load() throws Exception {
    templates = new LinkedHashMap<>();
    Path dir = PipelinesDirectory.resolve("argo-rollouts");
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.sorted().toList()) {
        for (JsonNode doc : Yaml.documents(file)) {
          if (doc.path("kind").asText().equals("AnalysisTemplate")) {
            templates.put(doc.path("metadata").path("name").asText(), doc);
          } else if (doc.path("kind").asText().equals("Rollout")) {
            rollout = doc;
          }
        }
      }
    }
    config =
        ConfigLoader.load(PipelinesDirectory.resolve(PipelinesDirectory.DEFAULT_CONFIG), Map.of());
  }

  @Test
  void bothTemplatesAndTheRolloutExist() {
    assertEquals(Set.of("rollguard-prometheus", "rollguard-verdict"), templates.keySet());
    assertTrue(rollout != null, "an example Rollout");
  }

  @Test
  void metricsFollowTheControllerRules() {
    List<String> problems = new ArrayList<>();
    templates.forEach(
        (name, template) -> {
          Set<String> metricNames = new HashSet<>();
          JsonNode metrics = template.path("spec").path("metrics");
          if (metrics.size() == 0) {
            problems.add(name + ": at least one metric");
          }
          for (JsonNode m : metrics) {
            String at = name + "/" + m.path("name").asText();
            if (!metricNames.add(m.path("name").asText())) {
              problems.add(at + ": duplicate metric name");
            }
            if (m.path(PROVIDERS_FIELD).size() != 1) {
              problems.add(at + ": exactly one provider");
            }
            for (String field : List.of("interval", "initialDelay")) {
              if (m.has(field)) {
                try {
                  GoDurations.parse(m.path(field).asText());
                } catch (IllegalArgumentException e) {
                  problems.add(at + "." + field + ": " + e.getMessage());
                }
              }
            }
            int count = m.path("count").asInt(0);
            int failureLimit = m.path("failureLimit").asInt(0);
            int inconclusiveLimit = m.path("inconclusiveLimit").asInt(0);
            int consecutiveSuccessLimit = m.path("consecutiveSuccessLimit").asInt(0);
            if (count > 1 && !m.has("interval")) {
              problems.add(at + ": count > 1 requires interval");
            }
            if (failureLimit < -1
                || inconclusiveLimit < 0
                || m.path("consecutiveErrorLimit").asInt(0) < 0) {
              problems.add(at + ": limits out of range");
            }
            if (count > 0
                && (count < Math.max(failureLimit, 0) + consecutiveSuccessLimit
                    || count < inconclusiveLimit)) {
              problems.add(
                  at
                      + ": count must be >= failureLimit + consecutiveSuccessLimit and >= inconclusiveLimit");
            }
            // Neither condition set is Successful in the controller's code (but Inconclusive in its
            // docs): never rely on it.
            if (!m.has("successCondition") && !m.has("failureCondition")) {
              problems.add(at + ": set successCondition and/or failureCondition explicitly");
            }
          }
          for (JsonNode dry : template.path("spec").path("dryRun")) {
            if (!metricNames.contains(dry.path("metricName").asText())) {
              problems.add(name + ": dryRun names no metric: " + dry.path("metricName").asText());
            }
          }
        });
    assertEquals(List.of(), problems);
  }

  @Test
  void everyArgumentUsedIsDeclaredAndEveryDeclaredOneIsUsed() {
    templates.forEach(
        (name, template) -> {
          Set<String> declared = new TreeSet<>(argsOf(template).keySet());
          Set<String> used = new TreeSet<>();
          Matcher m = ARG_USE.matcher(template.path("spec").path("metrics").toString());
          while (m.find()) {
            used.add(m.group(1));
          }
          assertEquals(declared, used, name + ": declared vs used args");
        });
  }

  /** The step analyses and the background analysis, named "step N" / "background". */
  private static Map<String, JsonNode> analyses() {
    Map<String, JsonNode> result = new LinkedHashMap<>();
    JsonNode canary = rollout.path("spec").path("strategy").path("canary");
    if (canary.has("analysis")) {
      result.put("background", canary.path("analysis"));
    }
    int step = 0;
    for (JsonNode s : canary.path("steps")) {
      step++;
      if (s.has("analysis")) {
        result.put("step " + step, s.path("analysis"));
      }
    }
    return result;
  }

  @Test
  void theRolloutPassesEveryArgumentWithoutADefault() {
    List<String> problems = new ArrayList<>();
    analyses()
        .forEach(
            (at, analysis) -> {
              Map<String, JsonNode> passed = new LinkedHashMap<>();
              analysis.path("args").forEach(a -> passed.put(a.path("name").asText(), a));
              for (JsonNode ref : analysis.path("templates")) {
                JsonNode template = templates.get(ref.path("templateName").asText());
                if (template == null) {
                  problems.add(
                      at
                          + ": no AnalysisTemplate "
                          + ref.path("templateName").asText()
                          + " in argo-rollouts/");
                  continue;
                }
                argsOf(template)
                    .forEach(
                        (arg, definition) -> {
                          if (!definition.has("value")
                              && !definition.has("valueFrom")
                              && !passed.containsKey(arg)) {
                            problems.add(
                                at
                                    + ": "
                                    + ref.path("templateName").asText()
                                    + " needs arg "
                                    + arg);
                          }
                        });
                // The example uses the ClusterAnalysisTemplates (argo-rollouts-cluster/, generated
                // from
                // these templates with the same names).
                if (!ref.path("clusterScope").asBoolean(false)) {
                  problems.add(
                      at
                          + ": "
                          + ref.path("templateName").asText()
                          + " should be referenced with clusterScope: true");
                }
              }
              assertEquals(
                  "Latest",
                  passed
                      .get("canary-hash")
                      .path("valueFrom")
                      .path("podTemplateHashValue")
                      .asText());
              if (passed.containsKey("stable-hash")) {
                assertEquals(
                    "Stable",
                    passed
                        .get("stable-hash")
                        .path("valueFrom")
                        .path("podTemplateHashValue")
                        .asText());
              }
            });
    assertTrue(
        analyses().keySet().stream().anyMatch(k -> k.startsWith("step ")),
        "the example gates a step on an analysis");
    assertEquals(List.of(), problems);
    JsonNode canary = rollout.path("spec").path("strategy").path("canary");
    EntitySettings entity = config.entity();
    assertEquals(
        entity.canaryRole(), canary.path("canaryMetadata").path("labels").path("role").asText());
    assertEquals(
        entity.stableRole(), canary.path("stableMetadata").path("labels").path("role").asText());
  }

  /**
   * Background analysis next to the step analyses, started after the first pause (a canary has no
   * score before its first windows fill), and the explanation metric (a dry run recording the
   * store's reason) in every analysis, background and step alike.
   */
  @Test
  void backgroundAndStepAnalysesBothCarryTheExplanation() {
    JsonNode canary = rollout.path("spec").path("strategy").path("canary");
    JsonNode background = canary.path("analysis");
    assertTrue(background.isObject(), "a background analysis");
    int starting = background.path("startingStep").asInt(-1);
    JsonNode steps = canary.path("steps");
    assertTrue(starting > 0 && starting < steps.size(), "startingStep inside the steps");
    boolean pauseBefore = false;
    for (int i = 0; i < starting; i++) {
      pauseBefore |= steps.get(i).has("pause");
    }
    assertTrue(pauseBefore, "the background analysis starts after the first pause");
    analyses()
        .forEach(
            (at, analysis) -> {
              boolean explains = false;
              for (JsonNode ref : analysis.path("templates")) {
                JsonNode spec = templates.get(ref.path("templateName").asText()).path("spec");
                for (JsonNode dry : spec.path("dryRun")) {
                  for (JsonNode m : spec.path("metrics")) {
                    explains |=
                        m.path("name").asText().equals(dry.path("metricName").asText())
                            && m.path(PROVIDERS_FIELD)
                                .path("web")
                                .path("jsonPath")
                                .asText()
                                .equals("{$.reason}");
                  }
                }
              }
              assertTrue(
                  explains,
                  at + ": no explanation metric (dry-run metric reading the store's reason)");
            });
  }

  /**
   * A step listing several templates gets one AnalysisRun with the templates merged; the controller
   * refuses the merge on a metric, dry-run or measurement-retention name used twice, or on one
   * argument with two different defaults.
   */
  @Test
  void templatesMergedInOneStepDoNotCollide() {
    for (JsonNode analysis : analyses().values()) {
      Map<String, Set<String>> names = new LinkedHashMap<>();
      Map<String, String> argDefaults = new LinkedHashMap<>();
      for (JsonNode ref : analysis.path("templates")) {
        JsonNode spec = templates.get(ref.path("templateName").asText()).path("spec");
        for (String list :
            List.of("metrics/name", "dryRun/metricName", "measurementRetention/metricName")) {
          String[] field = list.split("/");
          for (JsonNode item : spec.path(field[0])) {
            assertTrue(
                names
                    .computeIfAbsent(field[0], k -> new HashSet<>())
                    .add(item.path(field[1]).asText()),
                field[0]
                    + " name "
                    + item.path(field[1]).asText()
                    + " appears in two merged templates");
          }
        }
        argsOf(templates.get(ref.path("templateName").asText()))
            .forEach(
                (arg, definition) -> {
                  String value = definition.path("value").asText("<none>");
                  String previous = argDefaults.putIfAbsent(arg, value);
                  assertTrue(
                      previous == null || previous.equals(value),
                      "arg " + arg + " has two different defaults");
                });
      }
    }
  }

  @Test
  void thePrometheusQueryReadsTheStoresVerdictGaugeWithTheConfiguredLabels() {
    JsonNode metric = templates.get("rollguard-prometheus").path("spec").path("metrics").get(0);
    String query = metric.path(PROVIDERS_FIELD).path("prometheus").path("query").asText();
    EntitySettings e = config.entity();
    for (String fragment :
        List.of(
            "rollguard_canary_verdict{",
            e.namespaceLabel() + "=\"{{args.namespace}}\"",
            e.appLabel() + "=\"{{args.app}}\"",
            e.podTemplateHashLabel() + "=\"{{args.canary-hash}}\"")) {
      assertTrue(query.contains(fragment), "query lacks " + fragment + ":\n" + query);
    }
    // The gauge's codes (Verdict.code): 1 pass, -1 fail; 0 or no data (no canary score yet) must be
    // neither success nor failure, i.e. Inconclusive: both conditions guard on a non-empty result.
    assertEquals("len(result) > 0 && result[0] == 1", metric.path("successCondition").asText());
    assertEquals("len(result) > 0 && result[0] == -1", metric.path("failureCondition").asText());
  }

  @Test
  void theVerdictUrlPointsAtTheAnomalyStoreService() {
    JsonNode template = templates.get("rollguard-verdict");
    JsonNode service = PipelinesDirectory.manifest("anomaly-store-service.yaml");
    String namespace = PipelinesDirectory.kustomization().path("namespace").asText();
    String expected =
        "http://"
            + service.path("metadata").path("name").asText()
            + "."
            + namespace
            + ".svc:"
            + service.path("spec").path("ports").get(0).path("port").asInt();
    assertEquals(expected, argsOf(template).get("anomaly-store-url").path("value").asText());
    JsonNode web = template.path("spec").path("metrics").get(0).path(PROVIDERS_FIELD).path("web");
    assertEquals(
        "{{args.anomaly-store-url}}/api/v1/verdict?namespace={{args.namespace}}&app={{args.app}}&hash={{args.canary-hash}}",
        web.path("url").asText());
    assertEquals("{$.verdict}", web.path("jsonPath").asText());
  }

  private static Map<String, JsonNode> argsOf(JsonNode template) {
    Map<String, JsonNode> args = new LinkedHashMap<>();
    template.path("spec").path("args").forEach(a -> args.put(a.path("name").asText(), a));
    return args;
  }
}
