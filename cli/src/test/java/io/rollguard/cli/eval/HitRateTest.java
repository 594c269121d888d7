package io.rollguard.cli.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HitRateTest {

  @Test
  void interpretationLinesAreZeroBasedRowsAndOneBasedMetrics(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("m.txt");
    Files.writeString(f, "4629-4688:9,10\n\n5486-5491:18\n");
    List<Interpretation> l = Interpretation.read(f);
    assertEquals(2, l.size());
    assertEquals(4629, l.get(0).start());
    assertEquals(4688, l.get(0).end());
    assertArrayEquals(new int[] {8, 9}, l.get(0).dims());
    assertEquals(List.of(), Interpretation.read(dir.resolve("absent.txt")));
    Files.writeString(f, "12:3\n");
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> Interpretation.read(f))
            .getMessage()
            .contains(":1"));
  }

  @Test
  void hitRateCountsBlamedMetricsAmongTheTopRanked() {
    // Segment rows 1..2 blame metrics {0, 2}; row 0 is outside the segment; row 2 has no
    // attribution.
    double[][] attribution = {
      {0.9, 0.1, 0.0},
      {0.5, 0.3, 0.2}, // top-2 = {0, 1}: 1 of 2 hits; top-3 (floor 1.5 x 2) = all: 2 of 2
      null,
    };
    List<Interpretation> labels = List.of(new Interpretation(1, 3, new int[] {0, 2}));
    assertEquals(0.5, HitRate.of(attribution, labels, 100), 1e-12);
    assertEquals(1.0, HitRate.of(attribution, labels, 150), 1e-12);
  }

  @Test
  void tiesKeepColumnOrderAndNaNRanksLast() {
    double[][] attribution = {{Double.NaN, 0.0, 0.0}};
    List<Interpretation> labels = List.of(new Interpretation(0, 1, new int[] {0}));
    assertEquals(
        0.0, HitRate.of(attribution, labels, 100), 1e-12); // top-1 is column 1, not the NaN
    assertTrue(Double.isNaN(HitRate.of(new double[][] {null}, labels, 100)));
  }
}
