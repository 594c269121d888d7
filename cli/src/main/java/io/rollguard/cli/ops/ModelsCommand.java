package io.rollguard.cli.ops;

import io.rollguard.common.config.ConfigException;
import io.rollguard.common.config.ConfigLoader;
import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.detect.CalibrationData;
import io.rollguard.common.detect.MetricDef;
import io.rollguard.common.detect.ModelBundle;
import io.rollguard.common.detect.TrainingSummary;
import io.rollguard.common.registry.Backends;
import io.rollguard.common.registry.BundleVersion;
import io.rollguard.common.registry.DirectoryModelRegistry;
import io.rollguard.common.registry.EntityId;
import io.rollguard.common.registry.ModelRegistry;
import io.rollguard.common.registry.RegistryException;
import io.rollguard.common.registry.StoredBundle;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code rollguard models list|show}: what the model registry holds (Redis, or a directory), read
 * through the registry API the vertices use, so every bundle shown passed the same format and
 * checksum checks as one that scores.
 */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description =
        "Read the model registry (Redis or a directory): list the entities and their latest model,"
            + " or show one model in full.",
    subcommands = {ModelsCommand.List.class, ModelsCommand.Show.class})
public final class ModelsCommand implements Runnable {

  public static final int EXIT_OK = 0;
  public static final int EXIT_NOT_FOUND = 1;
  public static final int EXIT_REGISTRY_ERROR = 3;
  public static final int EXIT_USAGE = 4;

  static final String EXIT_CODES_HEADING = "%nExit status:%n";

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Where the registry is: the configuration's, or one given on the command line. */
  static final class RegistryOptions {
    @Option(
        names = "--config",
        paramLabel = "FILE",
        description =
            "A Rollguard configuration (registry, redis sections; REDIS_URL, REDIS_PASSWORD, ..."
                + " from the environment as in the vertices). Default: the bundled one.")
    Path config;

    @Option(
        names = "--redis-url",
        paramLabel = "URL",
        description = "Read the Redis registry at this URL.")
    String redisUrl;

    @Option(
        names = "--directory",
        paramLabel = "DIR",
        description = "Read the directory registry at this path.")
    Path directory;

    RollguardConfig loadConfig() throws ConfigException {
      Map<String, String> env = new HashMap<>(System.getenv());
      if (redisUrl != null) {
        env.put("REDIS_URL", redisUrl);
        env.put("ROLLGUARD_REGISTRY_BACKEND", "redis");
      }
      return config == null ? ConfigLoader.loadDefault(env) : ConfigLoader.load(config, env);
    }

    /** The registry to read and what to close afterwards (the backends, or the registry). */
    Backends open(RollguardConfig config, Clock clock) {
      if (redisUrl != null && directory != null) {
        throw new IllegalArgumentException("--redis-url and --directory are exclusive");
      }
      return Backends.open(config, clock);
    }

    /** The registry: {@code --directory} when given, else the one the configuration selects. */
    ModelRegistry registry(RollguardConfig config, Backends backends, Clock clock) {
      return directory != null
          ? new DirectoryModelRegistry(directory, config.registry().bundleTtl(), clock)
          : backends.registry();
    }
  }

  /** Runs {@code body} on the opened registry, mapping failures to exit codes and messages. */
  interface RegistryAction {
    int run(ModelRegistry registry, RollguardConfig config, PrintWriter out, PrintWriter err)
        throws RegistryException;
  }

  static int withRegistry(
      CommandSpec spec, RegistryOptions options, Clock clock, RegistryAction action) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    RollguardConfig config;
    Backends backends;
    ModelRegistry registry;
    try {
      config = options.loadConfig();
      backends = options.open(config, clock);
      registry = options.registry(config, backends, clock);
    } catch (ConfigException | IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      return EXIT_USAGE;
    }
    try (backends) {
      return action.run(registry, config, out, err);
    } catch (RegistryException e) {
      err.println("error: " + e.getMessage());
      return EXIT_REGISTRY_ERROR;
    } catch (RuntimeException e) {
      // Jedis' pool reports an unreachable server as an unchecked exception.
      err.println("error: the " + registry.backendName() + " registry failed: " + e.getMessage());
      return EXIT_REGISTRY_ERROR;
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      exitCodeOnInvalidInput = EXIT_USAGE,
      description =
          "List every entity (namespace/app) with its latest model: version, training time, model,"
              + " data range.",
      exitCodeListHeading = EXIT_CODES_HEADING,
      exitCodeList = {
        "0:listed (also when the registry is empty)",
        "3:the registry cannot be read",
        "4:invalid arguments or configuration"
      })
  static final class List implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin RegistryOptions registryOptions;

    @Option(names = "--namespace", description = "Only this namespace.")
    String namespace;

    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() {
      return withRegistry(
          spec,
          registryOptions,
          clock,
          (registry, config, out, err) -> {
            java.util.List<EntityId> entities =
                registry.entities().stream()
                    .filter(e -> namespace == null || e.namespace().equals(namespace))
                    .toList();
            out.println(
                "Registry: "
                    + registry.backendName()
                    + "; "
                    + entities.size()
                    + " entities; a model is stale after"
                    + " training.retrainEvery = "
                    + human(config.training().retrainEvery()));
            if (entities.isEmpty()) {
              return EXIT_OK;
            }
            out.printf(
                Locale.ROOT,
                "%-32s %-34s %-17s %-9s %-8s %-7s %-6s %-35s %s%n",
                "ENTITY",
                "LATEST VERSION",
                "TRAINED (UTC)",
                "AGE",
                "MODEL",
                "METRICS",
                "WINDOW",
                "DATA (UTC)",
                "VERSIONS");
            Instant now = clock.instant();
            for (EntityId entity : entities) {
              Optional<StoredBundle> latest = registry.loadLatest(entity);
              if (latest.isEmpty()) {
                // The pointer is there but its version is past registry.bundleTtl: a directory
                // keeps files until the next save; in Redis both expire together, so there only a
                // race shows this.
                out.printf(
                    Locale.ROOT,
                    "%-32s (no live model: the latest is older than registry.bundleTtl = %s)%n",
                    entity,
                    human(config.registry().bundleTtl()));
                continue;
              }
              StoredBundle b = latest.get();
              ModelBundle bundle = b.bundle();
              String age =
                  human(Duration.between(b.version().createdAt(), now))
                      + (b.isStale(now, config.training().retrainEvery()) ? " stale" : "");
              out.printf(
                  Locale.ROOT,
                  "%-32s %-34s %-17s %-9s %-8s %-7d %-6d %-35s %d%n",
                  entity,
                  b.version().id(),
                  TIME.format(b.version().createdAt()),
                  age,
                  bundle.summary().modelKind(),
                  bundle.metrics().size(),
                  bundle.windowLength(),
                  dataRange(bundle.summary()),
                  registry.versions(entity).size());
            }
            return EXIT_OK;
          });
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      exitCodeOnInvalidInput = EXIT_USAGE,
      description =
          "Show one model: version, training time and data, metrics with weight and direction,"
              + " calibration, and the versions kept.",
      exitCodeListHeading = EXIT_CODES_HEADING,
      exitCodeList = {
        "0:shown",
        "1:no such entity or version",
        "3:the registry cannot be read (or the bundle is corrupt)",
        "4:invalid arguments or configuration"
      })
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin RegistryOptions registryOptions;

    @Parameters(index = "0", paramLabel = "NAMESPACE/APP", description = "The entity.")
    String entityText;

    @Option(names = "--version", description = "This version instead of the latest.")
    String version;

    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() {
      EntityId entity;
      BundleVersion pinned;
      try {
        entity = EntityId.parse(entityText);
        pinned = version == null ? null : BundleVersion.parse(version);
      } catch (IllegalArgumentException e) {
        spec.commandLine().getErr().println("error: " + e.getMessage());
        return EXIT_USAGE;
      }
      return withRegistry(
          spec,
          registryOptions,
          clock,
          (registry, config, out, err) -> {
            Optional<StoredBundle> found =
                pinned == null ? registry.loadLatest(entity) : registry.load(entity, pinned);
            if (found.isEmpty()) {
              err.println(
                  "error: the "
                      + registry.backendName()
                      + " registry has no "
                      + (pinned == null ? "model" : "version " + pinned)
                      + " for "
                      + entity);
              return EXIT_NOT_FOUND;
            }
            show(
                out,
                found.get(),
                registry.versions(entity),
                registry.loadLatest(entity).map(StoredBundle::version),
                clock.instant(),
                config.training().retrainEvery());
            return EXIT_OK;
          });
    }
  }

  static void show(
      PrintWriter out,
      StoredBundle stored,
      java.util.List<BundleVersion> versions,
      Optional<BundleVersion> latest,
      Instant now,
      Duration retrainEvery) {
    ModelBundle bundle = stored.bundle();
    TrainingSummary s = bundle.summary();
    CalibrationData c = bundle.calibration().data();
    boolean isLatest = latest.isPresent() && latest.get().equals(stored.version());
    out.printf(
        Locale.ROOT,
        "Model %s, version %s%s%n",
        stored.entity(),
        stored.version().id(),
        isLatest ? " (latest)" : "");
    out.printf(
        Locale.ROOT,
        "  trained      %s UTC, %s ago (%s after training.retrainEvery = %s)%n",
        TIME.format(stored.version().createdAt()),
        human(Duration.between(stored.version().createdAt(), now)),
        stored.isStale(now, retrainEvery) ? "stale" : "fresh",
        human(retrainEvery));
    out.printf(
        Locale.ROOT,
        "  model        %s, %d components, %d epochs, window %d steps, seed %d, fitted in %.1f s%n",
        s.modelKind(),
        s.components(),
        s.epochs(),
        bundle.windowLength(),
        s.seed(),
        s.durationMillis() / 1000.0);
    out.printf(
        Locale.ROOT,
        "  data         %s, %d rows, %.1f %% of the cells observed%n",
        dataRange(s),
        s.rows(),
        100 * s.coverage());
    out.printf(
        Locale.ROOT,
        "  windows      %d fitted (%d worst trimmed), %d held back; mean squared residual %.3f"
            + " fitted, %.3f held back%n",
        s.trainWindows(),
        s.trimmedWindows(),
        s.holdoutWindows(),
        s.trainLoss(),
        s.holdoutLoss());
    out.printf(
        Locale.ROOT,
        "  calibration  unified: typical %.3f, threshold %.3f, alert level %.2f; %d scored rows;"
            + " fast shift test %s%n",
        c.unifiedTypical(),
        c.unifiedThreshold(),
        c.alertLevel(),
        c.scoredRows(),
        c.shiftRows() > 0 ? "on (" + c.shiftRows() + " rows)" : "off");
    out.println("  metrics      (score 0 = typical error, 5 = at the threshold; docs/scoring.md)");
    out.printf(
        Locale.ROOT,
        "    %-22s %7s %-9s %-9s %12s %12s%n",
        "NAME",
        "WEIGHT",
        "DIRECTION",
        "TRANSFORM",
        "TYPICAL",
        "THRESHOLD");
    java.util.List<MetricDef> metrics = bundle.metrics();
    for (int i = 0; i < metrics.size(); i++) {
      MetricDef m = metrics.get(i);
      out.printf(
          Locale.ROOT,
          "    %-22s %7.3g %-9s %-9s %12.4g %12.4g%n",
          m.name(),
          m.weight(),
          m.direction().name().toLowerCase(Locale.ROOT),
          m.transform().name().toLowerCase(Locale.ROOT),
          c.metrics().get(i).typical(),
          c.metrics().get(i).threshold());
    }
    out.println(
        "  versions     "
            + versions.size()
            + " kept, oldest first (each expires registry.bundleTtl after it was saved):");
    for (BundleVersion v : versions) {
      out.println(
          "    " + v.id() + (latest.isPresent() && latest.get().equals(v) ? "  latest" : ""));
    }
  }

  static String dataRange(TrainingSummary s) {
    if (s.firstTimestampMillis() < 0 || s.lastTimestampMillis() < 0) {
      return "time range unknown";
    }
    return TIME.format(Instant.ofEpochMilli(s.firstTimestampMillis()))
        + " to "
        + TIME.format(Instant.ofEpochMilli(s.lastTimestampMillis()));
  }

  static String human(Duration d) {
    long minutes = Math.max(0, d.toMinutes());
    if (minutes < 60) {
      return minutes + "m";
    }
    if (minutes < 48 * 60) {
      return minutes / 60 + "h" + (minutes % 60 == 0 ? "" : minutes % 60 + "m");
    }
    return minutes / (24 * 60) + "d" + (minutes / 60 % 24 == 0 ? "" : minutes / 60 % 24 + "h");
  }
}
