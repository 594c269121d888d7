package io.rollguard.testsupport;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Removes numaflow-java's JVM shutdown hooks once every test of a test JVM has run.
 *
 * <p>Each SDK server's {@code start()} registers a hook that stops the server and then calls {@code
 * System.exit(0)}; called from a shutdown hook, {@code System.exit} blocks for ever, so a test JVM
 * that started a server never exits by itself and surefire kills it, logging {@code [ERROR]
 * Surefire is going to kill self fork JVM} for a module whose tests passed. The tests stop their
 * servers themselves, so the hooks have nothing left to do. (The vertices avoid the same deadlock
 * with a halt after a graceful stop, {@code io.rollguard.common.vertex.GracefulServer}.)
 *
 * <p>Registered for every test JVM by {@code META-INF/services} with JUnit's extension
 * auto-detection (the parent pom turns it on); it reads {@code java.lang.ApplicationShutdownHooks},
 * which surefire's {@code --add-opens java.base/java.lang} makes readable.
 */
public final class SdkShutdownHooks implements BeforeAllCallback {

  private static final String SDK_PACKAGE = "io.numaproj.numaflow.";

  @Override
  public void beforeAll(ExtensionContext context) {
    // One resource in the root store: closed once, after the last test of this JVM.
    context
        .getRoot()
        .getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(
            SdkShutdownHooks.class,
            k -> (ExtensionContext.Store.CloseableResource) SdkShutdownHooks::removeAll,
            ExtensionContext.Store.CloseableResource.class);
  }

  /** Removes the SDK's hooks; returns how many. */
  public static int removeAll() {
    List<Thread> sdkHooks = new ArrayList<>();
    try {
      Class<?> hooksClass = Class.forName("java.lang.ApplicationShutdownHooks");
      Field hooksField = hooksClass.getDeclaredField("hooks");
      hooksField.setAccessible(true);
      Field target = Thread.class.getDeclaredField("target");
      target.setAccessible(true);
      synchronized (hooksClass) {
        Map<?, ?> hooks = (Map<?, ?>) hooksField.get(null);
        if (hooks == null) {
          return 0; // the JVM is already shutting down
        }
        for (Object key : hooks.keySet()) {
          Object runnable = target.get(key);
          if (runnable != null && runnable.getClass().getName().startsWith(SDK_PACKAGE)) {
            sdkHooks.add((Thread) key);
          }
        }
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      // Without --add-opens the hooks stay: surefire then kills the JVM as before.
      System.err.println("SdkShutdownHooks: cannot read the JVM's shutdown hooks: " + e);
      return 0;
    }
    sdkHooks.forEach(Runtime.getRuntime()::removeShutdownHook);
    return sdkHooks.size();
  }
}
