package io.rollguard.cli.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.openjdk.jol.info.GraphLayout;
import org.openjdk.jol.vm.VM;

/**
 * The heap footprint of an object graph, by OpenJDK JOL: every object reachable from the roots,
 * counted once, with this JVM's real object layout (header size, compressed references, alignment).
 * Deterministic for a given graph, unlike a heap difference around {@code System.gc()}.
 */
final class ObjectGraphSize {

  static {
    // Records' field offsets are not available through sun.misc.Unsafe on Java 17; JOL then reads
    // them its own way. No agent attach: JOL's sizes come from the layout, not from an agent.
    setIfAbsent("jol.magicFieldOffset", "true");
    setIfAbsent("jol.skipDynamicAttach", "true");
    setIfAbsent("jol.skipHotspotSAAttach", "true");
    // JOL prints notes about the skipped agent to System.out on first use; keep them out of the
    // bench's output.
    PrintStream original = System.out;
    try {
      System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      VM.current();
    } finally {
      System.setOut(original);
    }
  }

  private ObjectGraphSize() {}

  /** Bytes of the objects reachable from {@code roots} (the array itself not included). */
  static long bytes(Object[] roots) {
    return GraphLayout.parseInstance(roots).totalSize();
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
