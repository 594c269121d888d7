package io.rollguard.cli.csv;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads metric CSVs as {@code cli backtest} documents them: comma-separated, with or without a
 * header row; a header column named {@code timestamp} (any case) holds time, every other column is
 * a metric; an empty cell (or {@code NaN}, {@code null}, {@code NA}) is missing.
 *
 * <p>The first line is a header when any of its cells is not a number. Without a header, columns
 * are named {@code m1..mN} and there is no time column (SMD's format). A line with the wrong number
 * of cells or an unreadable timestamp stops the read with the file and line number: a shifted row
 * would silently misalign every metric. A non-numeric value cell is kept as missing and counted in
 * {@link MetricTable#unreadableCells()}, so one stray token does not lose a whole file but is
 * reported.
 */
public final class MetricCsvReader {

  public static final String TIMESTAMP_COLUMN = "timestamp";
  private static final Set<String> MISSING_TOKENS = Set.of("", "nan", "null", "na", "n/a", "none");

  private MetricCsvReader() {}

  public static MetricTable read(Path file) throws IOException {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(in, file.toString());
    }
  }

  public static MetricTable read(Reader reader, String source) throws IOException {
    BufferedReader in = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
    String line;
    int lineNo = 0;
    String first = null;
    while ((line = in.readLine()) != null) {
      lineNo++;
      if (!line.isBlank()) {
        first = stripBom(line);
        break;
      }
    }
    if (first == null) {
      throw new IllegalArgumentException(source + ": no data (the file is empty)");
    }
    String[] firstCells = split(first);
    boolean header = isHeader(firstCells);
    int columns = firstCells.length;
    int tsColumn = -1;
    List<String> names = new ArrayList<>();
    if (header) {
      Set<String> seen = new HashSet<>();
      for (int c = 0; c < columns; c++) {
        String name = unquote(firstCells[c].trim());
        if (name.isEmpty()) {
          throw new IllegalArgumentException(
              source + ": header column " + (c + 1) + " has no name");
        }
        if (!seen.add(name)) {
          throw new IllegalArgumentException(source + ": header names column '" + name + "' twice");
        }
        if (name.equalsIgnoreCase(TIMESTAMP_COLUMN)) {
          tsColumn = c;
        } else {
          names.add(name);
        }
      }
    } else {
      for (int c = 0; c < columns; c++) {
        names.add("m" + (c + 1));
      }
    }
    if (names.isEmpty()) {
      throw new IllegalArgumentException(source + ": no metric column (only a timestamp)");
    }

    List<double[]> rows = new ArrayList<>();
    List<Long> timestamps = new ArrayList<>();
    int[] unreadable = {0};
    if (!header) {
      parseRow(firstCells, lineNo, source, tsColumn, names.size(), rows, timestamps, unreadable);
    }
    while ((line = in.readLine()) != null) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      String[] cells = split(line);
      if (cells.length != columns) {
        throw new IllegalArgumentException(
            source
                + ":"
                + lineNo
                + ": expected "
                + columns
                + " comma-separated cells, found "
                + cells.length);
      }
      parseRow(cells, lineNo, source, tsColumn, names.size(), rows, timestamps, unreadable);
    }
    long[] ts = null;
    if (tsColumn >= 0) {
      ts = new long[timestamps.size()];
      for (int i = 0; i < ts.length; i++) {
        ts[i] = timestamps.get(i);
      }
    }
    return new MetricTable(source, names, ts, rows.toArray(new double[0][]), unreadable[0], header);
  }

  private static void parseRow(
      String[] cells,
      int lineNo,
      String source,
      int tsColumn,
      int metrics,
      List<double[]> rows,
      List<Long> timestamps,
      int[] unreadable) {
    double[] row = new double[metrics];
    int j = 0;
    for (int c = 0; c < cells.length; c++) {
      String cell = unquote(cells[c].trim());
      if (c == tsColumn) {
        try {
          timestamps.add(TimestampParser.parseMillis(cell));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(source + ":" + lineNo + ": " + e.getMessage(), e);
        }
        continue;
      }
      row[j++] = parseValue(cell, unreadable);
    }
    rows.add(row);
  }

  private static double parseValue(String cell, int[] unreadable) {
    if (MISSING_TOKENS.contains(cell.toLowerCase(Locale.ROOT))) {
      return Double.NaN;
    }
    try {
      double v = Double.parseDouble(cell);
      if (Double.isFinite(v)) {
        return v;
      }
    } catch (NumberFormatException ignored) {
      // counted below
    }
    unreadable[0]++;
    return Double.NaN;
  }

  private static boolean isHeader(String[] cells) {
    for (String raw : cells) {
      String cell = unquote(raw.trim());
      if (MISSING_TOKENS.contains(cell.toLowerCase(Locale.ROOT))) {
        continue;
      }
      try {
        Double.parseDouble(cell);
      } catch (NumberFormatException e) {
        return true;
      }
    }
    return false;
  }

  private static String[] split(String line) {
    return line.split(",", -1);
  }

  private static String unquote(String s) {
    return s.length() >= 2 && s.charAt(0) == '"' && s.charAt(s.length() - 1) == '"'
        ? s.substring(1, s.length() - 1)
        : s;
  }

  private static String stripBom(String s) {
    return !s.isEmpty() && s.charAt(0) == '\uFEFF' ? s.substring(1) : s;
  }
}
