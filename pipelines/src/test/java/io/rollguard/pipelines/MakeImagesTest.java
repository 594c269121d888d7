package io.rollguard.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rollguard.testsupport.ExternalBinary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code make images} builds one image per vertex module, tagged with the project version (the tag
 * the manifests use), for linux/amd64 and linux/arm64. Runs the real target with a PATH that holds
 * only the tools the Makefile itself needs (no {@code docker}), so it prints the commands it would
 * run instead of building anything, even on a machine with an engine.
 */
class MakeImagesTest {

  @Test
  void makeImagesBuildsEveryVertexForBothArchitecturesWithTheProjectVersion(@TempDir Path dir)
      throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    for (String tool : List.of("grep", "sed")) {
      Files.createSymbolicLink(bin.resolve(tool), ExternalBinary.require(tool));
    }
    ProcessBuilder builder =
        new ProcessBuilder(
                ExternalBinary.require("make").toString(), "-s", "--no-print-directory", "images")
            .directory(ProjectLayout.repoRoot().toFile())
            .redirectErrorStream(true);
    builder.environment().put("PATH", bin.toString());
    Process make = builder.start();
    String recipe = new String(make.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(make.waitFor(60, TimeUnit.SECONDS), "make -n images did not finish");
    assertEquals(0, make.exitValue(), recipe);
    assertTrue(recipe.contains("no Docker engine"), recipe);
    for (ProjectLayout.ShadedModule module : ProjectLayout.vertexModules()) {
      String command =
          "docker buildx build --platform linux/amd64,linux/arm64 --build-arg MODULE="
              + module.directory()
              + " -t rollguard/"
              + module.directory()
              + ":"
              + ProjectLayout.version();
      assertTrue(
          recipe.contains(command), "make images should run/print `" + command + "`:\n" + recipe);
    }
    assertTrue(!recipe.contains("MODULE=cli "), "the command-line tool is not an image");
  }
}
