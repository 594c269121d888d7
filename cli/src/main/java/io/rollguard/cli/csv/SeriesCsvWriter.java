package io.rollguard.cli.csv;

import io.rollguard.cli.scenario.SeriesRows;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a generated series as a backtest input CSV: header {@code timestamp,<metrics>} (epoch ms),
 * NaN as an empty cell. Labels go to a separate file (one 0/1 per row, SMD style) so the series
 * file can be fed to {@code backtest} as is.
 */
public final class SeriesCsvWriter {

  private SeriesCsvWriter() {}

  public static void write(SeriesRows rows, Writer out) throws IOException {
    StringBuilder sb = new StringBuilder(MetricCsvReader.TIMESTAMP_COLUMN);
    for (String m : rows.metrics()) {
      sb.append(',').append(m);
    }
    out.write(sb.append('\n').toString());
    for (int i = 0; i < rows.rows(); i++) {
      sb.setLength(0);
      sb.append(rows.timestamps()[i]);
      for (double v : rows.values()[i]) {
        sb.append(',');
        if (!Double.isNaN(v)) {
          sb.append(v);
        }
      }
      out.write(sb.append('\n').toString());
    }
  }

  public static void write(SeriesRows rows, Path file) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      write(rows, w);
    }
  }

  /** One 0/1 label per row. */
  public static void writeLabels(SeriesRows rows, Path file) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (boolean l : rows.labels()) {
        w.write(l ? "1\n" : "0\n");
      }
    }
  }
}
