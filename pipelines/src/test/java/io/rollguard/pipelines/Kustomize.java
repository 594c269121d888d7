package io.rollguard.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import io.rollguard.testsupport.ExternalBinary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Renders kustomizations with {@code kubectl kustomize}, the kustomize a platform team applies with
 * ({@code kubectl apply -k}; kubectl 1.32 ships kustomize 5.5). kubectl is found on the PATH (or
 * {@code ROLLGUARD_KUBECTL_BIN}); where it is absent the rendering tests are skipped with a message
 * saying so, the only tests of the suite that skip.
 */
final class Kustomize {

  private static final Optional<Path> KUBECTL = ExternalBinary.find("kubectl", System.getenv());

  private Kustomize() {}

  /** Skips the calling test, visibly, when kubectl is not installed. */
  static Path requireKubectl() {
    if (KUBECTL.isEmpty()) {
      String message =
          "kubectl is not on the PATH (or "
              + ExternalBinary.overrideVariable("kubectl")
              + "): the overlays are not rendered. Install kubectl 1.32+ to run these tests.";
      System.err.println("SKIPPED: " + message);
      Assumptions.abort(message);
    }
    return KUBECTL.get();
  }

  /**
   * {@code kubectl kustomize dir}: the rendered documents, or an AssertionError with kubectl's
   * message.
   */
  static List<JsonNode> render(Path dir) {
    Path kubectl = requireKubectl();
    try {
      Process process =
          new ProcessBuilder(kubectl.toString(), "kustomize", dir.toString())
              .redirectErrorStream(false)
              .start();
      byte[] err;
      String out;
      try (var stdout = process.getInputStream();
          var stderr = process.getErrorStream()) {
        // kustomize writes everything at the end; reading stdout first cannot block on stderr
        // for the small error output it produces.
        out = new String(stdout.readAllBytes(), StandardCharsets.UTF_8);
        err = stderr.readAllBytes();
      }
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("kubectl kustomize " + dir + " did not finish");
      }
      if (process.exitValue() != 0) {
        throw new AssertionError(
            "kubectl kustomize " + dir + " failed:\n" + new String(err, StandardCharsets.UTF_8));
      }
      return Yaml.documents(out, "kubectl kustomize " + dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Every directory holding a {@code kustomization.yaml}: under {@code pipelines/} (not its {@code
   * src/} and {@code target/}) and under {@code overlays/}; paths relative to the repository.
   */
  static List<Path> directories() {
    Path repo = ProjectLayout.repoRoot();
    List<Path> result = new ArrayList<>();
    for (String top : List.of("pipelines", "overlays")) {
      try (Stream<Path> files = Files.walk(repo.resolve(top))) {
        files
            .filter(f -> f.getFileName().toString().equals("kustomization.yaml"))
            .map(f -> repo.relativize(f.getParent()))
            .filter(
                d ->
                    d.getNameCount() < 2
                        || !List.of("src", "target").contains(d.getName(1).toString()))
            .sorted()
            .forEach(result::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return result;
  }
}
