package io.rollguard.cli.run;

import io.rollguard.cli.scenario.Scenario;
import io.rollguard.common.config.ConfigException;
import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.payload.AnomalyRecord;
import io.rollguard.common.payload.ScoringKey;
import io.rollguard.common.prometheus.PrometheusException;
import io.rollguard.store.InMemoryAnomalyStore;
import io.rollguard.store.Verdict;
import io.rollguard.store.VerdictService;
import io.rollguard.store.verdict.CanaryJudge;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Replays one generated {@link Scenario} through the whole local pipeline of {@code rollguard run}
 * (window, preprocess, inference, trainer, postprocess, anomaly store, verdict) and returns the
 * verdict the store's verdict API gave after every step: what an Argo Rollouts analysis polling it
 * every minute would have seen. For the canary benchmark ({@code evaluate canary}).
 */
public final class ScenarioRunner {

  /**
   * The verdict after one step.
   *
   * @param atMillis the replay time of the verdict (end of the step)
   * @param topMetric the first metric blamed, null when none is worse than the stable
   */
  public record Step(long atMillis, String verdict, String topMetric, String reason) {}

  /**
   * What one replay produced.
   *
   * @param canaryRecords the canary's stored records, oldest first
   * @param stableRecords the stable's stored records, oldest first
   */
  public record Outcome(
      List<Step> steps,
      int trainings,
      boolean modelUsed,
      List<AnomalyRecord> canaryRecords,
      List<AnomalyRecord> stableRecords) {}

  private ScenarioRunner() {}

  /**
   * Empties {@code dir} when an earlier benchmark created it (or creates it), so every benchmark
   * trains its own models; refuses a directory it did not create.
   */
  public static void prepareScratch(Path dir) throws IOException {
    LocalRun.prepareScratchRegistry(dir);
  }

  /**
   * The configuration of such a run: the bundled default (or {@code configFile}), with the
   * directory registry at {@code registryDirectory}, validated like a vertex's.
   */
  public static RollguardConfig config(Path configFile, Path registryDirectory)
      throws ConfigException {
    return RunConfig.build(configFile, registryDirectory, null, null, Map.of());
  }

  /**
   * @param config the run's configuration; its directory registry is reused as it is (runs sharing
   *     a history share the bundle the first of them trained)
   */
  /**
   * The verdicts of an earlier replay's records under another rule: the same store and verdict
   * service, the clock set to each step's time. For tuning the rule without replaying the pipeline.
   */
  public static Outcome rejudge(Outcome replayed, RollguardConfig config) {
    List<AnomalyRecord> all = new ArrayList<>(replayed.canaryRecords());
    all.addAll(replayed.stableRecords());
    long last = all.stream().mapToLong(AnomalyRecord::timestamp).max().orElse(0);
    InMemoryAnomalyStore store =
        new InMemoryAnomalyStore(
            config.store().historyLength(),
            config.store().historyTtl(),
            Clock.fixed(Instant.ofEpochMilli(last), ZoneOffset.UTC));
    store.write(all);
    CanaryJudge judge = CanaryJudge.of(config.verdict(), config.metrics());
    ScoringKey canary = LocalRun.demoKey(ScoringKey.ROLE_CANARY);
    List<Step> steps = new ArrayList<>();
    for (Step old : replayed.steps()) {
      VerdictService verdicts =
          new VerdictService(
              store, Clock.fixed(Instant.ofEpochMilli(old.atMillis()), ZoneOffset.UTC), judge);
      Verdict v = verdicts.verdict(canary.namespace(), canary.app(), canary.podTemplateHash());
      steps.add(
          new Step(
              old.atMillis(),
              v.verdict(),
              v.topMetrics().isEmpty() || !v.topMetrics().get(0).worse()
                  ? null
                  : v.topMetrics().get(0).metric(),
              v.reason()));
    }
    return new Outcome(
        steps,
        replayed.trainings(),
        replayed.modelUsed(),
        replayed.canaryRecords(),
        replayed.stableRecords());
  }

  public static Outcome run(Scenario scenario, String label, int onsetStep, RollguardConfig config)
      throws IOException, PrometheusException, InterruptedException {
    try (LocalRun run = LocalRun.startScenario(scenario, label, label, onsetStep, config)) {
      boolean[] model = new boolean[1];
      RunResult result =
          run.replay(
              new LocalRun.Progress() {
                @Override
                public void step(
                    int step,
                    int steps,
                    long atMillis,
                    AnomalyRecord stable,
                    AnomalyRecord canary,
                    String verdict) {
                  model[0] |= canary != null && canary.source() == AnomalyRecord.Source.MODEL;
                }

                @Override
                public void training(TrainerStep.Attempt attempt, RunResult.ModelInfo modelInfo) {}
              });
      List<Step> steps = new ArrayList<>();
      for (RunTimeline.VerdictPoint p : result.timeline().verdicts()) {
        steps.add(new Step(p.atMillis(), p.verdict(), p.topMetric(), p.reason()));
      }
      return new Outcome(
          steps,
          result.trainings().size(),
          model[0],
          result.timeline().canary(),
          result.timeline().stable());
    }
  }
}
