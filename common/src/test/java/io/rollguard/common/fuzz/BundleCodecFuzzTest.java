package io.rollguard.common.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.detect.BundleCodec;
import io.rollguard.common.detect.BundleFormatException;
import io.rollguard.common.detect.ModelBundle;
import io.rollguard.testsupport.Fuzz;
import io.rollguard.testsupport.ScoringFixtures;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Fuzz target for the model-bundle codec: arbitrary bytes, and trained bundles mutated and then
 * <em>resealed</em> (body length and SHA-256 recomputed, as a forger with write access to the
 * registry would), either decode or fail with a {@link BundleFormatException}; never another
 * exception, an {@link Error} or an allocation sized by a forged number. Integer fields are
 * overwritten with hostile sizes (0, -1, 2^30, {@code Integer.MAX_VALUE}) at every 4-byte offset
 * the mutation picks. See CONTRIBUTING.md, "Fuzzing".
 */
class BundleCodecFuzzTest {

  private static final int HEADER = 16;
  private static final int DIGEST = 32;

  private static List<byte[]> seeds;

  /** A PCA and an autoencoder bundle trained on generated history (once per JVM). */
  static synchronized List<byte[]> seeds() {
    if (seeds == null) {
      RollguardConfig config = ScoringFixtures.config(Path.of("target"), "http://127.0.0.1:9");
      ModelBundle bundle = ScoringFixtures.trainedBundle(config, 7);
      seeds = List.of(BundleCodec.encode(bundle));
    }
    return seeds;
  }

  @Provide
  Arbitrary<byte[]> bundles() {
    Arbitrary<byte[]> seed = Arbitraries.of(seeds()).map(byte[]::clone);
    Arbitrary<byte[]> resealed =
        Arbitraries.randoms().flatMap(r -> seed.map(s -> reseal(mutateBody(s, r))));
    Arbitrary<byte[]> raw =
        Arbitraries.randoms().flatMap(r -> seed.map(s -> Fuzz.mutateBytes(s, r)));
    return Arbitraries.frequencyOf(
        Tuple.of(8, resealed), Tuple.of(1, raw), Tuple.of(1, Fuzz.arbitraryBytes()));
  }

  @Property
  void bundleCodec(@ForAll("bundles") byte[] input) {
    try {
      BundleCodec.decode(input);
    } catch (BundleFormatException e) {
      assertTrue(e.getMessage().length() <= 1_000, e.getMessage());
    }
  }

  /** Byte mutations of the body only, or a hostile int written at a random offset in it. */
  private static byte[] mutateBody(byte[] bundle, Random r) {
    byte[] body = Arrays.copyOfRange(bundle, HEADER, bundle.length - DIGEST);
    if (r.nextInt(3) > 0 && body.length >= 4) {
      int at = r.nextInt(body.length - 3);
      int[] hostile = {0, -1, 1, 2, 1 << 30, Integer.MAX_VALUE, Integer.MIN_VALUE, 65, 1441};
      ByteBuffer.wrap(body).putInt(at, hostile[r.nextInt(hostile.length)]);
    } else {
      body = Fuzz.mutateBytes(body, r);
    }
    byte[] out = new byte[HEADER + body.length + DIGEST];
    System.arraycopy(bundle, 0, out, 0, HEADER);
    System.arraycopy(body, 0, out, HEADER, body.length);
    return out;
  }

  /** Header length and checksum recomputed for the (mutated) body. */
  private static byte[] reseal(byte[] bundle) {
    int bodyLength = bundle.length - HEADER - DIGEST;
    ByteBuffer.wrap(bundle).putInt(12, bodyLength);
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(bundle, 0, HEADER + bodyLength);
      System.arraycopy(sha.digest(), 0, bundle, HEADER + bodyLength, DIGEST);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return bundle;
  }
}
