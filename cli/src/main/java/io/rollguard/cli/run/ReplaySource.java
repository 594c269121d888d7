package io.rollguard.cli.run;

import io.rollguard.common.payload.ScoringKey;
import io.rollguard.inference.trainer.HistorySource;
import java.util.List;

/**
 * Where a local run's samples and the trainer's history come from: the embedded scenario ({@link
 * ScenarioReplay}) or a real Prometheus ({@link PrometheusReplay}). Steps are replayed in order;
 * the run's clock is the event time of the step being replayed.
 */
interface ReplaySource {

  /** Short name for the report, e.g. {@code regression} or {@code prometheus}. */
  String label();

  /** One line saying what is replayed. */
  String description();

  ScoringKey stableKey();

  ScoringKey canaryKey();

  long stepMillis();

  int steps();

  /** Event time of step {@code step}, increasing by {@link #stepMillis} per step. */
  long timestampOf(int step);

  /** The source vertex's messages of step {@code step} (one per scoring key that has data then). */
  List<LocalMessage> messagesAt(int step);

  /**
   * The trainer's history; reads the time from the run's clock, like the Prometheus history source.
   */
  HistorySource history();

  /** When an injected regression starts, or -1 when there is none or it is not known. */
  long regressionOnsetMillis();
}
