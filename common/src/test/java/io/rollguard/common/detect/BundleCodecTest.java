package io.rollguard.common.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BundleCodecTest {

  @ParameterizedTest
  @ValueSource(strings = {"pca", "ae", "baseline"})
  void reloadedBundleScoresBitForBitTheSame(String kind) throws Exception {
    ModelBundle original = AnomalyModelsTest.trained(kind);
    byte[] bytes = BundleCodec.encode(original);
    ModelBundle reloaded = BundleCodec.decode(bytes);
    double[][] fresh = AnomalyModelsTest.FRESH;
    for (int end : new int[] {7, 100, 555, 1234, 1999}) {
      double[][] win = SyntheticSeries.window(fresh, end, original.windowLength());
      if (end == 555) {
        win[2][1] = Double.NaN;
        win[5][0] += 3;
      }
      WindowScore a = original.scoreRawWindow(win);
      WindowScore b = reloaded.scoreRawWindow(win);
      assertEquals(0, Double.compare(a.unified(), b.unified()), kind + " unified at " + end);
      assertEquals(a.alarm(), b.alarm());
      for (int j = 0; j < a.perMetric().length; j++) {
        assertEquals(0, Double.compare(a.perMetric()[j], b.perMetric()[j]));
        assertEquals(0, Double.compare(a.attribution()[j], b.attribution()[j]));
      }
    }
    assertEquals(original.metrics(), reloaded.metrics());
    assertEquals(original.summary(), reloaded.summary());
    assertEquals(original.windowLength(), reloaded.windowLength());
    assertEquals(kind, reloaded.model().kind());
    assertTrue(
        java.util.Arrays.equals(bytes, BundleCodec.encode(reloaded)),
        "re-encoding is byte-identical");
    assertEquals(64, BundleCodec.checksumHex(bytes).length());
  }

  @Test
  void corruptedBodyIsRejectedByChecksum() {
    byte[] bytes = BundleCodec.encode(AnomalyModelsTest.trained("pca"));
    bytes[bytes.length / 2] ^= 0x01;
    BundleFormatException e =
        assertThrows(BundleFormatException.class, () -> BundleCodec.decode(bytes));
    assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
  }

  @Test
  void unknownFormatVersionIsRejected() {
    byte[] bytes = BundleCodec.encode(AnomalyModelsTest.trained("baseline"));
    bytes[11] = 2; // version field, big-endian int after the 8-byte magic
    BundleFormatException e =
        assertThrows(BundleFormatException.class, () -> BundleCodec.decode(bytes));
    assertTrue(
        e.getMessage().contains("unsupported model bundle format version 2"), e.getMessage());
  }

  @Test
  void foreignOrTruncatedBytesAreRejected() {
    BundleFormatException magic =
        assertThrows(
            BundleFormatException.class,
            () ->
                BundleCodec.decode(
                    "{\"json\": \"not a bundle at all, just a long enough piece of text\"}"
                        .getBytes(StandardCharsets.UTF_8)));
    assertTrue(magic.getMessage().contains("magic"), magic.getMessage());
    byte[] bytes = BundleCodec.encode(AnomalyModelsTest.trained("baseline"));
    byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 10);
    BundleFormatException trunc =
        assertThrows(BundleFormatException.class, () -> BundleCodec.decode(cut));
    assertTrue(trunc.getMessage().contains("truncated"), trunc.getMessage());
    assertThrows(BundleFormatException.class, () -> BundleCodec.decode(new byte[3]));
    assertThrows(BundleFormatException.class, () -> BundleCodec.decode(null));
  }

  /**
   * Issue 10: a PCA bundle whose component count overflowed the old 32-bit size check (k = 2^30
   * with an empty component array and W x metrics divisible by 4) decoded, and scoring then
   * allocated k doubles (8 GiB): an OutOfMemoryError from registry bytes with a valid checksum.
   */
  @Test
  void aForgedComponentCountIsRejectedBeforeAnythingIsAllocated() throws Exception {
    ModelBundle valid = AnomalyModelsTest.trained("pca");
    assertEquals(
        0, valid.windowLength() * valid.metrics().size() % 4, "the overflow needs d % 4 == 0");
    byte[] forged = withPcaComponents(BundleCodec.encode(valid), 1 << 30);
    BundleFormatException e =
        assertThrows(BundleFormatException.class, () -> BundleCodec.decode(forged));
    assertTrue(e.getMessage().contains("components"), e.getMessage());
  }

  @Test
  void sizesOutsideWhatAnyConfigurationAllowsAreRejected() throws Exception {
    byte[] bytes = BundleCodec.encode(AnomalyModelsTest.trained("baseline"));
    byte[] tooManyMetrics = rewriteBody(bytes, body -> putInt(body, 0, 100_000));
    BundleFormatException e =
        assertThrows(BundleFormatException.class, () -> BundleCodec.decode(tooManyMetrics));
    assertTrue(e.getMessage().contains("100000 metrics"), e.getMessage());
  }

  /**
   * The encoded PCA bundle with {@code k} components and an empty component array, re-checksummed.
   */
  static byte[] withPcaComponents(byte[] encoded, int k) {
    return rewriteBody(
        encoded,
        body -> {
          byte[] kind = {0, 3, 'p', 'c', 'a'};
          int at = indexOf(body, kind) + kind.length;
          int meanLength = getInt(body, at + 4);
          int compsAt = at + 4 + 4 + 8 * meanLength;
          int compsLength = getInt(body, compsAt);
          int afterComps = compsAt + 4 + 8 * compsLength;
          ByteBuffer out = ByteBuffer.allocate(body.length - 8 * compsLength);
          out.put(body, 0, at).putInt(k).put(body, at + 4, compsAt - at - 4).putInt(0);
          out.put(body, afterComps, body.length - afterComps);
          return out.array();
        });
  }

  /** Applies {@code change} to the body and writes a correct length and checksum around it. */
  static byte[] rewriteBody(byte[] encoded, UnaryOperator<byte[]> change) {
    int header = BundleCodec.MAGIC.length + 8;
    int bodyLength = getInt(encoded, BundleCodec.MAGIC.length + 4);
    byte[] body = change.apply(Arrays.copyOfRange(encoded, header, header + bodyLength));
    ByteBuffer out = ByteBuffer.allocate(header + body.length + 32);
    out.put(encoded, 0, BundleCodec.MAGIC.length + 4).putInt(body.length).put(body);
    try {
      out.put(
          MessageDigest.getInstance("SHA-256")
              .digest(Arrays.copyOf(out.array(), header + body.length)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
    return out.array();
  }

  private static byte[] putInt(byte[] a, int at, int value) {
    ByteBuffer.wrap(a).putInt(at, value);
    return a;
  }

  private static int getInt(byte[] a, int at) {
    return ByteBuffer.wrap(a).getInt(at);
  }

  private static int indexOf(byte[] a, byte[] pattern) {
    for (int i = 0; i + pattern.length <= a.length; i++) {
      if (Arrays.equals(a, i, i + pattern.length, pattern, 0, pattern.length)) {
        return i;
      }
    }
    throw new AssertionError("pattern not found");
  }
}
