package io.rollguard.cli.csv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricCsvReaderTest {

  private static MetricTable parse(String csv) throws IOException {
    return MetricCsvReader.read(new StringReader(csv), "test.csv");
  }

  @Test
  void headerlessFileNamesColumnsM1ToMnAndHasNoTime() throws IOException {
    MetricTable t = parse("0.1,0.2,0.3\n0.4,0.5,0.6\n");
    assertFalse(t.hasHeader());
    assertEquals(List.of("m1", "m2", "m3"), t.metrics());
    assertNull(t.timestamps());
    assertEquals(2, t.rows());
    assertArrayEquals(new double[] {0.4, 0.5, 0.6}, t.values()[1]);
  }

  @Test
  void headerWithTimestampColumnAnywhere() throws IOException {
    MetricTable t = parse("latency,timestamp,errors\n1.5,1700000000,0.1\n2.5,1700000060,0.2\n");
    assertTrue(t.hasHeader());
    assertEquals(List.of("latency", "errors"), t.metrics());
    assertArrayEquals(new long[] {1_700_000_000_000L, 1_700_000_060_000L}, t.timestamps());
    assertArrayEquals(new double[] {2.5, 0.2}, t.values()[1]);
  }

  @Test
  void timestampFormatsEpochSecondsMillisAndIso() {
    long expected = 1_700_000_000_000L;
    assertEquals(expected, TimestampParser.parseMillis("1700000000"));
    assertEquals(expected + 500, TimestampParser.parseMillis("1700000000.5"));
    assertEquals(expected, TimestampParser.parseMillis("1700000000000"));
    assertEquals(expected, TimestampParser.parseMillis("2023-11-14T22:13:20Z"));
    assertEquals(expected, TimestampParser.parseMillis("2023-11-14T23:13:20+01:00"));
    assertEquals(expected, TimestampParser.parseMillis("2023-11-14T22:13:20"));
    assertEquals(expected, TimestampParser.parseMillis("2023-11-14 22:13:20"));
    assertEquals(expected + 250, TimestampParser.parseMillis("2023-11-14T22:13:20.250Z"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> TimestampParser.parseMillis("yesterday"));
    assertTrue(e.getMessage().contains("yesterday"));
  }

  @Test
  void emptyAndNaNCellsAreMissingNotZero() throws IOException {
    MetricTable t = parse("a,b,c\n1,,3\nNaN,null,\n");
    assertTrue(Double.isNaN(t.values()[0][1]));
    assertEquals(3.0, t.values()[0][2]);
    for (double v : t.values()[1]) {
      assertTrue(Double.isNaN(v));
    }
    assertEquals(0, t.unreadableCells());
    assertEquals(2 / 6.0, t.coverage(), 1e-12);
  }

  @Test
  void nonNumericValueIsMissingAndCounted() throws IOException {
    MetricTable t = parse("a,b\n1,oops\n2,3\n");
    assertTrue(Double.isNaN(t.values()[0][1]));
    assertEquals(1, t.unreadableCells());
  }

  @Test
  void wrongCellCountFailsWithLineNumber() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> parse("a,b\n1,2\n3\n"));
    assertTrue(e.getMessage().contains("test.csv:3"), e.getMessage());
  }

  @Test
  void badTimestampFailsWithLineNumber() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> parse("timestamp,a\n1700000000,1\nsoon,2\n"));
    assertTrue(e.getMessage().contains("test.csv:3"), e.getMessage());
  }

  @Test
  void blankLinesAreSkippedAndEmptyFileIsAnError() throws IOException {
    assertEquals(2, parse("\n1,2\n\n3,4\n\n").rows());
    assertThrows(IllegalArgumentException.class, () -> parse("\n\n"));
    assertThrows(IllegalArgumentException.class, () -> parse("a,a\n1,2\n"));
    assertThrows(IllegalArgumentException.class, () -> parse("timestamp\n1700000000\n"));
  }

  @Test
  void headTruncatesRowsAndTimestamps() throws IOException {
    MetricTable t = parse("timestamp,a\n1,1\n2,2\n3,3\n").head(2);
    assertEquals(2, t.rows());
    assertEquals(2, t.timestamps().length);
  }
}
