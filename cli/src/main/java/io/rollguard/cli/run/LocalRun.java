package io.rollguard.cli.run;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.cli.scenario.Scenario;
import io.rollguard.common.config.MetricSpec;
import io.rollguard.common.config.RegistrySettings;
import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.config.StoreSettings;
import io.rollguard.common.config.Urls;
import io.rollguard.common.payload.AnomalyRecord;
import io.rollguard.common.payload.ScoringKey;
import io.rollguard.common.prometheus.PrometheusClient;
import io.rollguard.common.prometheus.PrometheusException;
import io.rollguard.common.registry.Backends;
import io.rollguard.common.registry.BundleCache;
import io.rollguard.common.registry.EntityId;
import io.rollguard.common.registry.ModelRegistry;
import io.rollguard.common.registry.RegistryException;
import io.rollguard.common.registry.StoredBundle;
import io.rollguard.inference.trainer.TrainerMetrics;
import io.rollguard.inference.trainer.TrainingGuard;
import io.rollguard.inference.trainer.TrainingService;
import io.rollguard.source.SourceMetrics;
import io.rollguard.store.AnomalyScoreCollector;
import io.rollguard.store.AnomalyStoreSink;
import io.rollguard.store.MalformedRecordPolicy;
import io.rollguard.store.ScoreReader;
import io.rollguard.store.ScoreStore;
import io.rollguard.store.ScoreWriter;
import io.rollguard.store.StoreHttpServer;
import io.rollguard.store.StoreMetrics;
import io.rollguard.store.StoreVertexMain;
import io.rollguard.store.Verdict;
import io.rollguard.store.VerdictService;
import io.rollguard.store.verdict.CanaryJudge;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import redis.clients.jedis.exceptions.JedisException;

/**
 * One local run: the replay source (generated scenario or a real Prometheus), the registry, the
 * store with its HTTP API, and the {@link LocalPipeline} replaying the canary phase step by step.
 * {@link #start} builds everything and starts the HTTP server; {@link #replay} runs the steps;
 * {@link #close} stops and releases it all. The replayed event time is the run's time ({@link
 * ReplayClock}), so the verdict's "last 5 minutes", the store's staleness and the registry's TTLs
 * mean what they mean in a cluster.
 */
final class LocalRun implements AutoCloseable {

  /** Entity and pod-template hashes of the demo; hashes look like the ones Argo Rollouts sets. */
  static final String NAMESPACE = "demo";

  static final String APP = "checkout";
  static final String STABLE_HASH = "5c7d9b8f6d";
  static final String CANARY_HASH = "8f4b6c5d7a";

  /**
   * Marks a registry directory this command created, so a later run may wipe it (and nothing else).
   */
  static final String SCRATCH_MARKER = ".rollguard-run-scratch";

  /**
   * The flags of {@code rollguard run} that are not configuration (those are in the {@link
   * RollguardConfig} built by {@link RunConfig}).
   *
   * @param scenario which generated canary (ignored with {@code prometheus})
   * @param canaryMinutes steps to replay
   * @param port the store's HTTP port, 0 = any free port
   * @param prometheus the rollout to read from a real Prometheus, or null for the generated
   *     scenario
   */
  record Options(
      DemoScenario.Kind scenario,
      long seed,
      int historyDays,
      int canaryMinutes,
      int port,
      PrometheusTarget prometheus) {
    Options {
      Objects.requireNonNull(scenario, "scenario");
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("--port must be in 0..65535, got " + port);
      }
      if (canaryMinutes < 1) {
        throw new IllegalArgumentException("--canary-minutes must be >= 1, got " + canaryMinutes);
      }
    }
  }

  /**
   * The rollout to read from a real Prometheus instead of generating one.
   *
   * @param canaryHash the canary's pod-template hash, or null for the only canary in the range
   */
  record PrometheusTarget(String namespace, String app, String canaryHash) {
    PrometheusTarget {
      if (namespace == null || namespace.isBlank() || app == null || app.isBlank()) {
        throw new IllegalArgumentException(
            "--prometheus-url needs --namespace and --app (the entity to replay)");
      }
    }
  }

  /** Receives the run's progress (the console's live line). */
  interface Progress {
    void step(
        int step,
        int steps,
        long atMillis,
        AnomalyRecord stable,
        AnomalyRecord canary,
        String verdict);

    void training(TrainerStep.Attempt attempt, RunResult.ModelInfo model);
  }

  private final RollguardConfig config;
  private final ReplaySource source;
  private final ReplayClock clock;
  private final EntityId entity;
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final ModelRegistry registry;
  private final VerdictService verdicts;
  private final StoreHttpServer http;
  private final LocalPipeline pipeline;
  private final String backends;
  private final long startedNanos;

  /** Builds the replayed source once the run's clock and operational registry exist. */
  @FunctionalInterface
  interface SourceFactory {
    ReplaySource create(ReplayClock clock, PrometheusRegistry operational)
        throws IOException, PrometheusException, InterruptedException;
  }

  private LocalRun(SourceFactory sourceFactory, int port, RollguardConfig config, long startedNanos)
      throws IOException, PrometheusException, InterruptedException {
    this.config = config;
    this.startedNanos = startedNanos;
    // Moved to the first step's time once the source knows it (a Prometheus range ends at "now").
    this.clock = new ReplayClock(0);
    PrometheusRegistry operational = new PrometheusRegistry();
    try {
      source = sourceFactory.create(clock, operational);
      clock.advanceTo(source.timestampOf(0));
      entity = new EntityId(source.canaryKey().namespace(), source.canaryKey().app());
      Backends shared = Backends.open(config, clock);
      resources.add(shared);
      if (shared.shared()) {
        try {
          // Fail before the replay, with the address, rather than on the first write or verdict.
          shared.redis().ping();
        } catch (JedisException e) {
          throw new IOException(
              "cannot reach Redis at " + Urls.redact(config.redis().url()) + ": " + e.getMessage(),
              e);
        }
      }
      registry = shared.registry();
      BundleCache bundles = shared.bundleCache(operational);
      TrainingService training =
          new TrainingService(
              config,
              registry,
              source.history(),
              TrainingGuard.on(shared, "rollguard-run", clock),
              clock,
              new TrainerMetrics(operational));
      resources.add(training);

      StoreSettings store = config.store();
      StoreMetrics storeMetrics = new StoreMetrics(operational);
      ScoreStore scores = ScoreStore.on(shared, store, clock, storeMetrics);
      ScoreReader reader = scores.reader();
      ScoreWriter writer = scores.writer();
      backends =
          shared.shared()
              ? "Redis registry and Redis store at " + Urls.redact(config.redis().url())
              : shared.describe() + ", " + scores.description();
      verdicts =
          new VerdictService(reader, clock, CanaryJudge.of(config.verdict(), config.metrics()));
      http =
          new StoreHttpServer(
              port,
              StoreVertexMain.storeRegistry(
                  operational,
                  new AnomalyScoreCollector(
                      reader,
                      store.staleness(),
                      clock,
                      storeMetrics,
                      store.metricsMaxKeys(),
                      verdicts)),
              verdicts,
              storeMetrics);
      resources.add(http::stop);
      pipeline =
          new LocalPipeline(
              config,
              bundles,
              training,
              new AnomalyStoreSink(
                  writer,
                  config.metrics().stream().map(MetricSpec::name).toList(),
                  MalformedRecordPolicy.FAILURE,
                  storeMetrics,
                  AnomalyStoreSink.DEFAULT_CHUNK_SIZE),
              clock,
              operational);
    } catch (IOException | PrometheusException | InterruptedException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Builds the run and starts the store's HTTP server; the caller closes it. */
  static LocalRun start(Options options, RollguardConfig config)
      throws IOException, PrometheusException, InterruptedException {
    long started = System.nanoTime();
    if (config.registry().backend() == RegistrySettings.Backend.DIRECTORY) {
      prepareScratchRegistry(config.registry().directory());
    }
    SourceFactory factory =
        (clock, operational) -> {
          if (options.prometheus() == null) {
            DemoScenario demo =
                DemoScenario.of(
                    options.scenario(),
                    options.seed(),
                    options.historyDays(),
                    options.canaryMinutes(),
                    config.step(),
                    config.metricNames());
            return new ScenarioReplay(
                demo,
                demoKey(ScoringKey.ROLE_STABLE),
                demoKey(ScoringKey.ROLE_CANARY),
                config,
                clock);
          }
          PrometheusClient client = new PrometheusClient(config.prometheus());
          return PrometheusReplay.fetch(
              config,
              client,
              options.prometheus().namespace(),
              options.prometheus().app(),
              options.prometheus().canaryHash(),
              options.canaryMinutes(),
              Clock.systemUTC(),
              clock,
              new SourceMetrics(operational));
        };
    return new LocalRun(factory, options.port(), config, started);
  }

  /**
   * A run of a generated scenario (the canary benchmark's): same pipeline, store and verdict as
   * {@link #start}, HTTP API on a free port. The directory registry is kept as it is, so runs that
   * share a history can share the bundle the first of them trained (the trainer's freshness rule
   * decides, as in a cluster).
   */
  static LocalRun startScenario(
      Scenario scenario, String label, String description, int onsetStep, RollguardConfig config)
      throws IOException, PrometheusException, InterruptedException {
    long started = System.nanoTime();
    if (config.registry().backend() == RegistrySettings.Backend.DIRECTORY) {
      Files.createDirectories(config.registry().directory());
    }
    return new LocalRun(
        (clock, operational) ->
            new ScenarioReplay(
                scenario,
                label,
                description,
                onsetStep,
                demoKey(ScoringKey.ROLE_STABLE),
                demoKey(ScoringKey.ROLE_CANARY),
                config,
                clock),
        0,
        config,
        started);
  }

  static ScoringKey demoKey(String role) {
    return new ScoringKey(
        NAMESPACE, APP, role, ScoringKey.ROLE_STABLE.equals(role) ? STABLE_HASH : CANARY_HASH);
  }

  /** The directory of the embedded registry under {@code workDir}. */
  static Path registryDirectory(Path workDir) {
    return workDir.resolve("registry");
  }

  String storeUrl() {
    return "http://localhost:" + http.port();
  }

  /** The verdict endpoint's URL for the replayed canary. */
  String verdictUrl() {
    ScoringKey canary = source.canaryKey();
    return storeUrl()
        + "/api/v1/verdict?namespace="
        + encode(canary.namespace())
        + "&app="
        + encode(canary.app())
        + "&hash="
        + encode(canary.podTemplateHash());
  }

  ReplaySource source() {
    return source;
  }

  String backends() {
    return backends;
  }

  /**
   * Replays the canary phase through the pipeline and asks the store's HTTP API for the verdict.
   */
  RunResult replay(Progress progress) throws IOException, InterruptedException {
    ScoringKey canaryKey = source.canaryKey();
    RunTimeline timeline = new RunTimeline(source.stableKey(), canaryKey);
    AnomalyRecord lastStable = null;
    AnomalyRecord lastCanary = null;
    int steps = source.steps();
    for (int i = 0; i < steps; i++) {
      LocalPipeline.StepOutput out = pipeline.step(source.timestampOf(i), source.messagesAt(i));
      for (AnomalyRecord r : out.records()) {
        timeline.add(r);
        if (r.key().equals(canaryKey)) {
          lastCanary = r;
        } else if (r.key().equals(source.stableKey())) {
          lastStable = r;
        }
      }
      for (TrainerStep.Attempt attempt : out.trainings()) {
        progress.training(attempt, modelInfo().orElse(null));
      }
      // What an analysis run polling the verdict endpoint would see after this step.
      Verdict now =
          verdicts.verdict(canaryKey.namespace(), canaryKey.app(), canaryKey.podTemplateHash());
      timeline.addVerdict(
          new RunTimeline.VerdictPoint(
              clock.millis(),
              now.verdict(),
              now.canary() == null ? null : now.canary().unifiedScore(),
              now.stable() == null ? null : now.stable().unifiedScore(),
              now.topMetrics().isEmpty() || !now.topMetrics().get(0).worse()
                  ? null
                  : now.topMetrics().get(0).metric(),
              now.reason()));
      progress.step(i + 1, steps, clock.millis(), lastStable, lastCanary, now.verdict());
    }
    if (pipeline.storeFailures() > 0) {
      throw new IOException(
          pipeline.storeFailures()
              + " record(s) could not be written to the store: "
              + pipeline.lastStoreError());
    }
    Verdict verdict = verdictOverHttp();
    int scoreSeries = scoreSeriesOverHttp();
    Map<String, String> units = new LinkedHashMap<>();
    config.metrics().forEach(m -> units.put(m.name(), m.unit()));
    return new RunResult(
        source,
        config.metricNames(),
        units,
        config.verdict(),
        verdict,
        timeline,
        pipeline.trainings(),
        modelInfo().orElse(null),
        pipeline.summary(),
        backends,
        storeUrl(),
        scoreSeries,
        (System.nanoTime() - startedNanos) / 1e9);
  }

  /**
   * The final verdict through {@code GET /api/v1/verdict}, exactly as Argo Rollouts' web provider
   * asks.
   */
  private Verdict verdictOverHttp() throws IOException, InterruptedException {
    return new ObjectMapper()
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
        .readValue(get(verdictUrl()), Verdict.class);
  }

  /**
   * How many {@code rollguard_anomaly_score} series {@code GET /metrics} exports, as Prometheus
   * would scrape.
   */
  private int scoreSeriesOverHttp() throws IOException, InterruptedException {
    String prefix = AnomalyScoreCollector.SCORE + "{";
    return (int) get(storeUrl() + "/metrics").lines().filter(l -> l.startsWith(prefix)).count();
  }

  private static String get(String url) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(
          "GET " + url + " answered " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }

  private Optional<RunResult.ModelInfo> modelInfo() {
    Optional<StoredBundle> latest;
    try {
      latest = registry.loadLatest(entity);
    } catch (RegistryException e) {
      return Optional.empty();
    }
    return latest.map(
        b ->
            new RunResult.ModelInfo(
                b.version().id(),
                b.bundle().summary().modelKind(),
                b.bundle().summary().rows(),
                b.bundle().summary().firstTimestampMillis(),
                b.bundle().summary().lastTimestampMillis(),
                b.bundle().summary().durationMillis()));
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /**
   * Empties the embedded registry's directory when an earlier run created it, so every run trains
   * its own model; refuses a directory it did not create rather than deleting someone's files.
   */
  static void prepareScratchRegistry(Path dir) throws IOException {
    if (Files.exists(dir)) {
      if (!Files.exists(dir.resolve(SCRATCH_MARKER))) {
        throw new IllegalArgumentException(
            "registry directory "
                + dir
                + " exists and was not created by"
                + " 'rollguard run'; choose another --work-dir");
      }
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(dir);
    Files.writeString(
        dir.resolve(SCRATCH_MARKER),
        "created by 'rollguard run'; deleted and recreated by the next run\n");
  }

  @Override
  public void close() {
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        // Closing is best effort at the end of a run; nothing depends on it any more.
      }
    }
  }
}
