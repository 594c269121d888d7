package io.rollguard.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository root, for tests that read committed files (docs, manifests, the fuzz corpus). */
public final class RepoRoot {

  private RepoRoot() {}

  /** {@code rollguard.repo.root} (set by the build), or the nearest parent with pipelines/. */
  public static Path path() {
    String configured = System.getProperty("rollguard.repo.root");
    if (configured != null && Files.isDirectory(Path.of(configured, "pipelines"))) {
      return Path.of(configured);
    }
    for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        dir != null;
        dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("pipelines"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "cannot find the repository root (a directory containing pipelines/)");
  }
}
