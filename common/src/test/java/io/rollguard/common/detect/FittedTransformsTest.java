package io.rollguard.common.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FittedTransformsTest {

  private static final List<MetricDef> TWO = List.of(MetricDef.of("a"), MetricDef.of("b"));

  @Test
  void missingValuesStayMissingAndDoNotShiftTheFit() {
    double[][] raw = new double[1000][2];
    for (int i = 0; i < raw.length; i++) {
      raw[i][0] = i % 10;
      raw[i][1] = i % 3 == 0 ? Double.NaN : 100 + i % 7;
    }
    FittedTransforms t = FittedTransforms.fit(raw, TWO, 10);
    assertEquals(
        103.0, t.center(1), 1e-12, "median of the observed values only, not of zero-filled ones");
    double[][] z =
        t.apply(
            new double[][] {{Double.NaN, 103}, {4.5, Double.NaN}, {Double.POSITIVE_INFINITY, 103}});
    assertTrue(Double.isNaN(z[0][0]));
    assertEquals(0.0, z[0][1], 1e-12);
    assertEquals(0.0, z[1][0], 1e-12);
    assertTrue(Double.isNaN(z[1][1]));
    assertTrue(Double.isNaN(z[2][0]), "infinity is unusable and treated as missing");
  }

  @Test
  void constantColumnGetsFloorScaleAndBoundedDeviation() {
    double[][] raw = new double[500][2];
    for (int i = 0; i < raw.length; i++) {
      raw[i][0] = 7.0; // constant in training
      raw[i][1] = Math.sin(i);
    }
    FittedTransforms t = FittedTransforms.fit(raw, TWO, 10);
    assertTrue(t.scale(0) > 0 && Double.isFinite(t.scale(0)));
    assertEquals(FittedTransforms.CONSTANT_COLUMN_CLIP, t.clipBound(0), 0.0);
    assertEquals(10.0, t.clipBound(1), 0.0);
    double[][] z = t.apply(new double[][] {{7.0, 0}, {7.5, 0}, {1e9, 0}, {6.0, 0}});
    assertEquals(0.0, z[0][0], 0.0);
    assertEquals(3.0, z[1][0], 0.0, "a change after a constant period is capped, not infinite");
    assertEquals(3.0, z[2][0], 0.0);
    assertEquals(-3.0, z[3][0], 0.0);
  }

  @Test
  void robustScaleIgnoresOutliersAndClipsExtremes() {
    java.util.Random rnd = new java.util.Random(1);
    double[][] raw = new double[5000][2];
    for (int i = 0; i < raw.length; i++) {
      raw[i][0] = rnd.nextGaussian();
      raw[i][1] = i % 100 == 0 ? 1e6 : rnd.nextGaussian() * 2; // 1% wild outliers
    }
    FittedTransforms t = FittedTransforms.fit(raw, TWO, 5);
    assertEquals(1.0, t.scale(0), 0.05);
    assertEquals(2.0, t.scale(1), 0.15, "1% outliers must not inflate a robust scale");
    assertEquals(5.0, t.apply(new double[][] {{0, 1e6}})[0][1], 0.0);
  }

  @Test
  void log1pIsSignedAndMonotone() {
    List<MetricDef> defs = List.of(new MetricDef("rps", 1, Direction.BOTH, TransformKind.LOG1P));
    double[][] raw = new double[200][1];
    for (int i = 0; i < raw.length; i++) {
      raw[i][0] = Math.expm1(i % 20);
    }
    FittedTransforms t = FittedTransforms.fit(raw, defs, 100);
    assertTrue(t.log1p(0));
    double[][] z = t.apply(new double[][] {{-5}, {0}, {10}, {1000}});
    assertTrue(z[0][0] < z[1][0] && z[1][0] < z[2][0] && z[2][0] < z[3][0]);
    assertTrue(Double.isFinite(z[0][0]), "negative input stays defined under signed log1p");
  }

  @Test
  void rejectsRowsOfTheWrongWidth() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> FittedTransforms.fit(new double[][] {{1, 2, 3}}, TWO, 10));
    assertTrue(e.getMessage().contains("expected 2"));
  }
}
