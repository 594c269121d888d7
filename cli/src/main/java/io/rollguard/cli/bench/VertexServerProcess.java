package io.rollguard.cli.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link VertexServerMain} in a child JVM: started with the bench's class path, optionally pinned
 * to one CPU with {@code taskset} and told it has one ({@code -XX:ActiveProcessorCount=1}), its
 * output in a log file next to its socket. Closing it closes the child's standard input, which
 * stops the server; a child that does not exit in time is killed.
 */
final class VertexServerProcess implements AutoCloseable {

  /** What numa waits for at the end of the server-info file before it connects. */
  private static final String SERVER_INFO_END = "U+005C__END__";

  private static final long START_TIMEOUT_MILLIS = 60_000;

  /** Replaced by the vertex's name in extra JVM options, e.g. in a recording's file name. */
  static final String VERTEX_PLACEHOLDER = "{vertex}";

  /** How the server listens. */
  enum Transport {
    /** A Unix domain socket, the SDK's pod mode: what numa uses in a vertex pod. */
    UDS,
    /** TCP on loopback, the SDK's local mode (and its TestKit's). */
    TCP
  }

  private final Process process;
  private final Path log;
  private final Transport transport;
  private final Path socket;
  private final int port;

  private VertexServerProcess(
      Process process, Path log, Transport transport, Path socket, int port) {
    this.process = process;
    this.log = log;
    this.transport = transport;
    this.socket = socket;
    this.port = port;
  }

  /**
   * Starts the server of {@code vertex} and returns once it has written its server-info file (UDS)
   * or accepts connections (TCP: the client's readiness probe waits).
   *
   * @param cpu the CPU to pin the child to, or -1 for no pinning
   * @param jvmOptions extra JVM options, e.g. a flight recording; {@value #VERTEX_PLACEHOLDER} is
   *     replaced by the vertex's name
   */
  static VertexServerProcess start(
      BenchVertex vertex,
      MapMode mode,
      Path configFile,
      Path dir,
      Transport transport,
      int cpu,
      List<String> jvmOptions)
      throws IOException, InterruptedException {
    Path socket = dir.resolve(vertex.label() + ".sock");
    Path info = dir.resolve(vertex.label() + "-server-info");
    int port = transport == Transport.TCP ? freePort() : -1;
    String address = transport == Transport.UDS ? "uds:" + socket + ":" + info : "tcp:" + port;
    List<String> command = new ArrayList<>();
    if (cpu >= 0) {
      command.addAll(List.of("taskset", "-c", Integer.toString(cpu)));
    }
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // As the vertex image runs (Dockerfile), on one CPU, with the heap of a 1 GiB pod.
    command.addAll(
        List.of(
            "-XX:ActiveProcessorCount=1",
            "-Xmx768m",
            "-XX:+ExitOnOutOfMemoryError",
            "-cp",
            System.getProperty("java.class.path")));
    for (String option : jvmOptions) {
      command.add(option.replace(VERTEX_PLACEHOLDER, vertex.label()));
    }
    command.addAll(
        List.of(
            VertexServerMain.class.getName(),
            vertex.name(),
            mode.name(),
            configFile.toString(),
            address));
    Path log = dir.resolve(vertex.label() + "-server.log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.PIPE);
    builder.environment().put("OPENBLAS_NUM_THREADS", "1");
    VertexServerProcess server =
        new VertexServerProcess(builder.start(), log, transport, socket, port);
    if (transport == Transport.UDS) {
      server.awaitServerInfo(info);
    }
    return server;
  }

  Transport transport() {
    return transport;
  }

  Path socket() {
    return socket;
  }

  int port() {
    return port;
  }

  /**
   * The server's counters so far: its vertex's {@code processMessage} calls and their CPU time (see
   * {@link VertexServerMain.CpuTimedMapper}), and the time its JIT compiler has spent compiling (-1
   * when its JVM does not report it).
   */
  record Stats(long calls, long processMessageCpuNanos, long jitCompileMillis) {}

  /** The server's {@link Stats} now. */
  Stats stats() throws IOException, InterruptedException {
    Path file = log.resolveSibling("stats-" + process.pid());
    Files.deleteIfExists(file);
    process
        .getOutputStream()
        .write((VertexServerMain.STATS_COMMAND + file + "\n").getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().flush();
    long deadline = System.currentTimeMillis() + 10_000;
    while (!Files.exists(file)) {
      if (System.currentTimeMillis() > deadline || !process.isAlive()) {
        throw new IllegalStateException("the vertex server did not report its counters");
      }
      Thread.sleep(5);
    }
    String[] parts = Files.readString(file, StandardCharsets.UTF_8).trim().split(" ", -1);
    return new Stats(Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2]));
  }

  /** CPU time the server's JVM has used so far (all threads), in nanoseconds. */
  long cpuNanos() {
    return cpuNanos(process.toHandle());
  }

  static long cpuNanos(ProcessHandle handle) {
    return handle
        .info()
        .totalCpuDuration()
        .orElseThrow(() -> new IllegalStateException("the OS does not report process CPU time"))
        .toNanos();
  }

  /** The child's log, for an error message. */
  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private void awaitServerInfo(Path info) throws IOException, InterruptedException {
    long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
    while (System.currentTimeMillis() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the vertex server exited with " + process.exitValue() + ":\n" + logTail());
      }
      if (Files.exists(info)
          && Files.readString(info, StandardCharsets.UTF_8).endsWith(SERVER_INFO_END)) {
        return;
      }
      Thread.sleep(50);
    }
    close();
    throw new IllegalStateException("the vertex server did not start within 60 s:\n" + logTail());
  }

  @Override
  public void close() throws IOException {
    process.getOutputStream().close();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
