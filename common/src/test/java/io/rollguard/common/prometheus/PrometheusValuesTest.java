package io.rollguard.common.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PrometheusValuesTest {

  @Test
  void parsesTheSpecialValuesPrometheusWrites() {
    assertTrue(Double.isNaN(PrometheusValues.parse("NaN")));
    assertEquals(Double.POSITIVE_INFINITY, PrometheusValues.parse("+Inf"));
    assertEquals(Double.NEGATIVE_INFINITY, PrometheusValues.parse("-Inf"));
    assertEquals(0.0123, PrometheusValues.parse("0.0123"));
    assertEquals(1e-9, PrometheusValues.parse("1e-09"));
  }

  @Test
  void rejectsNonNumbers() {
    assertThrows(NumberFormatException.class, () -> PrometheusValues.parse("twelve"));
  }
}
