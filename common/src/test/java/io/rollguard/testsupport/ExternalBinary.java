package io.rollguard.testsupport;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Shared plumbing of the real-server harness: binaries, ports, processes, temp dirs. */
public final class ExternalBinary {

  /** How to install each binary the harness starts: Debian package, Homebrew formula. */
  private static final Map<String, String[]> INSTALL =
      Map.of(
          "redis-server", new String[] {"redis-server", "redis"},
          "prometheus", new String[] {"prometheus", "prometheus"},
          "promtool", new String[] {"prometheus", "prometheus"},
          "openssl", new String[] {"openssl", "openssl"},
          "kubectl", new String[] {"kubectl (from the Kubernetes apt repository)", "kubectl"});

  private ExternalBinary() {}

  /**
   * Finds a server or tool binary: the environment variable {@link #overrideVariable} (e.g. {@code
   * ROLLGUARD_REDIS_SERVER_BIN=/opt/homebrew/bin/redis-server}) when set, else the first executable
   * {@code name} on the {@code PATH}. Fails (never skips) when it is missing: the real-server tests
   * are part of the suite, and a silently skipped test would pass CI without testing anything.
   */
  public static Path require(String name) {
    return find(name, System.getenv())
        .orElseThrow(() -> new IllegalStateException(missingMessage(name)));
  }

  /** The binary as {@link #require} finds it, or empty; {@code env} stands for the environment. */
  public static Optional<Path> find(String name, Map<String, String> env) {
    String override = env.get(overrideVariable(name));
    if (override != null && !override.isBlank()) {
      Path binary = Path.of(override);
      return Files.isExecutable(binary) ? Optional.of(binary) : Optional.empty();
    }
    String path = env.getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /**
   * {@code ROLLGUARD_<NAME>_BIN}, e.g. {@code ROLLGUARD_REDIS_SERVER_BIN} for {@code redis-server}.
   */
  public static String overrideVariable(String name) {
    return "ROLLGUARD_" + name.toUpperCase(Locale.ROOT).replace('-', '_') + "_BIN";
  }

  /** What to do when {@code name} is missing: where it was looked for and how to install it. */
  static String missingMessage(String name) {
    String[] install = INSTALL.getOrDefault(name, new String[] {name, name});
    return name
        + " is not on the PATH (or set "
        + overrideVariable(name)
        + " to its path): the tests"
        + " that need it start a real one. Install it: Debian/Ubuntu `apt-get install -y "
        + install[0]
        + "` (or run .ci/run, which installs every test dependency), macOS `brew install "
        + install[1]
        + "`.";
  }

  /** A port that was free a moment ago (the OS picks it). */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("cannot find a free port", e);
    }
  }

  static Process launch(List<String> command, Path logFile) {
    try {
      return new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
          .start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + command, e);
    }
  }

  static boolean portOpen(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static void stop(Process process) {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  static String tail(Path logFile) {
    try {
      List<String> lines = Files.readAllLines(logFile);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  static void deleteRecursively(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a leftover temp dir must not fail a test
    }
  }
}
