package io.rollguard.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.rollguard.common.config.ConfigException;
import io.rollguard.common.config.ConfigLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every YAML file under {@code pipelines/} is valid: Kubernetes manifests against their kind's
 * schema with the strict key check, kustomize files structurally, and the default configuration
 * through the loader the vertices use. One dynamic test per file, named by its path.
 */
class PipelinesYamlValidationTest {

  @TestFactory
  Stream<DynamicTest> everyYamlFileIsValid() {
    Path root = PipelinesDirectory.root();
    List<Path> files = PipelinesDirectory.yamlFiles();
    Set<Path> transformerConfigs = KustomizeChecks.referencedConfigurations(root, files);
    return files.stream()
        .map(
            file ->
                DynamicTest.dynamicTest(
                    file.toString(),
                    () -> {
                      List<String> problems = problemsOf(root, file, transformerConfigs);
                      assertEquals(
                          List.of(),
                          problems,
                          file + " has problems:\n  " + String.join("\n  ", problems));
                    }));
  }

  /** A guard against a walk that silently finds nothing (wrong directory, wrong filter). */
  @Test
  void theWalkFindsTheShippedFiles() {
    List<String> found = PipelinesDirectory.yamlFiles().stream().map(Path::toString).toList();
    for (String expected :
        List.of(
            "kustomization.yaml",
            "pipeline.yaml",
            "isbsvc.yaml",
            "anomaly-store-service.yaml",
            "secret.template.yaml",
            PipelinesDirectory.DEFAULT_CONFIG,
            "kustomize/numaflow-name-references.yaml",
            "kustomize/numaflow-images.yaml",
            "monitoring/podmonitor.yaml",
            "monitoring/prometheusrule.yaml",
            "monitoring/kustomization.yaml",
            "dev/redis.yaml",
            "dev/kustomization.yaml",
            "network-policy/kustomization.yaml",
            "network-policy/default-deny.yaml",
            "network-policy/anomaly-store.yaml",
            "argo-rollouts/analysistemplate-prometheus.yaml",
            "argo-rollouts/analysistemplate-verdict.yaml",
            "argo-rollouts/rollout-example.yaml",
            "argo-rollouts/kustomization.yaml",
            "argo-rollouts-cluster/kustomization.yaml")) {
      assertTrue(found.contains(expected), expected + " not found by the walk; found " + found);
    }
    assertTrue(
        found.stream().noneMatch(f -> f.startsWith("src") || f.startsWith("target")),
        found.toString());
  }

  static List<String> problemsOf(Path root, Path file, Set<Path> transformerConfigs) {
    Path absolute = root.resolve(file);
    if (file.getFileName().toString().equals("kustomization.yaml")) {
      return KustomizeChecks.checkKustomization(absolute);
    }
    if (transformerConfigs.contains(file)) {
      return KustomizeChecks.checkTransformerConfig(absolute, ManifestSchemas.get());
    }
    if (file.toString().equals(PipelinesDirectory.DEFAULT_CONFIG)) {
      try {
        ConfigLoader.load(absolute, Map.of());
        return List.of();
      } catch (ConfigException e) {
        return List.of("ConfigLoader: " + e.getMessage());
      }
    }
    List<JsonNode> documents = Yaml.documents(absolute);
    if (documents.isEmpty()) {
      fail(file + " holds no YAML document");
    }
    ManifestValidator validator = new ManifestValidator(ManifestSchemas.get());
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < documents.size(); i++) {
      String prefix = documents.size() > 1 ? "document " + i + ": " : "";
      validator.validate(documents.get(i)).forEach(p -> problems.add(prefix + p));
    }
    return problems;
  }
}
