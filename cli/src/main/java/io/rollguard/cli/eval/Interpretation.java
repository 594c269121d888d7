package io.rollguard.cli.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One line of SMD's {@code interpretation_label}: the labelled segment {@code [start, end)} and the
 * metrics the labellers blamed for it ({@code dims}, 0-based column indices; the file is 1-based).
 */
public record Interpretation(int start, int end, int[] dims) {

  public Interpretation {
    if (start < 0 || end <= start) {
      throw new IllegalArgumentException(
          "interpretation needs 0 <= start < end, got " + start + "-" + end);
    }
    if (dims.length == 0) {
      throw new IllegalArgumentException(
          "interpretation " + start + "-" + end + " names no metric");
    }
    dims = dims.clone();
  }

  /** Parses lines {@code start-end:d1,d2,...}; a missing file means no interpretation labels. */
  public static List<Interpretation> read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    List<Interpretation> out = new ArrayList<>();
    int lineNo = 0;
    for (String raw : Files.readAllLines(file)) {
      lineNo++;
      String line = raw.trim();
      if (line.isEmpty()) {
        continue;
      }
      try {
        out.add(parse(line));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            file + ":" + lineNo + ": expected 'start-end:d1,d2,...', got '" + line + "'", e);
      }
    }
    return out;
  }

  static Interpretation parse(String line) {
    int colon = line.indexOf(':');
    String[] range = line.substring(0, colon).split("-", -1);
    String[] d = line.substring(colon + 1).split(",", -1);
    int[] dims = new int[d.length];
    for (int i = 0; i < d.length; i++) {
      dims[i] = Integer.parseInt(d[i].trim()) - 1;
      if (dims[i] < 0) {
        throw new IllegalArgumentException("metric numbers are 1-based");
      }
    }
    return new Interpretation(
        Integer.parseInt(range[0].trim()), Integer.parseInt(range[1].trim()), dims);
  }
}
