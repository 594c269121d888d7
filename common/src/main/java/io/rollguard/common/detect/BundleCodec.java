package io.rollguard.common.detect;

import io.rollguard.common.config.ConfigLoader;
import io.rollguard.common.config.WindowSettings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Binary model-bundle format, version 1 (docs/bundle-format.md): magic {@code RGBUNDLE}, format
 * version, body length, body, SHA-256 of everything before it. Doubles are stored as their IEEE-754
 * bits, so a decoded bundle scores bit-for-bit like the original. No Java serialisation.
 */
public final class BundleCodec {

  public static final int FORMAT_VERSION = 1;
  static final byte[] MAGIC = "RGBUNDLE".getBytes(StandardCharsets.US_ASCII);
  private static final int HEADER = MAGIC.length + 4 + 4;
  private static final int DIGEST = 32;

  /**
   * The largest encoded bundle a registry reads (checked before the bytes are fetched): a PCA
   * bundle for the default 5 metrics x 12 steps is about 4 KiB, one for 64 metrics x 60 steps with
   * every component kept about 120 MiB would be absurd; 64 MiB leaves room for any sensible
   * configuration.
   */
  public static final int MAX_BUNDLE_BYTES = 64 * 1024 * 1024;

  /** Metrics per bundle: no configuration can have more ({@code metrics} is validated so). */
  static final int MAX_METRICS = ConfigLoader.MAX_METRICS;

  /** Window length: no configuration can set more ({@code window.lengthSteps}). */
  static final int MAX_WINDOW_LENGTH = WindowSettings.MAX_LENGTH_STEPS;

  /**
   * Widest autoencoder hidden layer: the trainer uses at most 32 ({@code aeLayerSizes}); the bound
   * is generous but keeps a forged width from sizing the scoring buffers.
   */
  static final int MAX_AE_HIDDEN = 1024;

  private BundleCodec() {}

  public static byte[] encode(ModelBundle bundle) {
    ByteArrayOutputStream bodyBytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bodyBytes)) {
      writeBody(bundle, out);
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    byte[] body = bodyBytes.toByteArray();
    byte[] all = new byte[HEADER + body.length + DIGEST];
    System.arraycopy(MAGIC, 0, all, 0, MAGIC.length);
    putInt(all, MAGIC.length, FORMAT_VERSION);
    putInt(all, MAGIC.length + 4, body.length);
    System.arraycopy(body, 0, all, HEADER, body.length);
    byte[] digest = sha256(all, HEADER + body.length);
    System.arraycopy(digest, 0, all, HEADER + body.length, DIGEST);
    return all;
  }

  public static ModelBundle decode(byte[] bytes) throws BundleFormatException {
    if (bytes != null && bytes.length > MAX_BUNDLE_BYTES) {
      throw new BundleFormatException(
          "model bundle of " + bytes.length + " bytes exceeds the limit of " + MAX_BUNDLE_BYTES);
    }
    if (bytes == null || bytes.length < HEADER + DIGEST) {
      throw new BundleFormatException(
          "not a Rollguard model bundle: "
              + (bytes == null ? "null" : bytes.length + " bytes")
              + " is shorter than the "
              + (HEADER + DIGEST)
              + "-byte header and checksum");
    }
    if (!Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
      throw new BundleFormatException("not a Rollguard model bundle: missing magic 'RGBUNDLE'");
    }
    int version = getInt(bytes, MAGIC.length);
    if (version != FORMAT_VERSION) {
      throw new BundleFormatException(
          "unsupported model bundle format version "
              + version
              + " (this build reads version "
              + FORMAT_VERSION
              + ")");
    }
    int bodyLength = getInt(bytes, MAGIC.length + 4);
    if (bodyLength < 0 || (long) HEADER + bodyLength + DIGEST != bytes.length) {
      throw new BundleFormatException(
          "model bundle is truncated or padded: header says "
              + bodyLength
              + " body bytes, file has "
              + (bytes.length - HEADER - DIGEST));
    }
    byte[] expected = sha256(bytes, HEADER + bodyLength);
    byte[] actual = Arrays.copyOfRange(bytes, HEADER + bodyLength, bytes.length);
    if (!MessageDigest.isEqual(expected, actual)) {
      throw new BundleFormatException(
          "model bundle checksum mismatch: SHA-256 of the content does not match the stored one (corrupted or modified)");
    }
    try (DataInputStream in =
        new DataInputStream(new ByteArrayInputStream(bytes, HEADER, bodyLength))) {
      ModelBundle bundle = readBody(in);
      if (in.available() != 0) {
        throw new BundleFormatException(
            "model bundle body has " + in.available() + " unexpected trailing bytes");
      }
      return bundle;
    } catch (EOFException e) {
      throw new BundleFormatException("model bundle body ends early", e);
    } catch (IOException | IllegalArgumentException e) {
      throw new BundleFormatException("model bundle body is invalid: " + e.getMessage(), e);
    }
  }

  /** Hex SHA-256 of an encoded bundle's content (the stored checksum), for logs and registries. */
  public static String checksumHex(byte[] encoded) {
    byte[] d = Arrays.copyOfRange(encoded, encoded.length - DIGEST, encoded.length);
    StringBuilder sb = new StringBuilder();
    for (byte b : d) {
      sb.append(String.format("%02x", b));
    }
    return sb.toString();
  }

  private static void writeBody(ModelBundle b, DataOutputStream out) throws IOException {
    List<MetricDef> metrics = b.metrics();
    int m = metrics.size();
    out.writeInt(m);
    for (MetricDef def : metrics) {
      out.writeUTF(def.name());
      out.writeDouble(def.weight());
      out.writeUTF(def.direction().name());
      out.writeUTF(def.transform().name());
    }
    out.writeInt(b.windowLength());

    FittedTransforms t = b.transforms();
    for (int j = 0; j < m; j++) {
      out.writeBoolean(t.log1p(j));
      out.writeDouble(t.center(j));
      out.writeDouble(t.scale(j));
      out.writeDouble(t.clipBound(j));
    }

    AnomalyModel model = b.model();
    out.writeUTF(model.kind());
    if (model instanceof BaselineModel base) {
      for (int j = 0; j < m; j++) {
        out.writeDouble(base.center(j));
      }
    } else if (model instanceof PcaModel pca) {
      out.writeInt(pca.components());
      writeArray(out, pca.mean());
      writeArray(out, pca.componentMatrix());
    } else if (model instanceof AutoencoderModel ae) {
      int[] sizes = ae.layerSizes();
      out.writeInt(sizes.length);
      for (int s : sizes) {
        out.writeInt(s);
      }
      for (int l = 0; l < sizes.length - 1; l++) {
        writeArray(out, ae.weights(l));
        writeArray(out, ae.biases(l));
      }
    } else {
      throw new IllegalArgumentException("cannot encode model of kind " + model.kind());
    }

    CalibrationData c = b.calibration().data();
    out.writeInt(c.scoredRows());
    for (MetricCalibration mc : c.metrics()) {
      out.writeDouble(mc.errorScale());
      out.writeDouble(mc.typical());
      out.writeDouble(mc.threshold());
    }
    out.writeDouble(c.unifiedTypical());
    out.writeDouble(c.unifiedThreshold());
    out.writeDouble(c.alertLevel());
    out.writeInt(c.shiftRows());
    for (MetricCalibration mc : c.metrics()) {
      out.writeDouble(mc.shiftCenter());
      out.writeDouble(mc.shiftScale());
      out.writeDouble(mc.shiftThreshold());
    }

    TrainingSummary s = b.summary();
    out.writeUTF(s.modelKind());
    out.writeInt(s.rows());
    out.writeInt(s.trainWindows());
    out.writeInt(s.holdoutWindows());
    out.writeInt(s.trimmedWindows());
    out.writeLong(s.firstTimestampMillis());
    out.writeLong(s.lastTimestampMillis());
    out.writeDouble(s.coverage());
    out.writeDouble(s.trainLoss());
    out.writeDouble(s.holdoutLoss());
    out.writeInt(s.components());
    out.writeInt(s.epochs());
    out.writeLong(s.durationMillis());
    out.writeLong(s.seed());
  }

  private static ModelBundle readBody(DataInputStream in)
      throws IOException, BundleFormatException {
    int m = in.readInt();
    if (m < 1 || m > MAX_METRICS) {
      throw new BundleFormatException(
          "model bundle declares " + m + " metrics (1 to " + MAX_METRICS + ")");
    }
    List<MetricDef> metrics = new ArrayList<>(m);
    Direction[] dirs = new Direction[m];
    double[] weights = new double[m];
    for (int j = 0; j < m; j++) {
      String name = in.readUTF();
      double weight = in.readDouble();
      Direction dir = Direction.valueOf(in.readUTF());
      TransformKind tk = TransformKind.valueOf(in.readUTF());
      metrics.add(new MetricDef(name, weight, dir, tk));
      dirs[j] = dir;
      weights[j] = weight;
    }
    int w = in.readInt();
    if (w < 1 || w > MAX_WINDOW_LENGTH) {
      throw new BundleFormatException(
          "model bundle declares window length " + w + " (1 to " + MAX_WINDOW_LENGTH + ")");
    }
    int d = w * m;

    boolean[] log = new boolean[m];
    double[] center = new double[m];
    double[] scale = new double[m];
    double[] clip = new double[m];
    for (int j = 0; j < m; j++) {
      log[j] = in.readBoolean();
      center[j] = in.readDouble();
      scale[j] = in.readDouble();
      clip[j] = in.readDouble();
    }
    FittedTransforms transforms = new FittedTransforms(log, center, scale, clip);

    String kind = in.readUTF();
    AnomalyModel model;
    switch (kind) {
      case "baseline" -> {
        double[] c = new double[m];
        for (int j = 0; j < m; j++) {
          c[j] = in.readDouble();
        }
        model = new BaselineModel(w, c);
      }
      case "pca" -> {
        int k = in.readInt();
        if (k < 0 || k > d) {
          throw new BundleFormatException(
              "PCA bundle declares " + k + " components for " + d + " dimensions (0 to " + d + ")");
        }
        double[] mean = readArray(in);
        double[] comps = readArray(in);
        model = new PcaModel(w, m, mean, comps, k);
      }
      case "ae" -> {
        int layers = in.readInt();
        if (layers < 3 || layers > 64) {
          throw new BundleFormatException("autoencoder declares " + layers + " layers");
        }
        int[] sizes = new int[layers];
        for (int l = 0; l < layers; l++) {
          sizes[l] = in.readInt();
          boolean edge = l == 0 || l == layers - 1;
          if (edge ? sizes[l] != d : sizes[l] < 1 || sizes[l] > MAX_AE_HIDDEN) {
            throw new BundleFormatException(
                "autoencoder layer "
                    + l
                    + " declares width "
                    + sizes[l]
                    + (edge
                        ? " (must be W x metrics = " + d + ")"
                        : " (1 to " + MAX_AE_HIDDEN + ")"));
          }
        }
        double[][] ws = new double[layers - 1][];
        double[][] bs = new double[layers - 1][];
        for (int l = 0; l < layers - 1; l++) {
          ws[l] = readArray(in);
          bs[l] = readArray(in);
        }
        model = new AutoencoderModel(w, m, sizes, ws, bs);
      }
      default -> throw new BundleFormatException("unknown model kind '" + kind + "' in bundle");
    }
    if (d != model.windowLength() * model.metricCount()) {
      throw new BundleFormatException("model shape does not match metrics x window length");
    }

    int scoredRows = in.readInt();
    // scoredRows and shiftRows are checked against w by CalibrationData, before any allocation.
    double[] errorScale = new double[m];
    double[] typical = new double[m];
    double[] threshold = new double[m];
    for (int j = 0; j < m; j++) {
      errorScale[j] = in.readDouble();
      typical[j] = in.readDouble();
      threshold[j] = in.readDouble();
    }
    double ut = in.readDouble();
    double uthr = in.readDouble();
    double alert = in.readDouble();
    int shiftRows = in.readInt();
    double[] shiftCenter = new double[m];
    double[] shiftScale = new double[m];
    double[] shiftThreshold = new double[m];
    for (int j = 0; j < m; j++) {
      shiftCenter[j] = in.readDouble();
      shiftScale[j] = in.readDouble();
      shiftThreshold[j] = in.readDouble();
    }
    List<MetricCalibration> metricCalibrations = new ArrayList<>(m);
    for (int j = 0; j < m; j++) {
      metricCalibrations.add(
          new MetricCalibration(
              dirs[j],
              weights[j],
              errorScale[j],
              typical[j],
              threshold[j],
              shiftCenter[j],
              shiftScale[j],
              shiftThreshold[j]));
    }
    Calibration calibration =
        new Calibration(
            new CalibrationData(w, scoredRows, metricCalibrations, ut, uthr, alert, shiftRows));

    TrainingSummary summary =
        new TrainingSummary(
            in.readUTF(),
            in.readInt(),
            in.readInt(),
            in.readInt(),
            in.readInt(),
            in.readLong(),
            in.readLong(),
            in.readDouble(),
            in.readDouble(),
            in.readDouble(),
            in.readInt(),
            in.readInt(),
            in.readLong(),
            in.readLong());
    return new ModelBundle(metrics, transforms, model, calibration, summary);
  }

  private static void writeArray(DataOutputStream out, double[] a) throws IOException {
    out.writeInt(a.length);
    for (double v : a) {
      out.writeDouble(v);
    }
  }

  private static double[] readArray(DataInputStream in) throws IOException, BundleFormatException {
    int n = in.readInt();
    if (n < 0 || n > in.available() / 8) {
      throw new BundleFormatException(
          "model bundle declares an array of " + n + " doubles, more than the body holds");
    }
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = in.readDouble();
    }
    return a;
  }

  private static byte[] sha256(byte[] data, int length) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(data, 0, length);
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java 17 runtime provides SHA-256", e);
    }
  }

  private static void putInt(byte[] b, int off, int v) {
    b[off] = (byte) (v >>> 24);
    b[off + 1] = (byte) (v >>> 16);
    b[off + 2] = (byte) (v >>> 8);
    b[off + 3] = (byte) v;
  }

  private static int getInt(byte[] b, int off) {
    return ((b[off] & 0xff) << 24)
        | ((b[off + 1] & 0xff) << 16)
        | ((b[off + 2] & 0xff) << 8)
        | (b[off + 3] & 0xff);
  }
}
