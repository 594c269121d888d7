package io.rollguard.store.verdict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MannWhitneyTest {

  @Test
  void perfectSeparationHasTheExactSmallestPValue() {
    MannWhitney.Result r =
        MannWhitney.test(new double[] {6, 7, 8, 9, 10}, new double[] {1, 2, 3, 4, 5});
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
    MannWhitney.Result tied =
        MannWhitney.test(new double[] {0, 1, 1, 2, 2, 2}, new double[] {0, 0, 0, 1, 1, 0});
    assertTrue(tied.pGreater() < 0.05 && tied.pGreater() > 0.001, "p " + tied.pGreater());
    assertTrue(tied.pLess() > 0.9);
    // Large tied samples: the normal approximation.
    double[] a = new double[20];
    double[] b = new double[20];
    for (int i = 0; i < 20; i++) {
      a[i] = i % 5 + 1;
      b[i] = i % 5;
    }
    MannWhitney.Result big = MannWhitney.test(a, b);
    assertTrue(big.pGreater() < 0.05 && big.pGreater() > 1e-4, "p " + big.pGreater());
  }

  @Test
  void tiedSmallSamplesGetTheExactPermutationPValue() {
    // Six canary values above six stable values, two of each pair duplicated (forward-filled
    // samples): still the one most extreme split of C(12, 6) = 924, but the tied canary values can
    // trade places with each other only, so P(U >= 36) = 1/924 exactly, where the normal
    // approximation would say 0.0025 and never reach a 0.002 test.
    MannWhitney.Result r =
        MannWhitney.test(new double[] {5, 5, 6, 7, 7, 8}, new double[] {1, 1, 2, 3, 3, 4});
    assertEquals(36, r.u());
    assertEquals(1.0 / 924, r.pGreater(), 1e-12);
    // Ties across the roles: U counts them as halves; the enumeration agrees with brute force here.
    double[] c = {1, 2, 2, 3};
    double[] s = {0, 1, 2};
    MannWhitney.Result tied = MannWhitney.test(c, s);
    assertEquals(9.5, tied.u());
    // The 35 splits of {0, 1, 2, 1, 2, 2, 3} counted by brute force.
    int at = 0;
    double[] pooled = {0, 1, 1, 2, 2, 2, 3};
    int splits = 0;
    for (int mask = 0; mask < 1 << 7; mask++) {
      if (Integer.bitCount(mask) != 4) {
        continue;
      }
      splits++;
      double u = 0;
      for (int i = 0; i < 7; i++) {
        for (int j = 0; j < 7; j++) {
          if ((mask & 1 << i) != 0 && (mask & 1 << j) == 0) {
            u += pooled[i] > pooled[j] ? 1 : pooled[i] == pooled[j] ? 0.5 : 0;
          }
        }
      }
      at += u >= 9.5 - 1e-9 ? 1 : 0;
    }
    assertEquals(35, splits);
    assertEquals(at / 35.0, tied.pGreater(), 1e-12);
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
    assertThrows(
        IllegalArgumentException.class, () -> MannWhitney.test(new double[0], new double[] {1}));
  }
}
