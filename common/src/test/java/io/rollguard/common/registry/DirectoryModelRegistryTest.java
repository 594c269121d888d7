package io.rollguard.common.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rollguard.common.detect.BundleCodec;
import io.rollguard.common.detect.ModelBundle;
import io.rollguard.common.detect.WindowScore;
import io.rollguard.testsupport.SettableClock;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryModelRegistryTest {

  private static final EntityId SHOP = new EntityId("shop", "checkout");
  private static ModelBundle bundle;

  @TempDir Path dir;
  private final SettableClock clock = new SettableClock(Instant.parse("2026-11-29T12:00:00Z"));

  @BeforeAll
  static void train() {
    bundle = Bundles.trained(1);
  }

  @Test
  void savedBundleIsLatestAndScoresBitForBitTheSame() throws Exception {
    DirectoryModelRegistry registry = new DirectoryModelRegistry(dir, Duration.ofDays(7), clock);
    StoredBundle saved = registry.save(SHOP, bundle);

    StoredBundle latest = registry.loadLatest(SHOP).orElseThrow();
    assertEquals(saved.version(), latest.version());
    double[][] window = Bundles.window(bundle.windowLength(), 0.3);
    WindowScore before = bundle.scoreRawWindow(window);
    WindowScore after = latest.bundle().scoreRawWindow(window);
    assertEquals(
        Double.doubleToRawLongBits(before.unified()), Double.doubleToRawLongBits(after.unified()));
    assertArrayEquals(before.perMetric(), after.perMetric());
  }

  @Test
  void secondSaveMovesLatestAndOldVersionStaysLoadable() throws Exception {
    DirectoryModelRegistry registry = new DirectoryModelRegistry(dir, Duration.ofDays(7), clock);
    StoredBundle first = registry.save(SHOP, bundle);
    clock.advance(Duration.ofMinutes(5));
    StoredBundle second = registry.save(SHOP, Bundles.trained(2));

    assertEquals(second.version(), registry.loadLatest(SHOP).orElseThrow().version());
    assertTrue(registry.load(SHOP, first.version()).isPresent(), "pinned old version");
    assertTrue(registry.loadLatest(new EntityId("shop", "other")).isEmpty());
  }

  /** Listing for operators: entities with a latest pointer; live versions oldest first. */
  @Test
  void listsEntitiesAndTheirLiveVersions() throws Exception {
    DirectoryModelRegistry registry = new DirectoryModelRegistry(dir, Duration.ofHours(1), clock);
    assertEquals(List.of(), registry.entities());
    EntityId cart = new EntityId("shop", "cart");
    StoredBundle old = registry.save(SHOP, bundle);
    clock.advance(Duration.ofMinutes(50));
    StoredBundle first = registry.save(SHOP, bundle);
    registry.save(cart, bundle);
    clock.advance(Duration.ofMinutes(1));
    StoredBundle second = registry.save(SHOP, Bundles.trained(2));
    Files.writeString(dir.resolve("shop").resolve("checkout").resolve("notes.bundle"), "not ours");

    assertEquals(List.of(cart, SHOP), registry.entities());
    assertEquals(
        List.of(old.version(), first.version(), second.version()), registry.versions(SHOP));
    clock.advance(Duration.ofMinutes(15));
    assertEquals(
        List.of(first.version(), second.version()),
        registry.versions(SHOP),
        "the expired version is gone");
  }

  @Test
  void expiredVersionIsAbsentAndLatestDoesNotDangle() throws Exception {
    DirectoryModelRegistry registry = new DirectoryModelRegistry(dir, Duration.ofHours(1), clock);
    StoredBundle saved = registry.save(SHOP, bundle);
    clock.advance(Duration.ofMinutes(61));

    assertTrue(registry.loadLatest(SHOP).isEmpty());
    assertTrue(registry.load(SHOP, saved.version()).isEmpty());
  }

  @Test
  void corruptBundleIsRejectedWithAClearError() throws Exception {
    DirectoryModelRegistry registry = new DirectoryModelRegistry(dir, Duration.ofDays(7), clock);
    StoredBundle saved = registry.save(SHOP, bundle);
    Path file = dir.resolve("shop/checkout/" + saved.version().id() + ".bundle");
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x01; // one flipped bit
    Files.write(file, bytes);

    RegistryException e = assertThrows(RegistryException.class, () -> registry.loadLatest(SHOP));
    assertTrue(e.getMessage().contains("rejected"), e.getMessage());
  }

  @Test
  void anOversizedBundleFileIsRefusedWithoutBeingRead() throws Exception {
    DirectoryModelRegistry registry = new DirectoryModelRegistry(dir, Duration.ofDays(7), clock);
    StoredBundle saved = registry.save(SHOP, bundle);
    Path file = dir.resolve("shop/checkout/" + saved.version().id() + ".bundle");
    // Sparse: the file claims more bytes than the limit without using the disk.
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(BundleCodec.MAX_BUNDLE_BYTES + 1L);
    }
    RegistryException e = assertThrows(RegistryException.class, () -> registry.loadLatest(SHOP));
    assertTrue(e.getMessage().contains("exceed the bundle limit"), e.getMessage());
  }

  @Test
  void entityNamesCannotEscapeTheDirectory() {
    assertThrows(IllegalArgumentException.class, () -> new EntityId("..", "x"));
    assertThrows(IllegalArgumentException.class, () -> new EntityId("a/b", "x"));
    assertThrows(IllegalArgumentException.class, () -> new EntityId("shop", "a:b"));
    assertThrows(IllegalArgumentException.class, () -> BundleVersion.parse("../../etc/passwd"));
  }
}
