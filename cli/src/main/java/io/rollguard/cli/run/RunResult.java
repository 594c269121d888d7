package io.rollguard.cli.run;

import io.rollguard.common.config.VerdictSettings;
import io.rollguard.store.Verdict;
import java.util.List;
import java.util.Map;

/**
 * Everything a finished run reports.
 *
 * @param source what was replayed (scenario or Prometheus), with the compared keys
 * @param metrics the configured metric names, in column order
 * @param units each metric's configured unit ({@code metrics[].unit}), by name
 * @param verdictSettings the canary judgment's rule (configuration {@code verdict:})
 * @param verdict the final verdict, as the store's verdict endpoint answered it
 * @param timeline stored records and per-step verdicts
 * @param trainings the trainer's attempts
 * @param model the bundle scoring ended with, or null when none was trained
 * @param pipelineSummary the vertices' counters in one line
 * @param backends where registry and store lived, e.g. "directory registry target/..., in-memory
 *     store"
 * @param storeUrl the store's HTTP base URL
 * @param scoreSeries how many {@code rollguard_anomaly_score} series the store's {@code /metrics}
 *     served at the end
 * @param wallSeconds the run's wall time (generation, training, replay), without JVM start
 */
record RunResult(
    ReplaySource source,
    List<String> metrics,
    Map<String, String> units,
    VerdictSettings verdictSettings,
    Verdict verdict,
    RunTimeline timeline,
    List<TrainerStep.Attempt> trainings,
    ModelInfo model,
    String pipelineSummary,
    String backends,
    String storeUrl,
    int scoreSeries,
    double wallSeconds) {

  /** The bundle in use at the end of the run. */
  record ModelInfo(
      String version, String kind, int rows, long firstMillis, long lastMillis, long trainMillis) {}
}
