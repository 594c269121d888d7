package io.rollguard.common.registry;

import io.rollguard.common.detect.BundleCodec;
import io.rollguard.common.detect.BundleFormatException;
import io.rollguard.common.detect.ModelBundle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Bundles in a directory: the embedded default for local runs and single-pod installs.
 *
 * <pre>
 *   {dir}/{namespace}/{app}/{version}.bundle   bundle bytes (BundleCodec format)
 *   {dir}/{namespace}/{app}/latest             version id (UTF-8)
 * </pre>
 *
 * <p>Files are written to a temp name and atomically renamed, so a reader never sees half a bundle
 * and {@code latest} moves only after its version is complete. A directory has no native expiry: a
 * version older than the bundle TTL is treated as absent (and pruned on the next save), which keeps
 * the same "latest never dangles" behaviour as Redis.
 */
public final class DirectoryModelRegistry implements ModelRegistry {

  private static final String SUFFIX = ".bundle";

  private final Path root;
  private final Duration bundleTtl;
  private final Clock clock;

  public DirectoryModelRegistry(Path root, Duration bundleTtl, Clock clock) {
    this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
    this.bundleTtl = Objects.requireNonNull(bundleTtl, "bundleTtl");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (bundleTtl.isNegative() || bundleTtl.isZero()) {
      throw new IllegalArgumentException("registry.bundleTtl must be > 0, got " + bundleTtl);
    }
  }

  @Override
  public synchronized StoredBundle save(EntityId entity, ModelBundle bundle)
      throws RegistryException {
    byte[] encoded = BundleCodec.encode(bundle);
    BundleVersion version = BundleVersion.create(clock.instant(), BundleCodec.checksumHex(encoded));
    Path dir = entityDir(entity);
    try {
      Files.createDirectories(dir);
      writeAtomically(dir.resolve(version.id() + SUFFIX), encoded);
      writeAtomically(dir.resolve("latest"), version.id().getBytes(StandardCharsets.UTF_8));
      pruneExpired(dir);
    } catch (IOException e) {
      throw new RegistryException(
          "directory: cannot save bundle for " + entity + " in " + dir + ": " + e, e);
    }
    return new StoredBundle(entity, version, bundle);
  }

  @Override
  public Optional<StoredBundle> loadLatest(EntityId entity) throws RegistryException {
    Path pointer = entityDir(entity).resolve("latest");
    String id;
    try {
      id = Files.readString(pointer, StandardCharsets.UTF_8).strip();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new RegistryException("directory: cannot read " + pointer + ": " + e, e);
    }
    try {
      return load(entity, BundleVersion.parse(id));
    } catch (IllegalArgumentException e) {
      throw new RegistryException("directory: " + pointer + " is corrupt: " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<StoredBundle> load(EntityId entity, BundleVersion version)
      throws RegistryException {
    if (isExpired(version)) {
      return Optional.empty();
    }
    Path file = entityDir(entity).resolve(version.id() + SUFFIX);
    byte[] encoded;
    try {
      long size = Files.size(file);
      if (size > BundleCodec.MAX_BUNDLE_BYTES) {
        throw new RegistryException(
            "directory: "
                + file
                + " rejected: "
                + size
                + " bytes exceed the bundle limit of "
                + BundleCodec.MAX_BUNDLE_BYTES);
      }
      encoded = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new RegistryException("directory: cannot read " + file + ": " + e, e);
    }
    try {
      return Optional.of(new StoredBundle(entity, version, BundleCodec.decode(encoded)));
    } catch (BundleFormatException e) {
      throw new RegistryException("directory: " + file + " rejected: " + e.getMessage(), e);
    }
  }

  @Override
  public List<EntityId> entities() throws RegistryException {
    List<EntityId> entities = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return entities;
    }
    try (DirectoryStream<Path> namespaces = Files.newDirectoryStream(root, Files::isDirectory)) {
      for (Path namespace : namespaces) {
        try (DirectoryStream<Path> apps = Files.newDirectoryStream(namespace, Files::isDirectory)) {
          for (Path app : apps) {
            if (Files.isRegularFile(app.resolve("latest"))) {
              try {
                entities.add(
                    new EntityId(namespace.getFileName().toString(), app.getFileName().toString()));
              } catch (IllegalArgumentException notOurs) {
                // a directory we did not write
              }
            }
          }
        }
      }
    } catch (IOException e) {
      throw new RegistryException("directory: cannot list " + root + ": " + e, e);
    }
    entities.sort(Comparator.comparing(EntityId::namespace).thenComparing(EntityId::app));
    return entities;
  }

  @Override
  public List<BundleVersion> versions(EntityId entity) throws RegistryException {
    Path dir = entityDir(entity);
    List<BundleVersion> versions = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return versions;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        try {
          BundleVersion version =
              BundleVersion.parse(name.substring(0, name.length() - SUFFIX.length()));
          if (!isExpired(version)) {
            versions.add(version);
          }
        } catch (IllegalArgumentException notOurs) {
          // a file we did not write
        }
      }
    } catch (IOException e) {
      throw new RegistryException("directory: cannot list " + dir + ": " + e, e);
    }
    versions.sort(Comparator.comparing(BundleVersion::id));
    return versions;
  }

  @Override
  public String backendName() {
    return "directory";
  }

  private boolean isExpired(BundleVersion version) {
    return !version.createdAt().plus(bundleTtl).isAfter(clock.instant());
  }

  private Path entityDir(EntityId entity) {
    // EntityId admits no separators or "..", so this cannot leave the root; checked anyway.
    Path dir = root.resolve(entity.namespace()).resolve(entity.app()).normalize();
    if (!dir.startsWith(root)) {
      throw new IllegalArgumentException("entity " + entity + " escapes the registry directory");
    }
    return dir;
  }

  private void pruneExpired(Path dir) throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        String id = name.substring(0, name.length() - SUFFIX.length());
        try {
          if (isExpired(BundleVersion.parse(id))) {
            Files.deleteIfExists(file);
          }
        } catch (IllegalArgumentException notOurs) {
          // A file we did not write: leave it alone.
        }
      }
    }
  }

  private static void writeAtomically(Path target, byte[] bytes) throws IOException {
    Path tmp = Files.createTempFile(target.getParent(), ".tmp-", ".part");
    try {
      Files.write(tmp, bytes);
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
