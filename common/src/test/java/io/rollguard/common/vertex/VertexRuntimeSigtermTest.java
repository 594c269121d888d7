package io.rollguard.common.vertex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM end to end, in a child JVM: the runtime stops the server and the JVM exits although a
 * shutdown hook like numaflow-java 0.9.2's (System.exit inside the hook) would block exit forever.
 */
class VertexRuntimeSigtermTest {

  /** Generous bounds for a loaded CI machine; without the runtime's halt the child never exits. */
  private static final long START_SECONDS = 60;

  private static final long EXIT_SECONDS = 30;

  @Test
  void sigtermStopsTheVertexAndTheJvmExitsDespiteAnSdkHookThatCallsSystemExit() throws Exception {
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(java, "-cp", classpath, SigtermChild.class.getName())
            .redirectErrorStream(true)
            .start();
    List<String> lines = new ArrayList<>();
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                  synchronized (lines) {
                    lines.add(line);
                  }
                  if (line.equals(SigtermChild.READY)) {
                    ready.complete(null);
                  }
                }
              } catch (Exception e) {
                ready.completeExceptionally(e);
              }
            });
    reader.start();
    try {
      ready.get(START_SECONDS, TimeUnit.SECONDS);

      // SIGTERM. Not child.destroy(): that also closes our end of the child's stdout, and the lines
      // the child logs while shutting down would be lost.
      assertTrue(child.toHandle().destroy(), "SIGTERM sent");

      assertTrue(child.waitFor(EXIT_SECONDS, TimeUnit.SECONDS), "child JVM exited: " + lines);
      reader.join(TimeUnit.SECONDS.toMillis(5));
      assertEquals(VertexRuntime.SHUTDOWN_EXIT_STATUS, child.exitValue(), String.join("\n", lines));
      String output;
      synchronized (lines) {
        output = String.join("\n", lines);
      }
      assertTrue(output.contains(SigtermChild.SDK_HOOK_RAN), "the SDK-like hook ran:\n" + output);
      assertTrue(output.contains("server stopped"), output);
      assertTrue(output.contains("metrics endpoint closed"), output);
      assertTrue(output.contains("halting the JVM with status 143"), output);
    } finally {
      child.destroyForcibly();
    }
  }
}
