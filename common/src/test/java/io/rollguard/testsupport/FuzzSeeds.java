package io.rollguard.testsupport;

import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.payload.InferenceResult;
import io.rollguard.common.payload.PayloadCodec;
import io.rollguard.common.payload.PreprocessedWindow;
import io.rollguard.common.payload.RawObservations;
import io.rollguard.common.payload.ScoringKey;
import io.rollguard.common.payload.Window;
import io.rollguard.common.registry.DirectoryModelRegistry;
import io.rollguard.common.registry.EntityId;
import io.rollguard.common.registry.RegistryException;
import io.rollguard.common.registry.StoredBundle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Valid payloads for the vertices' fuzz properties, of the test configuration ({@link
 * ScoringFixtures#config}): a directory registry holding one trained bundle for {@link #TRAINED}'s
 * entity, and windows, preprocessed windows and inference results of a trained and an untrained
 * entity, encoded. Mutations start from these (and from the corpus), so they reach past decoding
 * into the vertices' own checks and scoring. Built once per JVM.
 */
public final class FuzzSeeds {

  public static final ScoringKey TRAINED = new ScoringKey("shop", "checkout", "stable", "abc123");
  public static final ScoringKey UNTRAINED = new ScoringKey("shop", "cart", "canary", "def456");

  private static FuzzSeeds shared;

  public final RollguardConfig config;
  public final DirectoryModelRegistry registry;
  public final StoredBundle bundle;
  public final List<byte[]> windows = new ArrayList<>();
  private final Window trainedWindow;
  private final Window untrainedWindow;
  public final List<byte[]> preprocessed = new ArrayList<>();
  public final List<byte[]> inferenceResults = new ArrayList<>();

  private FuzzSeeds() throws IOException, RegistryException {
    Path dir = Files.createTempDirectory("rollguard-fuzz");
    dir.toFile().deleteOnExit();
    config = ScoringFixtures.config(dir, "http://127.0.0.1:9");
    registry = new DirectoryModelRegistry(dir, Duration.ofDays(7), Clock.systemUTC());
    bundle = registry.save(EntityId.of(TRAINED), ScoringFixtures.trainedBundle(config, 11));
    ServiceSeries live = ScoringFixtures.history(5, Instant.parse("2026-01-12T00:00:00Z"), 60);
    PayloadCodec codec = PayloadCodec.shared();
    Window trained = ScoringFixtures.window(TRAINED, live, 30);
    Window untrained = ScoringFixtures.window(UNTRAINED, live, 50);
    double[][] gappy = trained.values().clone();
    for (int i = 0; i < gappy.length; i++) {
      gappy[i] = gappy[i].clone();
      gappy[i][i % gappy[i].length] = Double.NaN;
    }
    Window gaps = ScoringFixtures.withValues(trained, gappy);
    trainedWindow = trained;
    untrainedWindow = untrained;
    for (Window w : List.of(trained, untrained, gaps)) {
      windows.add(codec.encode(w));
    }
    String version = bundle.version().id();
    preprocessed.add(codec.encode(PreprocessedWindow.ok(trained, version, trained.values())));
    preprocessed.add(codec.encode(PreprocessedWindow.ok(gaps, version, gappy)));
    preprocessed.add(codec.encode(PreprocessedWindow.noModel(untrained)));
    preprocessed.add(codec.encode(PreprocessedWindow.noModel(trained)));
    double[][] errors = new double[trained.rows()][];
    for (int i = 0; i < errors.length; i++) {
      errors[i] = new double[trained.metrics().size()];
      for (int j = 0; j < errors[i].length; j++) {
        errors[i][j] = (i - j) * 0.37;
      }
    }
    inferenceResults.add(
        codec.encode(
            new InferenceResult(
                    TRAINED,
                    trained.start(),
                    trained.end(),
                    trained.stepMillis(),
                    trained.metrics(),
                    errors,
                    InferenceResult.Source.MODEL,
                    version)
                .withRaw(RawObservations.of(trained.values()))));
    inferenceResults.add(
        codec.encode(
            new InferenceResult(
                    UNTRAINED,
                    untrained.start(),
                    untrained.end(),
                    untrained.stepMillis(),
                    untrained.metrics(),
                    errors,
                    InferenceResult.Source.FALLBACK,
                    null)
                .withRaw(RawObservations.of(untrained.values()))));
  }

  /** A valid window of {@link #TRAINED} or {@link #UNTRAINED}. */
  public Window windowOf(ScoringKey key) {
    return key.equals(TRAINED) ? trainedWindow : untrainedWindow;
  }

  /** The seeds, built on first use. */
  public static synchronized FuzzSeeds get() {
    if (shared == null) {
      try {
        shared = new FuzzSeeds();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (RegistryException e) {
        throw new IllegalStateException(e);
      }
    }
    return shared;
  }

  /** {@code built} and the corpus of {@code target} (payloads of another shape: rejected early). */
  public static List<byte[]> withCorpus(List<byte[]> built, String target) {
    List<byte[]> all = new ArrayList<>(built);
    all.addAll(Fuzz.corpus(target));
    return all;
  }
}
