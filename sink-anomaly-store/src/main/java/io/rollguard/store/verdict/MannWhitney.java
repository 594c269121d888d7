package io.rollguard.store.verdict;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Mann-Whitney U test (Wilcoxon rank-sum) of "the canary is shifted above the stable", with the
 * Hodges-Lehmann estimate of the shift: the test Kayenta's NetflixACAJudge runs per metric. The
 * verdict compares a few minutes, 5 to 20 points per role, where the normal approximation is off by
 * a factor of 1.5 or more in the tail, so small samples get exact p-values: without ties (at most
 * 400 pairs, e.g. 20 x 20) from the null distribution of U; with ties (a metric stuck at 0, values
 * forward-filled by Prometheus) by enumerating every split of the pooled mid-ranks (at most {@value
 * #EXACT_MAX_SPLITS} splits, e.g. 8 x 8). Larger samples get the normal approximation with tie and
 * continuity corrections.
 */
public final class MannWhitney {

  /** Above this many (canary x stable) pairs the exact distribution is not worth its table. */
  static final int EXACT_MAX_PAIRS = 400;

  /**
   * Most splits of a tied pooled sample the exact permutation test enumerates: C(16, 8) = 12 870.
   */
  static final int EXACT_MAX_SPLITS = 13_000;

  /**
   * One two-sample test.
   *
   * @param u the number of (canary, stable) pairs where the canary is higher, ties counting 1/2
   * @param pGreater one-sided p-value of "the canary is shifted up"
   * @param pLess one-sided p-value of "the canary is shifted down"
   * @param shift Hodges-Lehmann estimate of the shift canary - stable: the median of all pairwise
   *     differences, in the values' unit
   */
  public record Result(double u, double pGreater, double pLess, double shift) {}

  /** Exact tails by (n, m): the verdict asks for the same few sizes over and over. */
  private static final Map<Long, double[]> TAILS = new ConcurrentHashMap<>();

  private MannWhitney() {}

  /** Both samples non-empty and finite. */
  public static Result test(double[] canary, double[] stable) {
    int n = canary.length;
    int m = stable.length;
    if (n == 0 || m == 0) {
      throw new IllegalArgumentException(
          "Mann-Whitney needs two non-empty samples, got " + n + " and " + m);
    }
    double[] diffs = new double[n * m];
    double u = 0;
    int k = 0;
    for (double c : canary) {
      for (double s : stable) {
        double d = c - s;
        diffs[k++] = d;
        u += d > 0 ? 1 : (d == 0 ? 0.5 : 0);
      }
    }
    Arrays.sort(diffs);
    double shift = median(diffs);
    double[] all = new double[n + m];
    System.arraycopy(canary, 0, all, 0, n);
    System.arraycopy(stable, 0, all, n, m);
    Arrays.sort(all);
    double tieTerm = 0;
    for (int i = 0; i < all.length; ) {
      int j = i;
      while (j < all.length && all[j] == all[i]) {
        j++;
      }
      int t = j - i;
      tieTerm += (double) t * t * t - t;
      i = j;
    }
    double pGreater;
    double pLess;
    if (tieTerm == 0 && (long) n * m <= EXACT_MAX_PAIRS) {
      double[] cdfTail = TAILS.computeIfAbsent(((long) n << 32) | m, key -> exactUpperTail(n, m));
      // u is an integer here (no ties): P(U >= u) and P(U <= u) = P(U >= nm - u) by symmetry.
      int ui = (int) Math.round(u);
      pGreater = cdfTail[ui];
      pLess = cdfTail[n * m - ui];
    } else if (tieTerm != 0 && n + m <= 30 && binomial(n + m, n) <= EXACT_MAX_SPLITS) {
      double[] tails = exactWithTies(all, canary, n, m, u);
      pGreater = tails[0];
      pLess = tails[1];
    } else {
      double mean = n * (double) m / 2;
      double var = n * (double) m / 12 * ((n + m + 1) - tieTerm / ((double) (n + m) * (n + m - 1)));
      if (var <= 0) {
        // Every value equal: no evidence either way.
        return new Result(u, 1.0, 1.0, shift);
      }
      double sd = Math.sqrt(var);
      pGreater = upperNormal((u - mean - 0.5) / sd);
      pLess = upperNormal((mean - u - 0.5) / sd);
    }
    return new Result(u, Math.min(1, pGreater), Math.min(1, pLess), shift);
  }

  /**
   * {@code tail[u] = P(U >= u)} under the null hypothesis for sample sizes n, m without ties, by
   * the classic recursion on the number of arrangements (counts as doubles: C(100, 50) fits
   * easily).
   */
  static double[] exactUpperTail(int n, int m) {
    // counts[i][j][u]: arrangements of i canary and j stable values with U = u; rolled over i.
    int max = n * m;
    double[][] prev = new double[m + 1][];
    for (int j = 0; j <= m; j++) {
      prev[j] = new double[] {1.0}; // i = 0: one arrangement, U = 0
    }
    for (int i = 1; i <= n; i++) {
      double[][] cur = new double[m + 1][];
      cur[0] = new double[] {1.0};
      for (int j = 1; j <= m; j++) {
        // The largest value is a canary one (adds j to U) or a stable one (adds nothing).
        double[] a = prev[j];
        double[] b = cur[j - 1];
        int len = Math.max(a.length + j, b.length);
        double[] c = new double[len];
        for (int x = 0; x < a.length; x++) {
          c[x + j] += a[x];
        }
        for (int x = 0; x < b.length; x++) {
          c[x] += b[x];
        }
        cur[j] = c;
      }
      prev = cur;
    }
    double[] counts = prev[m];
    double total = 0;
    for (double c : counts) {
      total += c;
    }
    double[] tail = new double[max + 2];
    double acc = 0;
    for (int x = max; x >= 0; x--) {
      acc += x < counts.length ? counts[x] : 0;
      tail[x] = acc / total;
    }
    return tail;
  }

  /**
   * Exact one-sided p-values of U under ties: every way to choose which n of the pooled values are
   * the canary's is equally likely under the null; U of a split = sum of its mid-ranks - n(n+1)/2.
   *
   * @param sortedPooled the pooled sample, sorted
   * @return {P(U >= u), P(U <= u)}
   */
  static double[] exactWithTies(double[] sortedPooled, double[] canary, int n, int m, double u) {
    int size = n + m;
    double[] midRank = new double[size];
    for (int i = 0; i < size; ) {
      int j = i;
      while (j < size && sortedPooled[j] == sortedPooled[i]) {
        j++;
      }
      double r = (i + 1 + j) / 2.0; // ranks i+1..j share their mean
      for (int k = i; k < j; k++) {
        midRank[k] = r;
      }
      i = j;
    }
    double offset = n * (n + 1) / 2.0;
    double eps = 1e-9;
    long greater = 0;
    long less = 0;
    long total = 0;
    // Gosper's hack: every size-bit mask with n bits set, in increasing order.
    for (int mask = (1 << n) - 1; mask < (1 << size) && mask > 0; ) {
      double sum = 0;
      for (int bits = mask; bits != 0; bits &= bits - 1) {
        sum += midRank[Integer.numberOfTrailingZeros(bits)];
      }
      double us = sum - offset;
      greater += us >= u - eps ? 1 : 0;
      less += us <= u + eps ? 1 : 0;
      total++;
      int c = mask & -mask;
      int r = mask + c;
      mask = (((r ^ mask) >>> 2) / c) | r;
    }
    return new double[] {greater / (double) total, less / (double) total};
  }

  static long binomial(int n, int k) {
    long c = 1;
    for (int i = 1; i <= k; i++) {
      c = c * (n - k + i) / i;
    }
    return c;
  }

  static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
  }

  /** P(Z >= z) for a standard normal Z (complementary error function, Numerical Recipes' erfc). */
  static double upperNormal(double z) {
    return 0.5 * erfc(z / Math.sqrt(2));
  }

  private static double erfc(double x) {
    double z = Math.abs(x);
    double t = 1 / (1 + 0.5 * z);
    double r =
        t
            * Math.exp(
                -z * z
                    - 1.26551223
                    + t
                        * (1.00002368
                            + t
                                * (0.37409196
                                    + t
                                        * (0.09678418
                                            + t
                                                * (-0.18628806
                                                    + t
                                                        * (0.27886807
                                                            + t
                                                                * (-1.13520398
                                                                    + t
                                                                        * (1.48851587
                                                                            + t
                                                                                * (-0.82215223
                                                                                    + t
                                                                                        * 0.17087277)))))))));
    return x >= 0 ? r : 2 - r;
  }
}
