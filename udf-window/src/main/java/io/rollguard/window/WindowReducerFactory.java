package io.rollguard.window;

import io.numaproj.numaflow.reducer.ReducerFactory;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.config.WindowSettings;
import io.rollguard.common.vertex.RateLimitedLog;
import java.time.Duration;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Creates one {@link WindowReducer} per (window, scoring key). Everything shared (assembler,
 * validator, counters, rate-limited log) is built once here and is thread-safe, so {@link
 * #createReducer()} stays cheap: the SDK calls it for every window of every key.
 */
public final class WindowReducerFactory extends ReducerFactory<WindowReducer> {

  /**
   * One log line per problem (reason) per period, whatever the scoring key: a bad producer repeats
   * the same problem for every message and, with sliding windows, for every window containing it,
   * and a hostile one varies the key; the counters carry the volume.
   */
  private static final Duration LOG_PERIOD = Duration.ofMinutes(1);

  /** Remembered reasons (sample rejections and window drops: a few dozen at most). */
  private static final int LOG_KEYS = 100;

  private final WindowAssembler assembler;
  private final SampleValidator validator;
  private final WindowMetrics metrics;
  private final WindowSpecGuard guard;
  private final RateLimitedLog problemLog =
      new RateLimitedLog(
          LoggerFactory.getLogger(WindowReducer.class), LOG_PERIOD, LOG_KEYS, System::nanoTime);

  /** Registers the counters on {@link PrometheusRegistry#defaultRegistry}. */
  public WindowReducerFactory(WindowSettings settings, List<String> metricOrder) {
    this(settings, metricOrder, PrometheusRegistry.defaultRegistry);
  }

  /**
   * @param settings the window grid, fill limit and minimum coverage
   * @param metricOrder the configured metric names: the column order of every emitted window
   * @param registry where the counters are registered (once per registry)
   */
  public WindowReducerFactory(
      WindowSettings settings, List<String> metricOrder, PrometheusRegistry registry) {
    this(settings, metricOrder, registry, WindowSpecGuard.reportOnly(settings));
  }

  /**
   * As above, with a guard that stops the vertex when Numaflow's window is not the configured one
   * (the vertex main's; see {@link WindowSpecGuard}).
   */
  WindowReducerFactory(
      WindowSettings settings,
      List<String> metricOrder,
      PrometheusRegistry registry,
      WindowSpecGuard guard) {
    this.assembler = new WindowAssembler(settings, metricOrder);
    this.validator = new SampleValidator(assembler.metrics());
    this.metrics = new WindowMetrics(registry);
    this.guard = guard;
  }

  @Override
  public WindowReducer createReducer() {
    return new WindowReducer(assembler, validator, metrics, problemLog, guard);
  }
}
