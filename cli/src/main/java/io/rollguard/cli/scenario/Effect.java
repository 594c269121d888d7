package io.rollguard.cli.scenario;

import java.util.Objects;

/**
 * A change injected into a generated series from {@code onsetStep} (inclusive) for {@code
 * durationSteps} steps, both counted from the start of the canary phase.
 *
 * @param kind what changes, and how {@code magnitude} is read
 * @param onsetStep first affected step of the canary phase, >= 0
 * @param durationSteps how many steps the effect lasts; {@link #UNTIL_END} = to the end of the
 *     series
 * @param magnitude size of the effect, see {@link EffectKind}
 */
public record Effect(EffectKind kind, int onsetStep, int durationSteps, double magnitude) {

  /** {@code durationSteps} value for an effect that never ends. */
  public static final int UNTIL_END = Integer.MAX_VALUE;

  public Effect {
    Objects.requireNonNull(kind, "effect field 'kind' is null");
    if (onsetStep < 0) {
      throw new IllegalArgumentException("effect field 'onsetStep' must be >= 0, got " + onsetStep);
    }
    if (durationSteps <= 0) {
      throw new IllegalArgumentException(
          "effect field 'durationSteps' must be > 0, got " + durationSteps);
    }
    if (!Double.isFinite(magnitude)) {
      throw new IllegalArgumentException(
          "effect field 'magnitude' must be finite, got " + magnitude);
    }
    switch (kind) {
      case ERROR_RATIO -> requireRange(magnitude, 0, 1, true);
      case THROUGHPUT_DROP -> requireRange(magnitude, 0, 1, false);
      case TRAFFIC_SURGE, MEMORY_LEAK_PER_HOUR, CPU_INCREASE ->
          requireRange(magnitude, 0, Double.MAX_VALUE, false);
      default -> {} // latency shifts may be negative (an improvement)
    }
  }

  public static Effect latencyIncreaseMs(int onsetStep, double ms) {
    return new Effect(EffectKind.LATENCY_INCREASE_MS, onsetStep, UNTIL_END, ms);
  }

  public static Effect latencyShiftSigmas(int onsetStep, double sigmas) {
    return new Effect(EffectKind.LATENCY_SHIFT_SIGMAS, onsetStep, UNTIL_END, sigmas);
  }

  public static Effect errorRatio(int onsetStep, double ratio) {
    return new Effect(EffectKind.ERROR_RATIO, onsetStep, UNTIL_END, ratio);
  }

  public static Effect memoryLeak(int onsetStep, double fractionPerHour) {
    return new Effect(EffectKind.MEMORY_LEAK_PER_HOUR, onsetStep, UNTIL_END, fractionPerHour);
  }

  public static Effect throughputDrop(int onsetStep, double fraction) {
    return new Effect(EffectKind.THROUGHPUT_DROP, onsetStep, UNTIL_END, fraction);
  }

  public static Effect cpuIncrease(int onsetStep, double fraction) {
    return new Effect(EffectKind.CPU_INCREASE, onsetStep, UNTIL_END, fraction);
  }

  public static Effect trafficSurge(int onsetStep, int durationSteps, double factor) {
    return new Effect(EffectKind.TRAFFIC_SURGE, onsetStep, durationSteps, factor);
  }

  /** Whether canary-phase step {@code step} is under this effect. */
  public boolean activeAt(int step) {
    return step >= onsetStep && (long) step - onsetStep < durationSteps;
  }

  /** Steps elapsed since onset at {@code step} (0 at onset); only meaningful when active. */
  public int stepsSinceOnset(int step) {
    return step - onsetStep;
  }

  private void requireRange(double v, double lo, double hi, boolean closedLow) {
    boolean ok = (closedLow ? v >= lo : v > lo) && v < hi;
    if (!ok) {
      throw new IllegalArgumentException(
          "effect field 'magnitude' for "
              + kind
              + " must be in "
              + (closedLow ? "[" : "(")
              + lo
              + ", "
              + hi
              + "), got "
              + v);
    }
  }
}
