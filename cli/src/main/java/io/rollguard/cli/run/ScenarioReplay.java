package io.rollguard.cli.run;

import io.rollguard.cli.scenario.Scenario;
import io.rollguard.cli.scenario.ScenarioData;
import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.payload.ScoringKey;
import io.rollguard.common.registry.EntityId;
import io.rollguard.inference.trainer.HistorySource;
import java.time.Clock;
import java.util.List;
import java.util.Locale;

/**
 * The embedded default: a generated {@link DemoScenario}, its stable history and its canary phase.
 */
final class ScenarioReplay implements ReplaySource {

  private final Scenario scenario;
  private final String label;
  private final String description;
  private final int onsetStep;
  private final ScoringKey stableKey;
  private final ScoringKey canaryKey;
  private final ScenarioFeed feed;
  private final HistorySource history;

  ScenarioReplay(
      DemoScenario demo,
      ScoringKey stableKey,
      ScoringKey canaryKey,
      RollguardConfig config,
      Clock clock) {
    this(
        demo.scenario(),
        demo.kind().label(),
        demo.description(),
        demo.onsetStep(),
        stableKey,
        canaryKey,
        config,
        clock);
  }

  /**
   * @param onsetStep canary-phase step where the injected change starts, -1 for none
   */
  ScenarioReplay(
      Scenario scenario,
      String label,
      String description,
      int onsetStep,
      ScoringKey stableKey,
      ScoringKey canaryKey,
      RollguardConfig config,
      Clock clock) {
    this.scenario = scenario;
    this.label = label;
    this.description = description;
    this.onsetStep = onsetStep;
    this.stableKey = stableKey;
    this.canaryKey = canaryKey;
    ScenarioData data = scenario.generate();
    this.feed = new ScenarioFeed(stableKey, canaryKey, data.stable(), data.canary());
    this.history =
        new ScenarioHistorySource(
            new EntityId(stableKey.namespace(), stableKey.app()),
            List.of(data.history(), data.stable()),
            config.training().lookback(),
            config.prometheus().ingestionDelay(),
            clock);
  }

  @Override
  public String label() {
    return label;
  }

  @Override
  public String description() {
    return String.format(Locale.ROOT, "%s (seed %d)", description, scenario.seed());
  }

  @Override
  public ScoringKey stableKey() {
    return stableKey;
  }

  @Override
  public ScoringKey canaryKey() {
    return canaryKey;
  }

  @Override
  public long stepMillis() {
    return scenario.step().toMillis();
  }

  @Override
  public int steps() {
    return feed.steps();
  }

  @Override
  public long timestampOf(int step) {
    return feed.timestampOf(step);
  }

  @Override
  public List<LocalMessage> messagesAt(int step) {
    return feed.messagesAt(step);
  }

  @Override
  public HistorySource history() {
    return history;
  }

  @Override
  public long regressionOnsetMillis() {
    return onsetStep < 0 ? -1 : scenario.canaryStart().toEpochMilli() + onsetStep * stepMillis();
  }
}
