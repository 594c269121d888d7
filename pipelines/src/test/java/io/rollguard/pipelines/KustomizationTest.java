package io.rollguard.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The kustomization generates the ConfigMaps the Pipeline uses, and kustomize can rename them. */
class KustomizationTest {

  @Test
  void theConfigMapIsGeneratedFromTheOneDefaultConfigFile() {
    JsonNode generator = generator("rollguard-config");
    assertEquals(
        List.of("config.yaml=" + PipelinesDirectory.DEFAULT_CONFIG),
        List.of(generator.path("files").get(0).asText()));
    assertEquals(1, generator.path("files").size());
  }

  @Test
  void theKustomizationAppliesThePipelineItsBufferAndTheService() {
    Set<String> resources = new TreeSet<>();
    PipelinesDirectory.kustomization().path("resources").forEach(r -> resources.add(r.asText()));
    assertEquals(Set.of("isbsvc.yaml", "pipeline.yaml", "anomaly-store-service.yaml"), resources);
  }

  /**
   * Kustomize appends a content hash to generated ConfigMap names and rewrites references only in
   * fields it knows. Every ConfigMap reference in the Pipeline must be under a path of the
   * transformer configuration, or the pods would look for a ConfigMap that does not exist.
   */
  @Test
  void everyConfigMapReferenceInThePipelineIsRewrittenByKustomize() {
    Set<String> generated = new TreeSet<>();
    PipelinesDirectory.kustomization()
        .path("configMapGenerator")
        .forEach(g -> generated.add(g.path("name").asText()));
    Set<String> configured = new TreeSet<>();
    JsonNode config = PipelinesDirectory.manifest("kustomize/numaflow-name-references.yaml");
    for (JsonNode reference : config.path("nameReference")) {
      if (reference.path("kind").asText().equals("ConfigMap")) {
        reference
            .path("fieldSpecs")
            .forEach(
                s -> {
                  if (s.path("kind").asText().equals("Pipeline")) {
                    configured.add(s.path("path").asText());
                  }
                });
      }
    }
    Set<String> referenced = new TreeSet<>();
    Set<String> names = new TreeSet<>();
    collectConfigMapReferences(PipelinesDirectory.manifest("pipeline.yaml"), "", referenced, names);
    assertTrue(!referenced.isEmpty(), "the Pipeline refers to ConfigMaps");
    assertTrue(
        configured.containsAll(referenced),
        "not rewritten by kustomize: " + minus(referenced, configured));
    assertEquals(generated, names, "the Pipeline refers to exactly the generated ConfigMaps");
  }

  /** Paths (kustomize style, list indices dropped) of configMap names: volumes, env, envFrom. */
  private static void collectConfigMapReferences(
      JsonNode node, String path, Set<String> paths, Set<String> names) {
    if (node.isArray()) {
      node.forEach(item -> collectConfigMapReferences(item, path, paths, names));
      return;
    }
    if (!node.isObject()) {
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String child = path.isEmpty() ? e.getKey() : path + "/" + e.getKey();
      if (Set.of("configMap", "configMapKeyRef", "configMapRef").contains(e.getKey())
          && e.getValue().has("name")) {
        paths.add(child + "/name");
        names.add(e.getValue().path("name").asText());
      }
      collectConfigMapReferences(e.getValue(), child, paths, names);
    }
  }

  private static Set<String> minus(Set<String> a, Set<String> b) {
    Set<String> result = new TreeSet<>(a);
    result.removeAll(b);
    return result;
  }

  private static JsonNode generator(String name) {
    for (JsonNode g : PipelinesDirectory.kustomization().path("configMapGenerator")) {
      if (g.path("name").asText().equals(name)) {
        return g;
      }
    }
    throw new AssertionError("kustomization.yaml generates no ConfigMap " + name);
  }
}
