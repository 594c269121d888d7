package io.rollguard.pipelines;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The repository around {@code pipelines/}: its version and the modules that ship a runnable jar. A
 * module is a vertex (or the CLI) when its pom names {@code <vertex.mainClass>}; the Makefile's
 * {@code images} target uses the same rule.
 */
final class ProjectLayout {

  /** A module with a shaded, runnable jar. */
  record ShadedModule(String directory, String jarName, Path jar) {}

  private static final Pattern JAR_NAME =
      Pattern.compile("<shaded\\.jar\\.name>([^<]+)</shaded\\.jar\\.name>");

  private ProjectLayout() {}

  static Path repoRoot() {
    return PipelinesDirectory.root().getParent();
  }

  /** The project version, passed by the build from the poms ({@code rollguard.version}). */
  static String version() {
    String version = System.getProperty("rollguard.version");
    if (version == null || version.isBlank() || version.contains("${")) {
      throw new IllegalStateException(
          "the build passes the project version as -Drollguard.version (see the parent pom)");
    }
    return version;
  }

  /**
   * Every module with {@code <vertex.mainClass>} and {@code <shaded.jar.name>}, by directory name.
   */
  static List<ShadedModule> shadedModules() {
    Path root = repoRoot();
    List<ShadedModule> modules = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path dir : dirs.sorted().toList()) {
        Path pom = dir.resolve("pom.xml");
        if (!Files.isRegularFile(pom)) {
          continue;
        }
        String text = Files.readString(pom);
        Matcher name = JAR_NAME.matcher(text);
        if (text.contains("<vertex.mainClass>") && name.find()) {
          String module = dir.getFileName().toString();
          modules.add(
              new ShadedModule(
                  module, name.group(1), dir.resolve("target").resolve(name.group(1) + ".jar")));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return modules;
  }

  /** The vertex modules: those with an image (every shaded module but the command-line tool). */
  static List<ShadedModule> vertexModules() {
    return shadedModules().stream().filter(m -> !m.directory().equals("cli")).toList();
  }
}
