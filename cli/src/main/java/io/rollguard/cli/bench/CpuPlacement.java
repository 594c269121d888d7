package io.rollguard.cli.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Where the bench's vertex servers and its load generator run. A server is pinned with {@code
 * taskset} to one CPU, preferably one this JVM may not use (run the bench under {@code taskset -c
 * 0} on a 2-CPU machine: the server gets CPU 1, the load generator CPU 0).
 *
 * @param serverCpu the CPU to pin each server to, or -1 for none
 * @param clientCpus the CPUs this JVM may run on (Linux list format), or null when unknown
 */
record CpuPlacement(int serverCpu, String clientCpus) {

  /**
   * @param requested a CPU asked for explicitly, or -1 to choose
   */
  static CpuPlacement choose(int requested) {
    String mine = readCpuList(Path.of("/proc/self/status"), "Cpus_allowed_list:").orElse(null);
    if (requested >= 0) {
      return new CpuPlacement(requested, mine);
    }
    if (mine == null || !tasksetAvailable()) {
      return new CpuPlacement(-1, mine);
    }
    TreeSet<Integer> allowed = parse(mine);
    TreeSet<Integer> online =
        readFirstLine(Path.of("/sys/devices/system/cpu/online"))
            .map(CpuPlacement::parse)
            .orElse(allowed);
    online.removeAll(allowed);
    if (!online.isEmpty()) {
      return new CpuPlacement(online.first(), mine);
    }
    return allowed.size() >= 2
        ? new CpuPlacement(allowed.last(), mine)
        : new CpuPlacement(-1, mine);
  }

  String describeServer() {
    return serverCpu < 0
        ? "not pinned, -XX:ActiveProcessorCount=1"
        : "taskset -c " + serverCpu + ", -XX:ActiveProcessorCount=1";
  }

  String describeClient() {
    if (clientCpus == null) {
      return "CPUs unknown";
    }
    boolean shared = serverCpu < 0 || parse(clientCpus).contains(serverCpu);
    return "CPUs "
        + clientCpus
        + (shared ? ", sharing the server's CPU: run under taskset -c 0 for a clean split" : "");
  }

  /** Parses a Linux CPU list such as {@code 0-3,6}. */
  static TreeSet<Integer> parse(String list) {
    TreeSet<Integer> cpus = new TreeSet<>();
    for (String part : List.of(list.trim().split(",", -1))) {
      if (part.isBlank()) {
        continue;
      }
      int dash = part.indexOf('-');
      int from = Integer.parseInt(part.substring(0, dash < 0 ? part.length() : dash).trim());
      int to = dash < 0 ? from : Integer.parseInt(part.substring(dash + 1).trim());
      for (int c = from; c <= to; c++) {
        cpus.add(c);
      }
    }
    return cpus;
  }

  private static Optional<String> readCpuList(Path file, String label) {
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.startsWith(label)) {
          return Optional.of(line.substring(label.length()).trim());
        }
      }
    } catch (IOException e) {
      // not Linux, or no procfs: placement unknown
    }
    return Optional.empty();
  }

  private static Optional<String> readFirstLine(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static boolean tasksetAvailable() {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(java.io.File.pathSeparator, -1)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "taskset"))) {
        return true;
      }
    }
    return false;
  }
}
