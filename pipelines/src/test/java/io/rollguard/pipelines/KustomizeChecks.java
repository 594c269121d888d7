package io.rollguard.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Structural checks for the kustomize files, which have no CRD: a {@code kustomization.yaml} (known
 * keys only, every referenced file exists) and a transformer configuration listed under its {@code
 * configurations} (every field path exists in the target kind's schema). The rendered output of
 * every kustomization is checked by {@link RenderedKustomizationsTest}.
 */
final class KustomizeChecks {

  /** The kustomization keys this project may use; anything else is most likely a typo. */
  static final Set<String> KUSTOMIZATION_KEYS =
      Set.of(
          "apiVersion",
          "kind",
          "namespace",
          "namePrefix",
          "nameSuffix",
          "resources",
          "components",
          "configMapGenerator",
          "secretGenerator",
          "generatorOptions",
          "configurations",
          "labels",
          "commonLabels",
          "commonAnnotations",
          "patches",
          "images",
          "replicas");

  static final Set<String> GENERATOR_KEYS =
      Set.of("name", "behavior", "files", "literals", "envs", "options");

  private KustomizeChecks() {}

  static List<String> checkKustomization(Path file) {
    List<String> problems = new ArrayList<>();
    JsonNode k = Yaml.single(file);
    Path dir = file.getParent();
    if (!k.path("apiVersion").asText().equals("kustomize.config.k8s.io/v1beta1")
        || !k.path("kind").asText().equals("Kustomization")) {
      problems.add("apiVersion/kind must be kustomize.config.k8s.io/v1beta1 Kustomization");
    }
    k.fieldNames()
        .forEachRemaining(
            key -> {
              if (!KUSTOMIZATION_KEYS.contains(key)) {
                problems.add(
                    key
                        + ": unknown kustomization key (expected one of "
                        + new TreeSet<>(KUSTOMIZATION_KEYS)
                        + ")");
              }
            });
    for (JsonNode resource : k.path("resources")) {
      Path target = dir.resolve(resource.asText());
      if (!Files.isRegularFile(target)
          && !Files.isRegularFile(target.resolve("kustomization.yaml"))) {
        problems.add("resources: " + resource.asText() + " does not exist");
      }
    }
    for (JsonNode configuration : k.path("configurations")) {
      if (!Files.isRegularFile(dir.resolve(configuration.asText()))) {
        problems.add("configurations: " + configuration.asText() + " does not exist");
      }
    }
    int i = 0;
    for (JsonNode generator : k.path("configMapGenerator")) {
      String at = "configMapGenerator[" + i++ + "]";
      generator
          .fieldNames()
          .forEachRemaining(
              key -> {
                if (!GENERATOR_KEYS.contains(key)) {
                  problems.add(
                      at
                          + "."
                          + key
                          + ": unknown key (expected one of "
                          + new TreeSet<>(GENERATOR_KEYS)
                          + ")");
                }
              });
      if (generator.path("name").asText("").isBlank()) {
        problems.add(at + ".name: required");
      }
      for (JsonNode entry : generator.path("files")) {
        String source = entry.asText();
        String path = source.contains("=") ? source.substring(source.indexOf('=') + 1) : source;
        if (!Files.isRegularFile(dir.resolve(path))) {
          problems.add(at + ".files: " + path + " does not exist");
        }
      }
      for (JsonNode literal : generator.path("literals")) {
        if (!literal.asText().matches("[-._a-zA-Z0-9]+=.*")) {
          problems.add(at + ".literals: '" + literal.asText() + "' is not KEY=value");
        }
      }
    }
    return problems;
  }

  /** The transformer configurations the kustomizations under the directory refer to. */
  static Set<Path> referencedConfigurations(Path root, List<Path> yamlFiles) {
    Set<Path> result = new TreeSet<>();
    for (Path file : yamlFiles) {
      if (file.getFileName().toString().equals("kustomization.yaml")) {
        for (JsonNode configuration : Yaml.single(root.resolve(file)).path("configurations")) {
          result.add(
              root.relativize(
                  root.resolve(file).getParent().resolve(configuration.asText()).normalize()));
        }
      }
    }
    return result;
  }

  /**
   * A transformer configuration: {@code nameReference} (where a kind refers to ConfigMaps) and
   * {@code images} (where a kind keeps container images). Every field spec names a kind with a
   * schema, and its path exists in that schema: a wrong path would silently leave a reference
   * pointing at the un-suffixed name of a generated ConfigMap, or an image that an {@code images:}
   * override does not reach.
   */
  static List<String> checkTransformerConfig(Path file, ManifestSchemas schemas) {
    List<String> problems = new ArrayList<>();
    JsonNode config = Yaml.single(file);
    config
        .fieldNames()
        .forEachRemaining(
            key -> {
              if (!key.equals("nameReference") && !key.equals("images")) {
                problems.add(
                    key
                        + ": only nameReference and images are expected in this transformer"
                        + " configuration");
              }
            });
    int i = 0;
    for (JsonNode reference : config.path("nameReference")) {
      String at = "nameReference[" + i++ + "]";
      if (reference.path("kind").asText("").isBlank() || reference.path("fieldSpecs").size() == 0) {
        problems.add(at + ": kind and fieldSpecs are required");
      }
      int j = 0;
      for (JsonNode spec : reference.path("fieldSpecs")) {
        checkFieldSpec(spec, at + ".fieldSpecs[" + j++ + "]", schemas, problems);
      }
    }
    int k = 0;
    for (JsonNode spec : config.path("images")) {
      checkFieldSpec(spec, "images[" + k++ + "]", schemas, problems);
    }
    return problems;
  }

  private static void checkFieldSpec(
      JsonNode spec, String at, ManifestSchemas schemas, List<String> problems) {
    String kind = spec.path("kind").asText();
    String group = spec.path("group").asText("");
    String path = spec.path("path").asText();
    JsonNode schema = schemaOf(schemas, group, kind);
    if (schema == null) {
      problems.add(at + ": no schema for kind " + kind + " in group '" + group + "'");
    } else if (!pathExists(schema, path)) {
      problems.add(at + ".path: " + path + " does not exist in the " + kind + " schema");
    }
  }

  private static JsonNode schemaOf(ManifestSchemas schemas, String group, String kind) {
    for (String key : schemas.knownKinds()) {
      if (key.endsWith("/" + kind) && key.startsWith(group.isEmpty() ? "v1/" : group + "/")) {
        String apiVersion = key.substring(0, key.length() - kind.length() - 1);
        return schemas.forKind(apiVersion, kind).orElseThrow().schema();
      }
    }
    return null;
  }

  /** Kustomize paths are slash-separated field names; lists are traversed implicitly. */
  static boolean pathExists(JsonNode schema, String path) {
    JsonNode current = schema;
    for (String segment : path.split("/")) {
      while (current.has("items")) {
        current = current.get("items");
      }
      current = StrictKeyChecker.declaredProperties(current).get(segment);
      if (current == null) {
        return false;
      }
    }
    return true;
  }
}
