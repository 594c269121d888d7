package io.rollguard.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SvgChartsTest {

  @Test
  void valueAxisTicksAreRoundAndCoverTheValues() {
    assertEquals(List.of(0.6, 0.8, 1.0, 1.2), rounded(SvgCharts.niceTicks(0.62, 1.11)));
    assertEquals(
        List.of(0.004, 0.005, 0.006, 0.007, 0.008, 0.009),
        rounded(SvgCharts.niceTicks(0.0045, 0.0081)));
    List<Double> flat = SvgCharts.niceTicks(5, 5);
    assertTrue(flat.get(0) < 5 && flat.get(flat.size() - 1) > 5, flat.toString());
  }

  @Test
  void valueChartLabelsItsAxisWithTheGivenFormat() {
    long[] x = {0, 60_000, 120_000};
    String svg =
        SvgCharts.valueChart(
            300,
            120,
            0,
            120_000,
            List.of(new SvgCharts.Series("p99", "#000", x, new double[] {0.6, 0.7, 1.1}, false)),
            List.of(),
            v -> Math.round(v * 1000) + " ms",
            "p99");
    assertTrue(svg.contains(">600 ms</text>"), svg);
    assertTrue(svg.contains(">1200 ms</text>"), svg);
  }

  /**
   * A metric's colour must never read as a role's: no palette colour is a role's or a verdict's,
   * and none is a coloured (not grey) one within 30 degrees of hue of stable blue or canary orange.
   */
  @Test
  void metricPaletteStaysClearOfRoleAndVerdictColours() {
    List<String> roles = List.of(HtmlReport.STABLE_COLOR, HtmlReport.CANARY_COLOR);
    List<String> verdicts =
        List.of(HtmlReport.FAIL_COLOR, HtmlReport.PASS_COLOR, HtmlReport.INCONCLUSIVE_COLOR);
    for (String c : SvgCharts.PALETTE) {
      assertFalse(roles.contains(c) || verdicts.contains(c), c);
      double[] hc = hueChroma(c);
      if (hc[1] < 0.15) {
        continue; // a grey or near-black: no hue to confuse
      }
      for (String r : roles) {
        double d = Math.abs(hc[0] - hueChroma(r)[0]);
        d = Math.min(d, 360 - d);
        assertTrue(d >= 30, c + " is " + Math.round(d) + " degrees of hue from " + r);
      }
    }
  }

  private static List<Double> rounded(List<Double> ticks) {
    return ticks.stream().map(t -> Math.round(t * 1e9) / 1e9).toList();
  }

  /** Hue in degrees and chroma (max - min channel, 0-1) of {@code #rrggbb}. */
  private static double[] hueChroma(String hex) {
    double r = Integer.parseInt(hex.substring(1, 3), 16) / 255.0;
    double g = Integer.parseInt(hex.substring(3, 5), 16) / 255.0;
    double b = Integer.parseInt(hex.substring(5, 7), 16) / 255.0;
    double max = Math.max(r, Math.max(g, b));
    double min = Math.min(r, Math.min(g, b));
    double c = max - min;
    if (c == 0) {
      return new double[] {0, 0};
    }
    double h;
    if (max == r) {
      h = 60 * (((g - b) / c) % 6);
    } else if (max == g) {
      h = 60 * ((b - r) / c + 2);
    } else {
      h = 60 * ((r - g) / c + 4);
    }
    return new double[] {(h + 360) % 360, c};
  }
}
