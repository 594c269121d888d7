package io.rollguard.window;

import static io.rollguard.window.WindowAssemblerTest.START;
import static io.rollguard.window.WindowAssemblerTest.STEP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.numaproj.numaflow.reducer.metadata.IntervalWindowImpl;
import io.numaproj.numaflow.reducer.metadata.MetadataImpl;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.config.WindowSettings;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A Pipeline window that is not the configured one (README: an overlay changed lengthSteps to 15,
 * the Pipeline still said 12m) stops the vertex at its first message with a message naming both
 * fields, instead of dropping every window in silence.
 */
class WindowSpecGuardTest {

  private static final WindowSettings FIFTEEN_STEPS = new WindowSettings(STEP, 15, 0.8, 2);

  @Test
  void aWindowOfTheConfiguredLengthOnTheStepGridPasses() {
    List<String> reported = new ArrayList<>();
    WindowSpecGuard guard = new WindowSpecGuard(FIFTEEN_STEPS, reported::add);
    guard.check(START, START + 15 * STEP);
    assertEquals(List.of(), reported);
    assertFalse(guard.tripped());
  }

  @Test
  void aShorterPipelineWindowIsReportedOnceNamingBothFields() {
    List<String> reported = new ArrayList<>();
    WindowSpecGuard guard = new WindowSpecGuard(FIFTEEN_STEPS, reported::add);
    guard.check(START, START + 12 * STEP);
    guard.check(START + STEP, START + 13 * STEP);
    assertEquals(1, reported.size(), "reported once");
    String message = reported.get(0);
    assertTrue(
        message.contains("windows of 12m")
            && message.contains("sliding.length")
            && message.contains("window.lengthSteps x step = 15 x 1m = 15m"),
        message);
    assertTrue(guard.tripped());
  }

  @Test
  void aSlideOtherThanTheStepIsReported() {
    List<String> reported = new ArrayList<>();
    WindowSpecGuard guard = new WindowSpecGuard(FIFTEEN_STEPS, reported::add);
    guard.check(START + STEP / 2, START + STEP / 2 + 15 * STEP);
    assertEquals(1, reported.size());
    assertTrue(reported.get(0).contains("sliding.slide must equal step"), reported.get(0));
  }

  /** The reducer checks the window of its first message, before any output. */
  @Test
  void theReducerChecksTheWindowOfItsFirstMessage() {
    List<String> reported = new ArrayList<>();
    WindowReducerFactory factory =
        new WindowReducerFactory(
            FIFTEEN_STEPS,
            WindowReducerTest.METRICS,
            new PrometheusRegistry(),
            new WindowSpecGuard(FIFTEEN_STEPS, reported::add));
    WindowReducer reducer = factory.createReducer();
    reducer.addMessage(
        new String[] {"shop", "checkout", "canary", "abc"},
        WindowReducerTest.datum(new byte[0]),
        new MetadataImpl(
            new IntervalWindowImpl(
                Instant.ofEpochMilli(START), Instant.ofEpochMilli(START + 12 * STEP))));
    assertEquals(1, reported.size(), "reported at the first message");
  }
}
