package io.rollguard.cli.scenario;

/** What an {@link Effect} does to the generated series; the meaning of its magnitude per kind. */
public enum EffectKind {
  /**
   * Adds {@code magnitude} ms to every latency quantile (e.g. 400 = "+400 ms" = +0.4 in the
   * series).
   */
  LATENCY_INCREASE_MS(true),
  /** Adds {@code magnitude} standard deviations of each latency quantile's per-step noise. */
  LATENCY_SHIFT_SIGMAS(true),
  /** Replaces the baseline error ratio by {@code magnitude} (e.g. 0.08 = 8% of requests fail). */
  ERROR_RATIO(true),
  /**
   * Memory grows by {@code magnitude} x the baseline memory per hour since onset, without bound.
   */
  MEMORY_LEAK_PER_HOUR(true),
  /** Served requests (and the CPU they cost) drop by the fraction {@code magnitude}, in (0, 1). */
  THROUGHPUT_DROP(true),
  /**
   * CPU per request rises by the fraction {@code magnitude} (0.5 = +50% CPU at the same traffic).
   */
  CPU_INCREASE(true),
  /**
   * Offered traffic is multiplied by {@code magnitude}; CPU, latency and in-flight requests follow.
   * Not a regression: meant to hit stable and canary alike.
   */
  TRAFFIC_SURGE(false);

  private final boolean regression;

  EffectKind(boolean regression) {
    this.regression = regression;
  }

  /** Whether rows under this effect are labelled anomalous. */
  public boolean isRegression() {
    return regression;
  }
}
