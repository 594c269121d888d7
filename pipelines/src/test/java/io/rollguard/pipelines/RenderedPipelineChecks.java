package io.rollguard.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import io.rollguard.common.config.ConfigException;
import io.rollguard.common.config.ConfigLoader;
import io.rollguard.common.config.RollguardConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Cross-object rules of a rendered Pipeline that no schema expresses: its ConfigMap references
 * resolve to ConfigMaps of the same rendering (kustomize rewrote the hash-suffixed names), every
 * Rollguard image is a vertex module at the project version, and the Numaflow window is the window
 * the configuration describes.
 */
final class RenderedPipelineChecks {

  /** The config file's key in the generated ConfigMap rollguard-config-<hash>. */
  static final String CONFIG_KEY = "config.yaml";

  private RenderedPipelineChecks() {}

  static List<JsonNode> ofKind(List<JsonNode> docs, String kind) {
    return docs.stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
  }

  /** The Rollguard (user-defined) containers of a Pipeline, keyed "vertex/role". */
  static Map<String, JsonNode> rollguardContainers(JsonNode pipeline) {
    Map<String, JsonNode> result = new LinkedHashMap<>();
    for (JsonNode v : pipeline.path("spec").path("vertices")) {
      String name = v.path("name").asText();
      Map<String, JsonNode> candidates = new LinkedHashMap<>();
      candidates.put("udsource", v.path("source").path("udsource").path("container"));
      candidates.put("transformer", v.path("source").path("transformer").path("container"));
      candidates.put("udf", v.path("udf").path("container"));
      candidates.put("udsink", v.path("sink").path("udsink").path("container"));
      candidates.put("fallback", v.path("sink").path("fallback").path("udsink").path("container"));
      candidates.forEach(
          (role, c) -> {
            if (c.isObject()) {
              result.put(name + "/" + role, c);
            }
          });
    }
    return result;
  }

  /**
   * Every configMap / configMapKeyRef / configMapRef name in the Pipeline names a rendered
   * ConfigMap.
   */
  static List<String> configMapReferenceProblems(JsonNode pipeline, List<JsonNode> docs) {
    Set<String> configMaps = new TreeSet<>();
    ofKind(docs, "ConfigMap")
        .forEach(c -> configMaps.add(c.path("metadata").path("name").asText()));
    Set<String> referenced = new TreeSet<>();
    collectConfigMapNames(pipeline, referenced);
    List<String> problems = new ArrayList<>();
    for (String name : referenced) {
      if (!configMaps.contains(name)) {
        problems.add(
            "the Pipeline refers to ConfigMap "
                + name
                + ", which the rendering does not contain (rendered: "
                + configMaps
                + ")");
      }
    }
    if (referenced.isEmpty()) {
      problems.add("the Pipeline refers to no ConfigMap");
    }
    return problems;
  }

  private static void collectConfigMapNames(JsonNode node, Set<String> names) {
    if (node.isArray()) {
      node.forEach(n -> collectConfigMapNames(n, names));
    } else if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (Set.of("configMap", "configMapKeyRef", "configMapRef").contains(e.getKey())
            && e.getValue().has("name")) {
          names.add(e.getValue().path("name").asText());
        }
        collectConfigMapNames(e.getValue(), names);
      }
    }
  }

  /**
   * Every Rollguard image is {@code [registry/path/]<vertex module>:<project version>}; with a
   * non-null {@code requiredPrefix}, every one starts with it (an {@code images:} override reached
   * it).
   */
  static List<String> imageProblems(JsonNode pipeline, String requiredPrefix) {
    Set<String> modules = new TreeSet<>();
    ProjectLayout.vertexModules().forEach(m -> modules.add(m.directory()));
    List<String> problems = new ArrayList<>();
    rollguardContainers(pipeline)
        .forEach(
            (at, c) -> {
              String image = c.path("image").asText();
              int colon = image.lastIndexOf(':');
              int slash = image.lastIndexOf('/');
              String module = image.substring(slash + 1, colon < 0 ? image.length() : colon);
              String tag = colon < slash ? "" : image.substring(colon + 1);
              if (!modules.contains(module)) {
                problems.add(
                    at + ": image " + image + " is not one of the vertex modules " + modules);
              }
              if (!tag.equals(ProjectLayout.version())) {
                problems.add(
                    at
                        + ": image "
                        + image
                        + " is not tagged with the project version "
                        + ProjectLayout.version());
              }
              if (requiredPrefix != null && !image.startsWith(requiredPrefix)) {
                problems.add(
                    at
                        + ": image "
                        + image
                        + " does not start with "
                        + requiredPrefix
                        + " (the images: override missed it)");
              }
            });
    return problems;
  }

  /**
   * The Numaflow window of the {@code window} vertex equals the configuration's: sliding length =
   * {@code window.lengthSteps} x {@code step} and slide = {@code step}. Otherwise every window the
   * vertex receives is dropped (and the vertex stops, see WindowSpecGuard in udf-window).
   */
  static List<String> windowProblems(JsonNode pipeline, List<JsonNode> docs) {
    List<String> problems = new ArrayList<>();
    String configMapName = null;
    JsonNode sliding = null;
    for (JsonNode v : pipeline.path("spec").path("vertices")) {
      if (v.path("udf").has("groupBy")) {
        sliding = v.path("udf").path("groupBy").path("window").path("sliding");
        for (JsonNode volume : v.path("volumes")) {
          if (volume.path("configMap").has("name")
              && volume.path("configMap").path("name").asText().startsWith("rollguard-config")) {
            configMapName = volume.path("configMap").path("name").asText();
          }
        }
      }
    }
    if (sliding == null || configMapName == null) {
      problems.add("no reduce vertex with a sliding window and the rollguard-config volume");
      return problems;
    }
    String name = configMapName;
    JsonNode configMap =
        ofKind(docs, "ConfigMap").stream()
            .filter(c -> c.path("metadata").path("name").asText().equals(name))
            .findFirst()
            .orElse(null);
    if (configMap == null || !configMap.path("data").has(CONFIG_KEY)) {
      problems.add("ConfigMap " + name + " with key " + CONFIG_KEY + " is not rendered");
      return problems;
    }
    return windowProblems(
        sliding, configMap.path("data").path(CONFIG_KEY).asText(), "ConfigMap " + name);
  }

  /**
   * The rule of {@link #windowProblems(JsonNode, List)} on a sliding window and the config text.
   */
  static List<String> windowProblems(JsonNode sliding, String configYaml, String configSource) {
    List<String> problems = new ArrayList<>();
    RollguardConfig config;
    try {
      config = ConfigLoader.parse(configYaml, configSource, Map.of());
    } catch (ConfigException e) {
      problems.add(configSource + ": " + e.getMessage());
      return problems;
    }
    Duration step = config.step();
    Duration configured = step.multipliedBy(config.window().lengthSteps());
    Duration length = GoDurations.parse(sliding.path("length").asText());
    Duration slide = GoDurations.parse(sliding.path("slide").asText());
    if (!length.equals(configured)) {
      problems.add(
          "the Pipeline's spec.vertices[name=window].udf.groupBy.window.sliding.length is "
              + sliding.path("length").asText()
              + " but window.lengthSteps x step in "
              + configSource
              + " is "
              + config.window().lengthSteps()
              + " x "
              + step.toSeconds()
              + "s = "
              + configured.toSeconds()
              + "s: change both together");
    }
    if (!slide.equals(step)) {
      problems.add(
          "the Pipeline's spec.vertices[name=window].udf.groupBy.window.sliding.slide is "
              + sliding.path("slide").asText()
              + " but step in "
              + configSource
              + " is "
              + step.toSeconds()
              + "s");
    }
    return problems;
  }
}
