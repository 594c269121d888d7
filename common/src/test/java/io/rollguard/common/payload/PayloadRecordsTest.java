package io.rollguard.common.payload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PayloadRecordsTest {

  private static final ScoringKey KEY = new ScoringKey("shop", "checkout", "stable", "abc");

  private static Window window() {
    return new Window(
        1,
        KEY,
        0,
        120_000,
        60_000,
        List.of("a", "b"),
        new double[][] {{1, 2}, {3, Double.NaN}},
        0.75,
        0);
  }

  @Test
  void preprocessedWindowOkNeedsVersionAndMatchingShape() {
    Window w = window();
    assertThrows(
        IllegalArgumentException.class,
        () -> PreprocessedWindow.ok(w, null, new double[][] {{0, 0}, {0, 0}}));
    assertThrows(IllegalArgumentException.class, () -> PreprocessedWindow.ok(w, "v1", null));
    IllegalArgumentException rows =
        assertThrows(
            IllegalArgumentException.class,
            () -> PreprocessedWindow.ok(w, "v1", new double[][] {{0, 0}}));
    assertTrue(rows.getMessage().contains("2 rows"), rows.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> PreprocessedWindow.ok(w, "v1", new double[][] {{0, 0}, {0}}));
    assertThrows(
        IllegalArgumentException.class,
        () -> new PreprocessedWindow(1, w, PreprocessedWindow.Status.NO_MODEL, "v1", null));
    assertEquals(KEY, PreprocessedWindow.noModel(w).key());
  }

  @Test
  void arraysCompareByContent() {
    PreprocessedWindow a =
        PreprocessedWindow.ok(window(), "v1", new double[][] {{0.5, Double.NaN}, {1, 2}});
    PreprocessedWindow b =
        PreprocessedWindow.ok(window(), "v1", new double[][] {{0.5, Double.NaN}, {1, 2}});
    PreprocessedWindow c = PreprocessedWindow.ok(window(), "v1", new double[][] {{0.5, 0}, {1, 2}});
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, c);

    InferenceResult r1 = result(new double[][] {{1, Double.NaN}});
    InferenceResult r2 = result(new double[][] {{1, Double.NaN}});
    assertEquals(r1, r2);
    assertEquals(r1.hashCode(), r2.hashCode());
    assertNotEquals(r1, result(new double[][] {{1, 2}}));
  }

  private static InferenceResult result(double[][] errors) {
    return new InferenceResult(
        KEY, 0, 60_000, 60_000, List.of("a", "b"), errors, InferenceResult.Source.MODEL, "v1");
  }

  @Test
  void inferenceResultValidates() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new InferenceResult(
                KEY,
                0,
                60_000,
                60_000,
                List.of("a", "b"),
                new double[][] {{1, 2}},
                InferenceResult.Source.MODEL,
                null));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new InferenceResult(
                KEY,
                60_000,
                60_000,
                60_000,
                List.of("a", "b"),
                new double[][] {{1, 2}},
                InferenceResult.Source.FALLBACK,
                null));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new InferenceResult(
                KEY,
                0,
                60_000,
                60_000,
                List.of("a", "b"),
                new double[][] {{1}},
                InferenceResult.Source.FALLBACK,
                null));
  }

  @Test
  void trainRequestValidates() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new TrainRequest("shop", "checkout", 1, TrainRequest.Reason.STALE, null));
    assertThrows(
        IllegalArgumentException.class,
        () -> new TrainRequest(" ", "checkout", 1, TrainRequest.Reason.NO_MODEL, null));
    assertThrows(
        NullPointerException.class, () -> new TrainRequest("shop", "checkout", 1, null, null));
    assertEquals(
        "shop/checkout",
        new TrainRequest("shop", "checkout", 1, TrainRequest.Reason.NO_MODEL, null).entity());
  }

  @Test
  void anomalyRecordValidatesScoresAndAttribution() {
    Map<String, Double> scores = Map.of("a", 3.0, "b", 1.0);
    AnomalyRecord.Source model = AnomalyRecord.Source.MODEL;
    assertThrows(
        IllegalArgumentException.class,
        () -> new AnomalyRecord(KEY, 1, 10.5, scores, Map.of(), model, "v"));
    assertThrows(
        IllegalArgumentException.class,
        () -> new AnomalyRecord(KEY, 1, Double.NaN, scores, Map.of(), model, "v"));
    assertThrows(
        IllegalArgumentException.class,
        () -> new AnomalyRecord(KEY, 1, 3, Map.of("a", -1.0), Map.of(), model, "v"));
    IllegalArgumentException unknown =
        assertThrows(
            IllegalArgumentException.class,
            () -> new AnomalyRecord(KEY, 1, 3, scores, Map.of("c", 1.0), model, "v"));
    assertTrue(unknown.getMessage().contains("attribution.c"), unknown.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> new AnomalyRecord(KEY, 1, 3, scores, Map.of("a", 0.7, "b", 0.4), model, "v"));
    assertThrows(
        IllegalArgumentException.class,
        () -> new AnomalyRecord(KEY, 1, 3, scores, Map.of("a", 1.0), model, null));
    Map<String, Double> withNull = new LinkedHashMap<>();
    withNull.put("a", null);
    assertThrows(
        IllegalArgumentException.class,
        () -> new AnomalyRecord(KEY, 1, 3, withNull, Map.of(), model, "v"));
    AnomalyRecord ok =
        new AnomalyRecord(KEY, 1, 3, scores, Map.of("a", 0.75, "b", 0.25), model, "v");
    assertThrows(UnsupportedOperationException.class, () -> ok.metricScores().put("c", 1.0));
    assertNull(ok.values());
    AnomalyRecord observed = ok.withObservations(Map.of("a", 0.412), 0.9, 1.0);
    assertEquals(0.412, observed.values().get("a"));
    assertThrows(
        IllegalArgumentException.class,
        () -> ok.withObservations(Map.of("a", Double.NaN), 0.9, 1.0));
    assertThrows(IllegalArgumentException.class, () -> ok.withObservations(Map.of(), 1.5, 1.0));
    assertThrows(IllegalArgumentException.class, () -> ok.withObservations(Map.of(), 0.5, -0.1));
  }
}
