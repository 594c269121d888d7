package io.rollguard.window;

import io.rollguard.common.payload.Window;
import java.util.Objects;

/** The outcome of assembling one window: a {@link Window} to emit, or a drop with its reason. */
public sealed interface AssemblyResult {

  AssemblyStats stats();

  /** Coverage is at least the minimum: emit {@code window}. */
  record Emitted(Window window, AssemblyStats stats) implements AssemblyResult {
    public Emitted {
      Objects.requireNonNull(window, "window");
      Objects.requireNonNull(stats, "stats");
    }
  }

  /** Not emitted; {@code detail} is a human-readable explanation for the log. */
  record Dropped(DropReason reason, String detail, AssemblyStats stats) implements AssemblyResult {
    public Dropped {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
      Objects.requireNonNull(stats, "stats");
    }
  }
}
