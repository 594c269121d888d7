package io.rollguard.window;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rollguard.common.config.WindowSettings;
import io.rollguard.common.payload.Sample;
import io.rollguard.common.payload.ScoringKey;
import io.rollguard.common.payload.Window;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WindowAssemblerTest {

  static final long STEP = 60_000;
  static final int ROWS = 6;

  /** On the minute grid (a multiple of STEP), as Numaflow aligns sliding windows. */
  static final long START = 1_700_000_040_000L;

  static final long END = START + ROWS * STEP;
  static final ScoringKey KEY = new ScoringKey("shop", "checkout", "canary", "7d9f8c");
  static final List<String> METRICS = List.of("latency", "errors");
  static final double NaN = Double.NaN;

  private static WindowAssembler assembler(double minCoverage, int maxFillSteps) {
    return new WindowAssembler(new WindowSettings(STEP, ROWS, minCoverage, maxFillSteps), METRICS);
  }

  /** A sample with latency/errors values; null = missing. */
  static Sample sample(long timestamp, Double latency, Double errors) {
    Map<String, Double> values = new LinkedHashMap<>();
    values.put("latency", latency);
    values.put("errors", errors);
    return new Sample(KEY, timestamp, values);
  }

  static long row(int i) {
    return START + i * STEP;
  }

  private static Window emitted(AssemblyResult result) {
    return assertInstanceOf(AssemblyResult.Emitted.class, result).window();
  }

  private static double[] column(Window window, int col) {
    double[] out = new double[window.rows()];
    for (int r = 0; r < out.length; r++) {
      out[r] = window.values()[r][col];
    }
    return out;
  }

  @Test
  void placesSamplesByTimeWhateverTheArrivalOrder() {
    List<Sample> shuffled = new ArrayList<>();
    for (int i : new int[] {3, 0, 5, 1, 4, 2}) {
      shuffled.add(sample(row(i), 100.0 + i, (double) i));
    }

    Window window = emitted(assembler(1.0, 0).assemble(KEY, START, END, shuffled));

    assertArrayEquals(new double[] {100, 101, 102, 103, 104, 105}, column(window, 0));
    assertArrayEquals(new double[] {0, 1, 2, 3, 4, 5}, column(window, 1));
    assertEquals(KEY, window.key());
    assertEquals(START, window.start());
    assertEquals(END, window.end());
    assertEquals(STEP, window.stepMillis());
    assertEquals(METRICS, window.metrics());
    assertEquals(1.0, window.coverage());
    assertEquals(0, window.filledCells());
  }

  @Test
  void keepsTheFirstOfDuplicateTimestampsAndLetsTheDuplicateOnlyFillItsGaps() {
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      samples.add(sample(row(i), 10.0, 1.0));
    }
    // The HA twin of row 2 arrives later with another latency and the errors value row 2 lacked.
    samples.set(2, sample(row(2), 10.0, null));
    samples.add(sample(row(2), 99.0, 7.0));
    samples.add(sample(row(4), 55.0, 55.0));

    AssemblyResult result = assembler(1.0, 0).assemble(KEY, START, END, samples);

    Window window = emitted(result);
    assertEquals(10.0, window.values()[2][0], "the first received value wins");
    assertEquals(7.0, window.values()[2][1], "the duplicate supplies the missing value");
    assertArrayEquals(new double[] {10.0, 1.0}, window.values()[4]);
    assertEquals(2, result.stats().duplicates());
    assertEquals(0, window.filledCells());
  }

  @Test
  void snapsOffGridTimestampsToTheNearestGridPointInsideTheWindow() {
    List<Sample> samples =
        List.of(
            sample(row(0) + 1, 0.0, 0.0), // just after row 0
            sample(row(1) + 20_000, 1.0, 1.0), // nearer row 1 than row 2
            sample(row(3) - 25_000, 3.0, 3.0), // nearer row 3 than row 2
            sample(row(3) + 30_000, 4.0, 4.0), // exactly half a step: the later point, row 4
            sample(END - 1, 5.0, 5.0)); // nearest point would be END: the last row

    Window window = emitted(assembler(0.5, 0).assemble(KEY, START, END, samples));

    assertArrayEquals(new double[] {0, 1, NaN, 3, 4, 5}, column(window, 0));
  }

  @Test
  void theSampleClosestToTheGridPointWinsACell() {
    List<Sample> samples =
        List.of(
            sample(row(1) + 20_000, 1.2, 1.2),
            sample(row(1) - 5_000, 0.9, null), // closer, but has no errors value
            sample(row(1) + 10_000, 1.1, 1.1));

    AssemblyResult result = assembler(0.1, 0).assemble(KEY, START, END, samples);

    Window window = emitted(result);
    assertArrayEquals(new double[] {0.9, 1.1}, window.values()[1]);
    assertEquals(0, result.stats().duplicates(), "different timestamps are not duplicates");
  }

  @Test
  void forwardFillsGapsOfAtMostMaxFillStepsFromTheLastObservedValue() {
    List<Sample> samples =
        List.of(
            sample(row(0), 1.0, 1.0),
            sample(row(1), null, 2.0),
            sample(row(2), null, 3.0), // latency gap of 2 rows between rows 0 and 3
            sample(row(3), 4.0, 4.0),
            sample(row(4), null, 5.0), // trailing latency gap of 2 rows
            sample(row(5), null, 6.0));

    AssemblyResult result = assembler(1.0, 2).assemble(KEY, START, END, samples);

    Window window = emitted(result);
    assertArrayEquals(new double[] {1, 1, 1, 4, 4, 4}, column(window, 0));
    assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, column(window, 1));
    assertEquals(4, window.filledCells());
    assertEquals(8, result.stats().observedCells());
    assertEquals(1.0, window.coverage());
  }

  @Test
  void leavesAGapLongerThanMaxFillStepsEntirelyMissing() {
    List<Sample> samples =
        List.of(
            sample(row(0), 1.0, 1.0),
            sample(row(1), null, 1.0),
            sample(row(2), null, 1.0),
            sample(row(3), null, 1.0), // latency gap of 3 rows > 2
            sample(row(4), 5.0, 1.0),
            sample(row(5), 6.0, 1.0));

    Window window = emitted(assembler(0.5, 2).assemble(KEY, START, END, samples));

    assertArrayEquals(new double[] {1, NaN, NaN, NaN, 5, 6}, column(window, 0));
    assertEquals(0, window.filledCells());
    assertEquals(9.0 / 12.0, window.coverage());
  }

  @Test
  void neverFillsBeforeTheFirstObservedValueOfTheWindow() {
    List<Sample> samples =
        List.of(sample(row(2), 3.0, 3.0), sample(row(3), 4.0, 4.0), sample(row(5), 6.0, 6.0));

    Window window = emitted(assembler(0.5, 2).assemble(KEY, START, END, samples));

    assertArrayEquals(new double[] {NaN, NaN, 3, 4, 4, 6}, column(window, 0));
    assertEquals(2, window.filledCells());
  }

  @Test
  void maxFillStepsZeroFillsNothing() {
    List<Sample> samples = List.of(sample(row(0), 1.0, 1.0), sample(row(2), 3.0, 3.0));

    Window window = emitted(assembler(0.1, 0).assemble(KEY, START, END, samples));

    assertArrayEquals(new double[] {1, NaN, 3, NaN, NaN, NaN}, column(window, 0));
    assertEquals(0, window.filledCells());
  }

  @Test
  void emitsAtExactlyTheMinimumCoverageAndDropsBelowIt() {
    List<Sample> threeRows =
        List.of(sample(row(0), 1.0, 1.0), sample(row(2), 3.0, 3.0), sample(row(4), 5.0, 5.0));

    AssemblyResult atMinimum = assembler(0.5, 0).assemble(KEY, START, END, threeRows);
    AssemblyResult below = assembler(0.51, 0).assemble(KEY, START, END, threeRows);

    assertEquals(0.5, emitted(atMinimum).coverage());
    AssemblyResult.Dropped dropped = assertInstanceOf(AssemblyResult.Dropped.class, below);
    assertEquals(DropReason.LOW_COVERAGE, dropped.reason());
    assertTrue(dropped.detail().contains("0.500"), dropped.detail());
    assertEquals(0.5, dropped.stats().coverage());
  }

  @Test
  void aMetricMissingThroughoutStaysAnAllNaNColumn() {
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      samples.add(sample(row(i), 10.0 + i, null));
    }

    Window window = emitted(assembler(0.5, 2).assemble(KEY, START, END, samples));
    AssemblyResult stricter = assembler(0.6, 2).assemble(KEY, START, END, samples);

    assertArrayEquals(new double[] {NaN, NaN, NaN, NaN, NaN, NaN}, column(window, 1));
    assertEquals(0.5, window.coverage());
    assertEquals(
        DropReason.LOW_COVERAGE, assertInstanceOf(AssemblyResult.Dropped.class, stricter).reason());
  }

  @Test
  void dropsAsEmptyWithoutAnyObservedValue() {
    WindowAssembler assembler = assembler(0.1, 2);

    AssemblyResult noSamples = assembler.assemble(KEY, START, END, List.of());
    AssemblyResult allMissing =
        assembler.assemble(KEY, START, END, List.of(sample(row(1), null, null)));
    AssemblyResult outside =
        assembler.assemble(
            KEY, START, END, List.of(sample(START - 1, 1.0, 1.0), sample(END, 1.0, 1.0)));

    for (AssemblyResult result : List.of(noSamples, allMissing, outside)) {
      assertEquals(
          DropReason.EMPTY, assertInstanceOf(AssemblyResult.Dropped.class, result).reason());
    }
    assertEquals(2, outside.stats().outOfWindow());
  }

  @Test
  void ignoresAndCountsSamplesOutsideTheWindow() {
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      samples.add(sample(row(i), 1.0, 1.0));
    }
    samples.add(sample(END, 99.0, 99.0));
    samples.add(sample(START - STEP, 99.0, 99.0));

    AssemblyResult result = assembler(1.0, 0).assemble(KEY, START, END, samples);

    assertArrayEquals(new double[] {1, 1, 1, 1, 1, 1}, column(emitted(result), 0));
    assertEquals(2, result.stats().outOfWindow());
  }

  @Test
  void treatsNonFiniteValuesAsMissing() {
    List<Sample> samples =
        List.of(sample(row(0), Double.POSITIVE_INFINITY, 1.0), sample(row(1), Double.NaN, 2.0));

    AssemblyResult result = assembler(0.1, 0).assemble(KEY, START, END, samples);

    assertArrayEquals(new double[] {NaN, NaN, NaN, NaN, NaN, NaN}, column(emitted(result), 0));
    assertEquals(2, result.stats().nonFiniteValues());
  }

  @Test
  void dropsAWindowThatDoesNotFitTheConfiguredGrid() {
    WindowAssembler assembler = assembler(0.1, 0);
    List<Sample> samples = List.of(sample(row(0), 1.0, 1.0));

    AssemblyResult tooShort = assembler.assemble(KEY, START, END - STEP, samples);
    AssemblyResult offGrid = assembler.assemble(KEY, START + 1_000, END + 1_000, samples);

    for (AssemblyResult result : List.of(tooShort, offGrid)) {
      assertEquals(
          DropReason.WINDOW_MISMATCH,
          assertInstanceOf(AssemblyResult.Dropped.class, result).reason());
    }
  }

  @Test
  void rejectsAnUnusableMetricList() {
    WindowSettings settings = new WindowSettings(STEP, ROWS, 0.5, 1);

    assertThrows(IllegalArgumentException.class, () -> new WindowAssembler(settings, List.of()));
    IllegalArgumentException duplicate =
        assertThrows(
            IllegalArgumentException.class,
            () -> new WindowAssembler(settings, List.of("latency", "latency")));
    assertTrue(duplicate.getMessage().contains("latency"), duplicate.getMessage());
  }
}
