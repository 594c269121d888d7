package io.rollguard.cli.run;

import io.rollguard.common.config.MetricSpec;
import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.config.Urls;
import io.rollguard.common.payload.PayloadCodec;
import io.rollguard.common.payload.Sample;
import io.rollguard.common.payload.ScoringKey;
import io.rollguard.common.prometheus.PrometheusClient;
import io.rollguard.common.prometheus.PrometheusException;
import io.rollguard.common.prometheus.StepGrid;
import io.rollguard.inference.trainer.HistorySource;
import io.rollguard.inference.trainer.PrometheusHistorySource;
import io.rollguard.source.MetricQuery;
import io.rollguard.source.SampleAssembler;
import io.rollguard.source.SourceMetrics;
import io.rollguard.source.StepFetcher;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code rollguard run --prometheus-url}: the last {@code steps} steps of one entity, read from a
 * real Prometheus with the source vertex's own classes ({@link StepFetcher}, {@link
 * SampleAssembler}: the configured queries, step-aligned {@code query_range}, one sample per
 * scoring key and step), and the trainer's history from the same Prometheus ({@link
 * PrometheusHistorySource}) ending where the replay starts, so the model never sees the canary
 * phase it scores.
 *
 * <p>The queries are rendered for the one entity (the trainer's placeholders), not for every entity
 * as the source vertex does: a local run looks at one rollout.
 */
final class PrometheusReplay implements ReplaySource {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  private final String description;
  private final ScoringKey stableKey;
  private final ScoringKey canaryKey;
  private final StepGrid grid;
  private final List<List<LocalMessage>> messages;
  private final HistorySource history;

  private PrometheusReplay(
      String description,
      ScoringKey stableKey,
      ScoringKey canaryKey,
      StepGrid grid,
      List<List<LocalMessage>> messages,
      HistorySource history) {
    this.description = description;
    this.stableKey = stableKey;
    this.canaryKey = canaryKey;
    this.grid = grid;
    this.messages = messages;
    this.history = history;
  }

  /**
   * Reads the entity's last {@code steps} steps (ending {@code prometheus.ingestionDelay} before
   * the wall clock's now).
   *
   * @param canaryHash the canary's pod-template hash, or null to take the only one in the range
   * @param runClock the run's clock, which the trainer's history source reads
   * @throws IllegalArgumentException when the range has no canary (or several and none was chosen)
   */
  static PrometheusReplay fetch(
      RollguardConfig config,
      PrometheusClient client,
      String namespace,
      String app,
      String canaryHash,
      int steps,
      Clock wallClock,
      Clock runClock,
      SourceMetrics metrics)
      throws PrometheusException, InterruptedException {
    long stepMillis = config.step().toMillis();
    long last =
        Math.floorDiv(
                wallClock.instant().minus(config.prometheus().ingestionDelay()).toEpochMilli(),
                stepMillis)
            * stepMillis;
    StepGrid grid = new StepGrid(last - (steps - 1L) * stepMillis, stepMillis, steps);
    Map<String, String> placeholders = config.queryPlaceholders(namespace, app);
    List<MetricQuery> queries = new ArrayList<>();
    for (MetricSpec spec : config.metrics()) {
      queries.add(new MetricQuery(spec.name(), spec.render(placeholders)));
    }
    StepFetcher fetcher =
        new StepFetcher(
            client,
            queries,
            new SampleAssembler(config.entity(), config.metricNames(), metrics),
            metrics);
    List<List<Sample>> samples = fetcher.fetch(grid);

    Map<String, Integer> stableCounts = new TreeMap<>();
    TreeSet<String> canaryHashes = new TreeSet<>();
    List<List<LocalMessage>> messages = new ArrayList<>(grid.points());
    PayloadCodec codec = PayloadCodec.shared();
    for (int i = 0; i < grid.points(); i++) {
      List<LocalMessage> step = new ArrayList<>();
      for (Sample s : samples.get(i)) {
        ScoringKey key = s.key();
        if (!key.namespace().equals(namespace) || !key.app().equals(app)) {
          continue;
        }
        if (ScoringKey.ROLE_CANARY.equals(key.role())) {
          canaryHashes.add(key.podTemplateHash());
        } else {
          stableCounts.merge(key.podTemplateHash(), 1, Integer::sum);
        }
        step.add(new LocalMessage(key.toKeys(), codec.encode(s), null, s.timestamp()));
      }
      messages.add(List.copyOf(step));
    }
    String canary = chooseCanary(canaryHash, canaryHashes, namespace, app, grid);
    String stable = null;
    int most = 0;
    for (Map.Entry<String, Integer> e : stableCounts.entrySet()) {
      if (e.getValue() > most && !e.getKey().equals(canary)) {
        stable = e.getKey();
        most = e.getValue();
      }
    }
    ScoringKey canaryKey = new ScoringKey(namespace, app, ScoringKey.ROLE_CANARY, canary);
    ScoringKey stableKey =
        stable == null ? null : new ScoringKey(namespace, app, ScoringKey.ROLE_STABLE, stable);
    String description =
        String.format(
            "Prometheus %s: %s/%s, canary %s vs %s, %d steps from %s",
            Urls.redact(client.settings().baseUrl()),
            namespace,
            app,
            canary,
            stable == null ? "no stable" : "stable " + stable,
            grid.points(),
            TIME.format(Instant.ofEpochMilli(grid.startMillis())));
    return new PrometheusReplay(
        description,
        stableKey,
        canaryKey,
        grid,
        List.copyOf(messages),
        new PrometheusHistorySource(client, config, runClock));
  }

  private static String chooseCanary(
      String wanted, SortedSet<String> seen, String namespace, String app, StepGrid grid) {
    String range =
        TIME.format(Instant.ofEpochMilli(grid.startMillis()))
            + " to "
            + TIME.format(Instant.ofEpochMilli(grid.endMillis()));
    if (wanted != null) {
      if (!seen.contains(wanted)) {
        throw new IllegalArgumentException(
            "--canary-hash "
                + wanted
                + ": no canary series of "
                + namespace
                + "/"
                + app
                + " with that hash from "
                + range
                + " (seen: "
                + seen
                + ")");
      }
      return wanted;
    }
    if (seen.size() != 1) {
      throw new IllegalArgumentException(
          (seen.isEmpty() ? "no canary series" : "several canaries " + seen)
              + " of "
              + namespace
              + "/"
              + app
              + " from "
              + range
              + "; "
              + (seen.isEmpty()
                  ? "check --namespace/--app and the entity labels of the config"
                  : "choose one with --canary-hash"));
    }
    return seen.first();
  }

  @Override
  public String label() {
    return "prometheus";
  }

  @Override
  public String description() {
    return description;
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
    return grid.stepMillis();
  }

  @Override
  public int steps() {
    return grid.points();
  }

  @Override
  public long timestampOf(int step) {
    return grid.timestampAt(step);
  }

  @Override
  public List<LocalMessage> messagesAt(int step) {
    return messages.get(step);
  }

  @Override
  public HistorySource history() {
    return history;
  }

  @Override
  public long regressionOnsetMillis() {
    return -1;
  }
}
