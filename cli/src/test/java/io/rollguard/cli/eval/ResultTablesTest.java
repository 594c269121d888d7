package io.rollguard.cli.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ResultTablesTest {

  @Test
  void meansAreMacroOverEntitiesAndDelaysArePooled() {
    EntityResult a =
        new EntityResult(
            "a",
            "pca",
            new PointMetrics(1, 1, 0),
            0.8,
            5.0,
            0.6,
            new EventMetrics(2, 1, List.of(4), 2, 1, 1440, 1440),
            10,
            1,
            "",
            0.5,
            1.0);
    EntityResult b =
        new EntityResult(
            "b",
            "pca",
            new PointMetrics(0, 0, 2),
            0.4,
            4.0,
            0.2,
            new EventMetrics(3, 2, List.of(0, 2), 0, 0, 2880, 1440),
            30,
            1,
            "",
            Double.NaN,
            Double.NaN);
    ResultTables.Mean m = ResultTables.mean("pca", List.of(a, b));
    assertEquals((2 / 3.0 + 0) / 2, m.f1(), 1e-12);
    assertEquals(0.6, m.bestF1(), 1e-12);
    assertEquals(0.4, m.auprc(), 1e-12);
    assertEquals(3, m.detected());
    assertEquals(5, m.segments());
    assertEquals(0.5, m.falseAlarmRunsPerDay(), 1e-12); // (1/day + 0/day) / 2
    assertEquals(2.0, m.meanDelay(), 1e-12); // (4 + 0 + 2) / 3
    assertEquals(20, m.trainMillis(), 1e-12);
    assertEquals(0.5, m.hitRate100(), 1e-12); // entities without an attribution are left out
    assertEquals(1.0, m.hitRate150(), 1e-12);
    String md = ResultTables.perEntity("pca", List.of(a, b));
    assertTrue(md.contains("| **mean** | **0.333**"), md);
  }
}
