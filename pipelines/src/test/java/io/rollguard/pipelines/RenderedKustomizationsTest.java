package io.rollguard.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * What a platform team applies: every kustomization (the base {@code pipelines/}, its parts and the
 * {@code overlays/}) rendered by {@code kubectl kustomize}, each rendered object validated against
 * its CRD schema with the strict key check, and the rendered Pipelines checked for the rules
 * between objects ({@link RenderedPipelineChecks}) and against their NetworkPolicies ({@link
 * NetworkPolicyChecks}).
 */
class RenderedKustomizationsTest {

  private static final String PRODUCTION_REGISTRY = "registry.example.com/rollguard/";

  @Test
  void theKustomizationsAreFound() {
    Set<String> found =
        new TreeSet<>(Kustomize.directories().stream().map(Path::toString).toList());
    assertEquals(
        Set.of(
            "pipelines",
            "pipelines/dev",
            "pipelines/monitoring",
            "pipelines/network-policy",
            "pipelines/argo-rollouts",
            "pipelines/argo-rollouts-cluster",
            "overlays/local",
            "overlays/production"),
        found);
  }

  @TestFactory
  Stream<DynamicTest> everyKustomizationRendersToValidManifests() {
    ManifestValidator validator = new ManifestValidator(ManifestSchemas.get());
    return Kustomize.directories().stream()
        .map(
            dir ->
                DynamicTest.dynamicTest(
                    dir.toString(),
                    () -> {
                      List<JsonNode> docs = Kustomize.render(ProjectLayout.repoRoot().resolve(dir));
                      assertFalse(docs.isEmpty(), dir + " renders nothing");
                      List<String> problems = new ArrayList<>();
                      for (JsonNode doc : docs) {
                        String at =
                            doc.path("kind").asText()
                                + " "
                                + doc.path("metadata").path("name").asText()
                                + ": ";
                        validator.validate(doc).forEach(p -> problems.add(at + p));
                      }
                      for (JsonNode pipeline : RenderedPipelineChecks.ofKind(docs, "Pipeline")) {
                        problems.addAll(
                            RenderedPipelineChecks.configMapReferenceProblems(pipeline, docs));
                        problems.addAll(RenderedPipelineChecks.imageProblems(pipeline, null));
                        problems.addAll(RenderedPipelineChecks.windowProblems(pipeline, docs));
                      }
                      problems.addAll(NetworkPolicyChecks.problems(docs));
                      assertEquals(
                          List.of(),
                          problems,
                          dir + " renders invalid manifests:\n  " + String.join("\n  ", problems));
                    }));
  }

  @Test
  void theOverlaysRenderTheWholePipeline() {
    for (String overlay : List.of("overlays/local", "overlays/production")) {
      List<JsonNode> docs = Kustomize.render(ProjectLayout.repoRoot().resolve(overlay));
      assertEquals(1, RenderedPipelineChecks.ofKind(docs, "Pipeline").size(), overlay);
      assertEquals(
          1, RenderedPipelineChecks.ofKind(docs, "InterStepBufferService").size(), overlay);
      docs.forEach(
          d ->
              assertEquals(
                  "rollguard",
                  d.path("metadata").path("namespace").asText(),
                  overlay
                      + ": "
                      + d.path("kind").asText()
                      + " "
                      + d.path("metadata").path("name").asText()));
    }
    Set<String> local = kinds(Kustomize.render(ProjectLayout.repoRoot().resolve("overlays/local")));
    assertTrue(local.contains("Deployment"), "the local overlay brings the development Redis");
    Set<String> production =
        kinds(Kustomize.render(ProjectLayout.repoRoot().resolve("overlays/production")));
    assertTrue(
        production.containsAll(Set.of("PodMonitor", "PrometheusRule")),
        "production brings the monitoring");
    assertFalse(production.contains("Deployment"), "production brings no development Redis");
  }

  /** The README's complaint: an images: override did not reach the Pipeline. */
  @Test
  void productionImagesReachEveryRollguardContainer() {
    List<JsonNode> docs = Kustomize.render(ProjectLayout.repoRoot().resolve("overlays/production"));
    JsonNode pipeline = RenderedPipelineChecks.ofKind(docs, "Pipeline").get(0);
    assertEquals(List.of(), RenderedPipelineChecks.imageProblems(pipeline, PRODUCTION_REGISTRY));
    assertEquals(
        7,
        RenderedPipelineChecks.rollguardContainers(pipeline).size(),
        "six vertices and the trainer");
  }

  /** behavior: merge replaces the addresses and keeps the base's other keys. */
  @Test
  void productionAddressesMergeIntoTheEndpointsConfigMap() {
    List<JsonNode> docs = Kustomize.render(ProjectLayout.repoRoot().resolve("overlays/production"));
    JsonNode endpoints =
        RenderedPipelineChecks.ofKind(docs, "ConfigMap").stream()
            .filter(
                c -> c.path("metadata").path("name").asText().startsWith("rollguard-endpoints-"))
            .findFirst()
            .orElseThrow();
    assertTrue(
        endpoints.path("data").path("REDIS_URL").asText().startsWith("rediss://"),
        endpoints.toString());
    assertTrue(
        endpoints.path("data").path("PROMETHEUS_URL").asText().startsWith("https://"),
        endpoints.toString());
    assertEquals(
        "redis",
        endpoints.path("data").path("ROLLGUARD_REGISTRY_BACKEND").asText(),
        "kept from the base");
  }

  /**
   * The rule is written once, in the namespaced AnalysisTemplates; the ClusterAnalysisTemplates are
   * generated from them and must stay identical but for the kind.
   */
  @Test
  void clusterTemplatesAreTheNamespacedTemplatesWithAnotherKind() {
    Map<String, JsonNode> namespaced =
        byName(Kustomize.render(ProjectLayout.repoRoot().resolve("pipelines/argo-rollouts")));
    Map<String, JsonNode> cluster =
        byName(
            Kustomize.render(ProjectLayout.repoRoot().resolve("pipelines/argo-rollouts-cluster")));
    assertEquals(Set.of("rollguard-prometheus", "rollguard-verdict"), namespaced.keySet());
    assertEquals(namespaced.keySet(), cluster.keySet());
    namespaced.forEach(
        (name, template) -> {
          assertEquals("AnalysisTemplate", template.path("kind").asText());
          JsonNode generated = cluster.get(name);
          assertEquals("ClusterAnalysisTemplate", generated.path("kind").asText());
          assertEquals(template.path("spec"), generated.path("spec"), name + ": spec differs");
          assertFalse(generated.path("metadata").has("namespace"), name + ": cluster-scoped");
        });
  }

  /**
   * The check above catches the README's other complaint: lengthSteps changed, the Pipeline not.
   */
  @Test
  void aConfigWhoseWindowDisagreesWithThePipelineIsCaught() {
    List<JsonNode> docs = Kustomize.render(ProjectLayout.repoRoot().resolve("overlays/production"));
    JsonNode pipeline = RenderedPipelineChecks.ofKind(docs, "Pipeline").get(0);
    assertEquals(List.of(), RenderedPipelineChecks.windowProblems(pipeline, docs));
    for (JsonNode c : RenderedPipelineChecks.ofKind(docs, "ConfigMap")) {
      if (c.path("data").has(RenderedPipelineChecks.CONFIG_KEY)) {
        String text = c.path("data").path(RenderedPipelineChecks.CONFIG_KEY).asText();
        ((ObjectNode) c.path("data"))
            .put(
                RenderedPipelineChecks.CONFIG_KEY,
                text.replace("lengthSteps: 12", "lengthSteps: 15"));
      }
    }
    List<String> problems = RenderedPipelineChecks.windowProblems(pipeline, docs);
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(
        problems.get(0).contains("sliding.length is 12m")
            && problems.get(0).contains("window.lengthSteps x step")
            && problems.get(0).contains("15 x 60s = 900s"),
        problems.get(0));
  }

  private static Set<String> kinds(List<JsonNode> docs) {
    Set<String> kinds = new TreeSet<>();
    docs.forEach(d -> kinds.add(d.path("kind").asText()));
    return kinds;
  }

  private static Map<String, JsonNode> byName(List<JsonNode> docs) {
    Map<String, JsonNode> result = new LinkedHashMap<>();
    docs.forEach(d -> result.put(d.path("metadata").path("name").asText(), d));
    return result;
  }
}
