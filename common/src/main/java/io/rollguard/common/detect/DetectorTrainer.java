package io.rollguard.common.detect;

import java.util.List;
import java.util.Random;

/**
 * Fits a complete {@link ModelBundle} from history: transforms on the head of the history, the
 * model on the head's windows (worst windows trimmed, refit), model selection and calibration on
 * the held-back tail. Deterministic: the same history, metrics and options give bit-identical
 * parameters.
 */
public final class DetectorTrainer {

  /** Fewest windows the model may be fitted on; fewer cannot estimate anything. */
  public static final int MIN_TRAIN_WINDOWS = 20;

  /** Fewest held-back windows; thresholds from fewer are noise. */
  public static final int MIN_HOLDOUT_WINDOWS = 10;

  private DetectorTrainer() {}

  /** {@link #train(double[][], long[], List, TrainingOptions)} without timestamps. */
  public static ModelBundle train(
      double[][] history, List<MetricDef> metrics, TrainingOptions opts) {
    return train(history, null, metrics, opts);
  }

  /**
   * A retraining's bundle and what its guard left out.
   *
   * @param bundle the new bundle
   * @param exclusion the rows of the history the serving model alarmed on and whether they were
   *     left out ({@link AlarmExclusion.Result#NONE} without a serving model)
   */
  public record Retraining(ModelBundle bundle, AlarmExclusion.Result exclusion) {}

  /**
   * Retrains an entity that already has a serving bundle, as the trainer does every {@code
   * training.retrainEvery}: the windows the serving model alarmed on for longer than the trimming
   * absorbs (runs of at least {@code trimFraction} of the history's rows, and at least W) are left
   * out of the history ({@link AlarmExclusion}, at most {@link TrainingOptions#maxExcludedFraction}
   * of it), so an incident is not learned as normal while a lasting change still is. Without a
   * serving bundle, or one for other metrics or another window length, this is {@link #train}.
   *
   * @param serving the bundle scoring the entity now, or null
   */
  public static Retraining retrain(
      double[][] history,
      long[] timestampsMillis,
      List<MetricDef> metrics,
      TrainingOptions opts,
      ModelBundle serving) {
    AlarmExclusion.Result exclusion = AlarmExclusion.Result.NONE;
    if (serving != null
        && serving.fits(metrics.stream().map(MetricDef::name).toList(), opts.windowLength())) {
      // Alarm runs shorter than what the trimming drops anyway stay in (see AlarmExclusion).
      int minRun =
          Math.max(opts.windowLength(), (int) Math.floor(history.length * opts.trimFraction()));
      exclusion = AlarmExclusion.of(serving, history, opts.maxExcludedFraction(), minRun);
    }
    if (exclusion.applied()) {
      try {
        return new Retraining(
            fit(history, timestampsMillis, metrics, opts, exclusion.excluded()), exclusion);
      } catch (IllegalArgumentException tooFewWindowsLeft) {
        // What the alarms leave is too short to train on: learn the whole history instead.
        exclusion = new AlarmExclusion.Result(null, exclusion.alarmedRows(), exclusion.rows());
      }
    }
    return new Retraining(fit(history, timestampsMillis, metrics, opts, null), exclusion);
  }

  /**
   * Fits transforms, model and calibration on a history and returns the bundle.
   *
   * @param history raw rows {@code [rows x metrics]}, oldest first, NaN = missing
   * @param timestampsMillis epoch ms per row for the summary, or null when unknown
   */
  public static ModelBundle train(
      double[][] history, long[] timestampsMillis, List<MetricDef> metrics, TrainingOptions opts) {
    return fit(history, timestampsMillis, metrics, opts, null);
  }

  /**
   * {@link #train} leaving out every window that covers an {@code excluded} row (null = none); the
   * held-back tail is then the last {@code holdoutFraction} of the rows left.
   */
  private static ModelBundle fit(
      double[][] history,
      long[] timestampsMillis,
      List<MetricDef> metrics,
      TrainingOptions opts,
      boolean[] excluded) {
    long started = System.nanoTime();
    int m = metrics.size();
    if (m == 0) {
      throw new IllegalArgumentException("at least one metric is required");
    }
    if (metrics.stream().map(MetricDef::name).distinct().count() != m) {
      throw new IllegalArgumentException(
          "metric names must be unique: " + metrics.stream().map(MetricDef::name).toList());
    }
    int rows = history.length;
    for (int i = 0; i < rows; i++) {
      if (history[i] == null || history[i].length != m) {
        throw new IllegalArgumentException(
            "history row " + i + " must have " + m + " values (one per metric)");
      }
    }
    if (timestampsMillis != null && timestampsMillis.length != rows) {
      throw new IllegalArgumentException(
          "timestampsMillis has " + timestampsMillis.length + " entries for " + rows + " rows");
    }
    int w = opts.windowLength();
    int holdoutRows = (int) Math.round(rows * opts.holdoutFraction());
    int split = rows - holdoutRows;
    int trainWindows = split - w + 1;
    int holdoutWindows = holdoutRows - w + 1;
    if (trainWindows < MIN_TRAIN_WINDOWS || holdoutWindows < MIN_HOLDOUT_WINDOWS) {
      int needed =
          Math.max(
              (int) Math.ceil((MIN_TRAIN_WINDOWS + w - 1) / (1 - opts.holdoutFraction())),
              (int) Math.ceil((MIN_HOLDOUT_WINDOWS + w - 1) / opts.holdoutFraction()));
      throw new IllegalArgumentException(
          "history has "
              + rows
              + " rows; window length "
              + w
              + " with holdoutFraction "
              + opts.holdoutFraction()
              + " needs at least about "
              + needed
              + " rows");
    }

    if (excluded != null) {
      if (excluded.length != rows) {
        throw new IllegalArgumentException(
            "excluded has " + excluded.length + " entries for " + rows + " rows");
      }
      int left = 0;
      for (boolean e : excluded) {
        left += e ? 0 : 1;
      }
      // The tail holds the same share of the rows left as it would of the whole history.
      int tail = (int) Math.round(left * opts.holdoutFraction());
      split = rows;
      for (int inTail = 0; split > 0 && inTail < tail; ) {
        split--;
        inTail += excluded[split] ? 0 : 1;
      }
    }

    double[][] headRaw = java.util.Arrays.copyOf(history, split);
    if (excluded != null) {
      double[] missing = new double[m];
      java.util.Arrays.fill(missing, Double.NaN);
      for (int i = 0; i < split; i++) {
        if (excluded[i]) {
          headRaw[i] = missing;
        }
      }
    }
    FittedTransforms transforms = FittedTransforms.fit(headRaw, metrics, opts.clipBound());
    double[][] z = transforms.apply(history);
    WindowSet train = WindowSet.range(z, 0, split, w, m);
    WindowSet holdout = WindowSet.range(z, split, rows, w, m);
    if (excluded != null) {
      train = train.without(excluded);
      holdout = holdout.without(excluded);
      if (train.size() < MIN_TRAIN_WINDOWS || holdout.size() < MIN_HOLDOUT_WINDOWS) {
        throw new IllegalArgumentException(
            "leaving out the excluded rows leaves "
                + train.size()
                + " training and "
                + holdout.size()
                + " held-back windows");
      }
    }

    AnomalyModel model;
    int components = 0;
    int epochs = 0;
    int kept = train.size();
    switch (opts.modelKind()) {
      case "baseline" -> model = BaselineModel.fit(train);
      case "pca" -> {
        PcaModel.Fit fit =
            PcaModel.fit(
                train, holdout, opts.trimFraction(), opts.pcaGainTolerance(), opts.robustTail());
        model = fit.model();
        components = fit.model().components();
        kept = train.size() - (int) Math.floor(train.size() * opts.trimFraction());
      }
      case "ae" -> {
        AeResult ae = trainAutoencoder(train, holdout, opts);
        model = ae.model;
        components = ae.model.bottleneck();
        epochs = ae.epochs;
        kept = ae.kept;
      }
      default -> throw new IllegalArgumentException("unknown modelKind " + opts.modelKind());
    }

    Calibration calibration =
        new Calibration(
            CalibrationFit.fit(
                model,
                holdout,
                metrics,
                opts.effectiveScoredRows(),
                opts.thresholdSigmas(),
                opts.thresholdMargin(),
                opts.alertLevel(),
                opts.shiftRows(),
                opts.shiftSigmas(),
                opts.robustTail()));

    long observed = 0;
    for (double[] row : history) {
      for (double v : row) {
        if (Double.isFinite(v)) {
          observed++;
        }
      }
    }
    double coverage = (double) observed / ((long) rows * m);
    TrainingSummary summary =
        new TrainingSummary(
            opts.modelKind(),
            rows,
            kept,
            holdout.size(),
            train.size() - kept,
            timestampsMillis == null || rows == 0 ? -1 : timestampsMillis[0],
            timestampsMillis == null || rows == 0 ? -1 : timestampsMillis[rows - 1],
            coverage,
            train.meanLoss(model),
            holdout.meanLoss(model),
            components,
            epochs,
            (System.nanoTime() - started) / 1_000_000,
            opts.seed());
    return new ModelBundle(metrics, transforms, model, calibration, summary);
  }

  private record AeResult(AutoencoderModel model, int epochs, int kept) {}

  /**
   * Windows sampled per epoch: adjacent stride-1 windows are near-duplicates, so a capped random
   * subset per epoch trains as well and keeps the cost independent of history length.
   */
  private static final int AE_SAMPLES_PER_EPOCH = 2048;

  private static final int AE_BATCH = 32;
  private static final int AE_PATIENCE = 3;
  private static final int AE_VALIDATION_WINDOWS = 1000;

  /**
   * d -> h -> b -> h -> d with h = clamp(d/8, 8, 32), b = clamp(d/16, 4, 12): small enough that one
   * window scores in a few microseconds and trains in seconds on one core (about 4·d·h
   * multiply-adds per window).
   */
  static int[] aeLayerSizes(int d) {
    int h = Math.max(8, Math.min(32, d / 8));
    int b = Math.max(4, Math.min(12, d / 16));
    b = Math.min(b, h);
    return new int[] {d, h, b, h, d};
  }

  private static AeResult trainAutoencoder(
      WindowSet train, WindowSet holdout, TrainingOptions opts) {
    int d = train.dimension();
    SmileAutoencoder net = SmileAutoencoder.create(aeLayerSizes(d), opts.seed());
    Random rnd = new Random(opts.seed() ^ 0x5DEECE66DL);
    WindowSet validation = holdout.evenSubset(AE_VALIDATION_WINDOWS);
    int maxEpochs = opts.aeMaxEpochs();
    Phase first =
        runPhase(net, train, validation, maxEpochs, rnd, opts.windowLength(), train.metrics);
    int kept = train.size();
    Phase result = first;
    if (opts.trimFraction() > 0) {
      // Robust refit: drop the worst-reconstructed training windows (likely anomalies in the
      // history) and continue from the best weights on the rest.
      int[] keep =
          WindowSet.keepBelowTrim(train.meanSquaredResiduals(first.best), opts.trimFraction());
      kept = keep.length;
      net.restore(first.best);
      Phase second =
          runPhase(
              net,
              train.subset(keep),
              validation,
              Math.max(1, maxEpochs / 2),
              rnd,
              opts.windowLength(),
              train.metrics);
      // The second phase starts from (and is early-stopped against) the first phase's best, so its
      // best is never worse on the validation windows.
      result = new Phase(second.best, second.bestLoss, first.epochs + second.epochs);
    }
    return new AeResult(result.best, result.epochs, kept);
  }

  private record Phase(AutoencoderModel best, double bestLoss, int epochs) {}

  private static Phase runPhase(
      SmileAutoencoder net,
      WindowSet train,
      WindowSet validation,
      int maxEpochs,
      Random rnd,
      int w,
      int m) {
    int d = train.dimension();
    int n = train.size();
    int perEpoch = Math.min(n, AE_SAMPLES_PER_EPOCH);
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    double[][] batch = new double[AE_BATCH][d];
    boolean[][] masks = new boolean[AE_BATCH][d];
    AutoencoderModel best = net.export(w, m);
    double bestLoss = validation.meanLoss(best);
    int sinceBest = 0;
    int epoch = 0;
    while (epoch < maxEpochs && sinceBest < AE_PATIENCE) {
      epoch++;
      // Partial Fisher-Yates: the first perEpoch entries become a uniform random sample.
      for (int i = 0; i < perEpoch; i++) {
        int j = i + rnd.nextInt(n - i);
        int tmp = order[i];
        order[i] = order[j];
        order[j] = tmp;
      }
      int filled = 0;
      for (int s = 0; s < perEpoch; s++) {
        train.flatten(order[s], batch[filled]);
        double[] x = batch[filled];
        boolean[] mk = masks[filled];
        for (int k = 0; k < d; k++) {
          mk[k] = !Double.isNaN(x[k]);
          if (!mk[k]) {
            x[k] = 0.0;
          }
        }
        filled++;
        if (filled == AE_BATCH) {
          net.trainBatch(batch, masks, filled);
          filled = 0;
        }
      }
      if (filled > 0) {
        net.trainBatch(batch, masks, filled);
      }
      AutoencoderModel current = net.export(w, m);
      double loss = validation.meanLoss(current);
      if (loss < bestLoss) {
        bestLoss = loss;
        best = current;
        sinceBest = 0;
      } else {
        sinceBest++;
      }
    }
    return new Phase(best, bestLoss, epoch);
  }
}
