package io.rollguard.cli.bench;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * numaflow-java 0.9.2's Mapper server registers a shutdown hook that itself calls {@code
 * System.exit}, which deadlocks any later JVM exit (see docs/vertices.md and VertexRuntime). A
 * command that started such a server records it here, and the CLI's {@code main} then ends the JVM
 * with {@code Runtime.halt} after flushing its output instead of {@code System.exit}.
 */
public final class SdkServerExit {

  private static final AtomicBoolean STARTED = new AtomicBoolean();

  private SdkServerExit() {}

  /** Records that an SDK server with the exit-deadlocking hook was started in this JVM. */
  public static void serverStarted() {
    STARTED.set(true);
  }

  /** Whether the JVM must be halted rather than exited. */
  public static boolean haltRequired() {
    return STARTED.get();
  }
}
