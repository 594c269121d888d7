package io.rollguard.common.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
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
}
