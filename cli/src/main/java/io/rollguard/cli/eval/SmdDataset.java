package io.rollguard.cli.eval;

import io.rollguard.cli.csv.MetricCsvReader;
import io.rollguard.cli.csv.MetricTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The shared SMD subset: {@code train/<m>.txt}, {@code test/<m>.txt} (38 headerless columns, no
 * time) and {@code test_label/<m>.txt} (one 0/1 per test row).
 */
public final class SmdDataset {

  /** One minute per row. */
  public static final int ROWS_PER_DAY = 1440;

  /** One machine; {@code interpretations} is empty when the machine has no interpretation file. */
  public record Machine(
      String name,
      MetricTable train,
      MetricTable test,
      boolean[] labels,
      List<Interpretation> interpretations) {}

  private final Path root;

  public SmdDataset(Path root) {
    this.root = root;
  }

  /** Machine names found under {@code test_label/}, sorted. */
  public List<String> machines() throws IOException {
    Path dir = root.resolve("test_label");
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("no SMD data at " + root + " (missing " + dir + ")");
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".txt"))
          .map(n -> n.substring(0, n.length() - 4))
          .sorted()
          .toList();
    }
  }

  public Machine load(String machine) throws IOException {
    MetricTable train = MetricCsvReader.read(root.resolve("train").resolve(machine + ".txt"));
    MetricTable test = MetricCsvReader.read(root.resolve("test").resolve(machine + ".txt"));
    List<String> lines = Files.readAllLines(root.resolve("test_label").resolve(machine + ".txt"));
    boolean[] labels = new boolean[test.rows()];
    int n = 0;
    for (String line : lines) {
      String s = line.trim();
      if (s.isEmpty()) {
        continue;
      }
      if (n >= labels.length) {
        throw new IllegalArgumentException(
            machine + ": more labels than test rows (" + test.rows() + ")");
      }
      labels[n++] =
          switch (s) {
            case "0" -> false;
            case "1" -> true;
            default ->
                throw new IllegalArgumentException(
                    machine + ": label line " + (n + 1) + " is '" + s + "'");
          };
    }
    if (n != labels.length) {
      throw new IllegalArgumentException(
          machine + ": " + n + " labels for " + test.rows() + " test rows");
    }
    List<Interpretation> why =
        Interpretation.read(root.resolve("interpretation_label").resolve(machine + ".txt"));
    return new Machine(machine, train, test, labels, why);
  }
}
