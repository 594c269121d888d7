package io.rollguard.pipelines;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The upstream copies are what their README says they are, and each comes with its licence. */
class SchemaCopiesTest {

  private static final Path SCHEMAS =
      PipelinesDirectory.root().resolve("src/test/resources/schemas");

  @Test
  void everyUpstreamCopyMatchesTheChecksumInTheReadme() throws Exception {
    String readme = Files.readString(SCHEMAS.resolve("README.md"));
    for (String upstream : List.of("numaflow", "argo-rollouts", "kubernetes")) {
      List<Path> files;
      try (Stream<Path> list = Files.list(SCHEMAS.resolve(upstream))) {
        files = list.sorted().toList();
      }
      assertTrue(
          files.contains(SCHEMAS.resolve(upstream).resolve("LICENSE")),
          upstream + " ships its LICENSE");
      for (Path file : files) {
        String sha =
            HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        assertTrue(
            readme.contains("`" + sha + "`"),
            upstream
                + "/"
                + file.getFileName()
                + " (sha256 "
                + sha
                + ") is not the file the README describes");
      }
    }
  }

  @Test
  void theLicencesAreApache2() throws Exception {
    for (String upstream : List.of("numaflow", "argo-rollouts", "kubernetes")) {
      String licence = Files.readString(SCHEMAS.resolve(upstream).resolve("LICENSE"));
      assertTrue(licence.contains("Apache License") && licence.contains("Version 2.0"), upstream);
    }
  }
}
