package io.rollguard.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The {@code pipelines/} directory of the repository and the YAML files in it. */
final class PipelinesDirectory {

  /**
   * Not manifests: {@code src/} holds this module's tests and the upstream CRD copies they validate
   * against, {@code target/} is build output.
   */
  private static final List<String> NOT_MANIFESTS = List.of("src", "target");

  static final String DEFAULT_CONFIG = "config/rollguard-config.yaml";

  private PipelinesDirectory() {}

  /**
   * The directory. Surefire runs in the module directory, which is {@code pipelines/} itself; the
   * parent pom also passes the repository root, which works from any working directory.
   */
  static Path root() {
    String repoRoot = System.getProperty("rollguard.repo.root");
    Path root =
        repoRoot != null && !repoRoot.isBlank()
            ? Path.of(repoRoot).resolve("pipelines")
            : Path.of("").toAbsolutePath();
    if (!Files.isRegularFile(root.resolve("kustomization.yaml"))) {
      throw new IllegalStateException(
          root + " is not the pipelines directory (no kustomization.yaml)");
    }
    return root;
  }

  static Path resolve(String relative) {
    return root().resolve(relative);
  }

  /** Every {@code .yaml}/{@code .yml} file, relative to the directory, sorted. */
  static List<Path> yamlFiles() {
    Path root = root();
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(Files::isRegularFile)
          .map(root::relativize)
          .filter(p -> !NOT_MANIFESTS.contains(p.getName(0).toString()))
          .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode kustomization() {
    return Yaml.single(resolve("kustomization.yaml"));
  }

  /** The single document of a manifest file under the directory. */
  static JsonNode manifest(String relative) {
    return Yaml.single(resolve(relative));
  }
}
