package io.rollguard.store.verdict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MannWhitneyTest {

  @Test
  void perfectSeparationHasTheExactSmallestPValue() {
    MannWhitney.Result r = MannWhitney.test(new double[] {6, 7, 8, 9, 10}, new double[] {1, 2, 3, 4, 5});
    assertEquals(25, r.u());
    assertEquals(1.0 / 252, r.pGreater(), 1e-12); // one arrangement of C(10, 5)
    assertEquals(1.0, r.pLess(), 1e-12);
    assertEquals(5, r.shift()); // median of the 25 pairwise differences 1..9
  }

  @Test
  void exactTailMatchesBruteForceEnumeration() {
    // n = 3, m = 4: every way to choose which 3 of 7 ranks are the canary's.
    int n = 3;
    int m = 4;
    int[] counts = new int[n * m + 1];
    int total = 0;
    for (int mask = 0; mask < 1 << (n + m); mask++) {
      if (Integer.bitCount(mask) != n) {
        continue;
      }
      int u = 0;
      for (int i = 0; i < n + m; i++) {
        if ((mask & 1 << i) != 0) {
          for (int j = 0; j < i; j++) {
            u += (mask & 1 << j) == 0 ? 1 : 0; // stable values ranked below this canary value
          }
        }
      }
      counts[u]++;
      total++;
    }
    double[] tail = MannWhitney.exactUpperTail(n, m);
    double acc = 0;
    for (int u = n * m; u >= 0; u--) {
      acc += counts[u];
      assertEquals(acc / total, tail[u], 1e-12, "P(U >= " + u + ")");
    }
  }

  @Test
  void tiesUseTheNormalApproximationAndIdenticalSamplesShowNothing() {
    MannWhitney.Result same = MannWhitney.test(new double[] {0, 0, 0}, new double[] {0, 0, 0, 0});
    assertEquals(1.0, same.pGreater());
    assertEquals(1.0, same.pLess());
    MannWhitney.Result tied = MannWhitney.test(new double[] {0, 1, 1, 2, 2, 2}, new double[] {0, 0, 0, 1, 1, 0});
    assertTrue(tied.pGreater() < 0.05 && tied.pGreater() > 0.001, "p " + tied.pGreater());
    assertTrue(tied.pLess() > 0.9);
  }

  @Test
  void underTheNullAFivePerCentTestRejectsAboutFivePerCent() {
    Random rnd = new Random(1);
    int rejected = 0;
    int trials = 4000;
    for (int t = 0; t < trials; t++) {
      double[] a = new double[8];
      double[] b = new double[8];
      for (int i = 0; i < 8; i++) {
        a[i] = rnd.nextGaussian();
        b[i] = rnd.nextGaussian();
      }
      rejected += MannWhitney.test(a, b).pGreater() < 0.05 ? 1 : 0;
    }
    // The exact test is conservative (discrete U): at most 5%, not far below.
    assertEquals(0.045, rejected / (double) trials, 0.012);
  }

  @Test
  void emptySampleIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> MannWhitney.test(new double[0], new double[] {1}));
  }
}
