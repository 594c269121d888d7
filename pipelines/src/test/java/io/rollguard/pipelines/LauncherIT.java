package io.rollguard.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/rollguard}, the launcher the usage text and the docs call {@code rollguard}, runs the
 * packaged CLI jar (so it runs in {@code verify}, after packaging), also through a symbolic link.
 */
class LauncherIT {

  private record Result(int exitCode, String output) {}

  private static Result run(Path launcher, Map<String, String> env, String... args)
      throws Exception {
    List<String> command = new ArrayList<>(List.of(launcher.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process p = builder.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the launcher did not finish");
    return new Result(p.exitValue(), output);
  }

  @Test
  void theLauncherRunsTheCliOfThisBuildAlsoThroughALink(@TempDir Path tmp) throws Exception {
    Path launcher = ProjectLayout.repoRoot().resolve("bin/rollguard");
    Result version = run(launcher, Map.of(), "--version");
    assertEquals(0, version.exitCode(), version.output());
    assertEquals("rollguard " + ProjectLayout.version(), version.output().strip());

    Path link = Files.createSymbolicLink(tmp.resolve("rollguard"), launcher);
    Result help = run(link, Map.of(), "verdict", "--help");
    assertEquals(0, help.exitCode(), help.output());
    assertTrue(
        help.output().contains("Usage: rollguard verdict")
            && help.output().contains("Exit status:"),
        help.output());
  }

  @Test
  void aMissingJarSaysHowToBuildIt() throws Exception {
    Result missing =
        run(
            ProjectLayout.repoRoot().resolve("bin/rollguard"),
            Map.of("ROLLGUARD_CLI_JAR", "/nonexistent/rollguard-cli.jar"),
            "--version");
    assertEquals(127, missing.exitCode(), missing.output());
    assertTrue(missing.output().contains("make build"), missing.output());
  }
}
