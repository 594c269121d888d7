package io.rollguard.common.payload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PayloadCodecTest {

  private static final PayloadCodec CODEC = PayloadCodec.shared();
  private static final ScoringKey KEY = new ScoringKey("shop", "checkout", "canary", "6d4f9b7c8d");
  private static final String KEY_JSON =
      "\"key\":{\"namespace\":\"shop\",\"app\":\"checkout\",\"role\":\"canary\",\"podTemplateHash\":\"6d4f9b7c8d\"}";

  /** A window start on the minute grid (the payload contract wants positive timestamps). */
  private static final long T0 = 1_795_953_600_000L;

  private static final String VERSION = "20261128T030000000Z-3fa2c81b9d04";

  private static final String WINDOW_HEAD =
      "{\"schemaVersion\":1,"
          + KEY_JSON
          + ",\"start\":1795953600000,\"end\":1795953720000,\"stepMillis\":60000,\"metrics\":[\"a\",\"b\"],";

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static PayloadException decodeFails(String json, Class<?> type) {
    return assertThrows(PayloadException.class, () -> CODEC.decode(utf8(json), type));
  }

  private static Window window(double[][] values) {
    return new Window(
        1, KEY, T0, T0 + values.length * 60_000L, 60_000, List.of("a", "b"), values, 0.75, 1);
  }

  @Test
  void sharedIsOneInstance() {
    assertTrue(PayloadCodec.shared() == PayloadCodec.shared());
  }

  @Test
  void windowNaNIsWrittenAsNullAndReadBackAsNaN() throws Exception {
    Window w = window(new double[][] {{1.5, Double.NaN}, {2.0, 3.0}});
    String json = new String(CODEC.encode(w), StandardCharsets.UTF_8);
    assertTrue(json.contains("\"values\":[[1.5,null],[2.0,3.0]]"), json);
    Window back = CODEC.decode(utf8(json), Window.class);
    assertEquals(w, back);
    assertTrue(Double.isNaN(back.values()[0][1]));
  }

  @Test
  void jsonNullCellBecomesNaN() throws Exception {
    Window w =
        CODEC.decode(
            utf8(
                WINDOW_HEAD + "\"values\":[[null,1],[2,null]],\"coverage\":0.5,\"filledCells\":0}"),
            Window.class);
    assertTrue(Double.isNaN(w.values()[0][0]));
    assertEquals(1.0, w.values()[0][1]);
    assertTrue(Double.isNaN(w.values()[1][1]));
  }

  @Test
  void sampleKeepsNullValuesInOrder() throws Exception {
    Map<String, Double> values = new LinkedHashMap<>();
    values.put("z_last_alphabetically", 1.0);
    values.put("missing", null);
    values.put("a", 0.25);
    Sample s = new Sample(KEY, 1_000, values);
    String json = new String(CODEC.encode(s), StandardCharsets.UTF_8);
    assertTrue(json.contains("{\"z_last_alphabetically\":1.0,\"missing\":null,\"a\":0.25}"), json);
    Sample back = CODEC.decode(utf8(json), Sample.class);
    assertEquals(s, back);
    assertTrue(back.values().containsKey("missing"));
    assertNull(back.values().get("missing"));
    assertEquals(
        List.of("z_last_alphabetically", "missing", "a"), List.copyOf(back.values().keySet()));
  }

  @Test
  void sampleNaNInMemoryIsEncodedAsNull() throws Exception {
    Map<String, Double> values = new LinkedHashMap<>();
    values.put("x", Double.NaN);
    String json = new String(CODEC.encode(new Sample(KEY, 5, values)), StandardCharsets.UTF_8);
    assertTrue(json.contains("\"values\":{\"x\":null}"), json);
  }

  @Test
  void unknownFieldsAreIgnoredAtEveryLevel() throws Exception {
    Sample s =
        CODEC.decode(
            utf8(
                "{\"schemaVersion\":1,\"addedLater\":{\"deep\":[1,2,{}]},"
                    + "\"key\":{\"namespace\":\"shop\",\"app\":\"checkout\",\"role\":\"canary\","
                    + "\"podTemplateHash\":\"6d4f9b7c8d\",\"cluster\":\"eu-1\"},"
                    + "\"timestamp\":7,\"values\":{\"x\":2}}"),
            Sample.class);
    assertEquals(new Sample(KEY, 7, Map.of("x", 2.0)), s);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "not json",
        "{\"schemaVersion\":1,",
        "{\"schemaVersion\":1} trailing",
        "{\"schemaVersion\":1}{\"schemaVersion\":1}",
        "[1,2]",
        "\"a string\"",
        "{\"schemaVersion\":1,\"schemaVersion\":1}",
        "{'schemaVersion':1}",
        "null"
      })
  void malformedJsonIsReportedAsSuch(String json) {
    PayloadException e = decodeFails(json, Sample.class);
    assertEquals(PayloadException.Reason.MALFORMED_JSON, e.reason(), e.getMessage());
    assertTrue(e.getMessage().startsWith("Sample: "), e.getMessage());
  }

  @Test
  void nullBytesAreMalformed() {
    PayloadException e =
        assertThrows(PayloadException.class, () -> CODEC.decode(null, Window.class));
    assertEquals(PayloadException.Reason.MALFORMED_JSON, e.reason());
  }

  @Test
  void missingSchemaVersionIsUnsupported() {
    PayloadException e =
        decodeFails("{" + KEY_JSON + ",\"timestamp\":1,\"values\":{}}", Sample.class);
    assertEquals(PayloadException.Reason.UNSUPPORTED_SCHEMA_VERSION, e.reason());
    assertTrue(e.getMessage().contains("Sample.schemaVersion: missing"), e.getMessage());
  }

  @Test
  void otherSchemaVersionIsUnsupportedEvenWhenOtherFieldsChanged() {
    // A version-2 payload may have renamed fields; the version must be reported, not the field.
    PayloadException e = decodeFails("{\"schemaVersion\":2,\"renamedKey\":{}}", Window.class);
    assertEquals(PayloadException.Reason.UNSUPPORTED_SCHEMA_VERSION, e.reason());
    assertTrue(e.getMessage().contains("unsupported version 2"), e.getMessage());
  }

  @Test
  void otherSchemaVersionIsUnsupportedWhenTheRestWouldDecode() {
    // Binds without error as this build's Sample: the version alone must refuse it.
    PayloadException e =
        decodeFails(
            "{\"schemaVersion\":2," + KEY_JSON + ",\"timestamp\":1,\"values\":{}}", Sample.class);
    assertEquals(PayloadException.Reason.UNSUPPORTED_SCHEMA_VERSION, e.reason());
    assertTrue(
        e.getMessage().contains("Sample.schemaVersion: unsupported version 2"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"1\"", "1.0", "null", "true", "{}", "99999999999"})
  void nonIntegerSchemaVersionIsUnsupported(String version) {
    PayloadException e =
        decodeFails(
            "{\"schemaVersion\":" + version + "," + KEY_JSON + ",\"timestamp\":1,\"values\":{}}",
            Sample.class);
    assertEquals(PayloadException.Reason.UNSUPPORTED_SCHEMA_VERSION, e.reason(), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"NaN", "Infinity", "-Infinity", "1e400", "-1e999"})
  void nonFiniteMatrixCellIsAnInvalidFieldWithItsPosition(String number) {
    PayloadException e =
        decodeFails(
            WINDOW_HEAD + "\"values\":[[1,2],[3," + number + "]],\"coverage\":1,\"filledCells\":0}",
            Window.class);
    assertEquals(PayloadException.Reason.INVALID_FIELD, e.reason());
    assertTrue(e.getMessage().startsWith("Window.values[1][1]: non-finite number"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"NaN", "Infinity", "1e400", "\"NaN\"", "\"0.5\"", "true"})
  void nonFiniteOrNonNumericSampleValueIsRejectedNotZeroFilled(String value) {
    PayloadException e =
        decodeFails(
            "{\"schemaVersion\":1,"
                + KEY_JSON
                + ",\"timestamp\":1,\"values\":{\"cpu\":"
                + value
                + "}}",
            Sample.class);
    assertEquals(PayloadException.Reason.INVALID_FIELD, e.reason());
    assertTrue(e.getMessage().startsWith("Sample.values.cpu: "), e.getMessage());
  }

  @Test
  void nonFiniteScalarIsRejected() {
    PayloadException e =
        decodeFails(
            WINDOW_HEAD + "\"values\":[[1,2]],\"coverage\":Infinity,\"filledCells\":0}",
            Window.class);
    assertEquals(PayloadException.Reason.INVALID_FIELD, e.reason());
    assertTrue(e.getMessage().startsWith("Window.coverage: non-finite"), e.getMessage());
  }

  @Test
  void stringInMatrixIsRejected() {
    PayloadException e =
        decodeFails(
            WINDOW_HEAD + "\"values\":[[1,\"2\"]],\"coverage\":1,\"filledCells\":0}", Window.class);
    assertEquals(PayloadException.Reason.INVALID_FIELD, e.reason());
    assertTrue(
        e.getMessage().startsWith("Window.values[0][1]: expected a number or null"),
        e.getMessage());
  }

  private static String inferenceWithRaw(String raw) {
    return "{\"schemaVersion\":1,"
        + KEY_JSON
        + ",\"start\":1795953600000,\"end\":1795953720000,\"stepMillis\":60000,"
        + "\"metrics\":[\"a\",\"b\"],\"errors\":[[0.1,null],[0.2,0.3]],"
        + "\"source\":\"fallback\",\"modelVersion\":null,\"raw\":"
        + raw
        + "}";
  }

  @Test
  void rawObservationsRoundTripWithMissingValuesAsNull() throws Exception {
    InferenceResult result =
        CODEC.decode(
            utf8(
                inferenceWithRaw(
                    "{\"newest\":[null,4.5],\"latest\":[1.25,4.5],\"presentCells\":3}")),
            InferenceResult.class);
    assertTrue(Double.isNaN(result.raw().newest()[0]));
    assertEquals(1.25, result.raw().latest()[0]);
    assertEquals(3, result.raw().presentCells());
    String json = new String(CODEC.encode(result), StandardCharsets.UTF_8);
    assertTrue(
        json.contains("\"raw\":{\"newest\":[null,4.5],\"latest\":[1.25,4.5],\"presentCells\":3}"),
        json);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"newest\":[1,Infinity],\"latest\":[1,2],\"presentCells\":2}|InferenceResult.raw.newest[1]: non-finite",
        "{\"newest\":[1,2],\"latest\":[1,\"2\"],\"presentCells\":2}|InferenceResult.raw.latest[1]: expected a number",
        "{\"newest\":[1,2],\"latest\":[1,2],\"presentCells\":5}|raw.presentCells must be at most 4",
        "{\"newest\":[1,2],\"latest\":[1,3],\"presentCells\":2}|latest[1] must equal newest[1]",
        "{\"newest\":[1],\"latest\":[1],\"presentCells\":1}|raw must have 2 values per vector",
        "{\"newest\":[1,2],\"presentCells\":2}|latest",
        "{\"newest\":[1,2],\"latest\":[1,2],\"presentCells\":-1}|presentCells must be >= 0"
      })
  void badRawObservationsAreInvalidFields(String rawAndMessage) {
    String[] parts = rawAndMessage.split("\\|", 2);
    PayloadException e = decodeFails(inferenceWithRaw(parts[0]), InferenceResult.class);
    assertEquals(PayloadException.Reason.INVALID_FIELD, e.reason(), e.getMessage());
    assertTrue(e.getMessage().contains(parts[1]), e.getMessage());
  }

  @Test
  void theWholeRawMatrixOfAnOlderInferenceIsReadAsItsObservations() throws Exception {
    String legacy =
        inferenceWithRaw("null").replace(",\"raw\":null", ",\"rawValues\":[[1.5,2],[null,3]]");
    InferenceResult result = CODEC.decode(utf8(legacy), InferenceResult.class);
    assertEquals(
        RawObservations.of(new double[][] {{1.5, 2}, {Double.NaN, 3}}), result.raw(), legacy);
    // Written back in this version's form only.
    String json = new String(CODEC.encode(result), StandardCharsets.UTF_8);
    assertTrue(json.contains("\"raw\":{\"newest\":[null,3.0],\"latest\":[1.5,3.0]"), json);
    assertFalse(json.contains("rawValues"), json);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "[[1,2]]|rawValues must have 2 rows like errors",
        "[[1,2],[3]]|rawValues row 1 must have 2 values",
        "[[1,2],[3,1e400]]|InferenceResult.rawValues[1][1]: non-finite"
      })
  void aBadRawMatrixOfAnOlderInferenceIsStillAnInvalidField(String matrixAndMessage) {
    String[] parts = matrixAndMessage.split("\\|", 2);
    PayloadException e =
        decodeFails(
            inferenceWithRaw("null").replace(",\"raw\":null", ",\"rawValues\":" + parts[0]),
            InferenceResult.class);
    assertEquals(PayloadException.Reason.INVALID_FIELD, e.reason(), e.getMessage());
    assertTrue(e.getMessage().contains(parts[1]), e.getMessage());
  }

  @Test
  void anInferenceResultWithoutRowsNamesItsErrorsField() {
    PayloadException e =
        decodeFails(
            inferenceWithRaw("null").replace("\"errors\":[[0.1,null],[0.2,0.3]]", "\"errors\":[]"),
            InferenceResult.class);
    assertEquals(PayloadException.Reason.INVALID_FIELD, e.reason(), e.getMessage());
    assertTrue(
        e.getMessage().startsWith("InferenceResult.errors: must have 1 to 1440 rows, got 0"),
        e.getMessage());
  }

  @Test
  void nullRowIsRejected() {
    PayloadException e =
        decodeFails(
            WINDOW_HEAD + "\"values\":[[1,2],null],\"coverage\":1,\"filledCells\":0}",
            Window.class);
    assertEquals(PayloadException.Reason.INVALID_FIELD, e.reason());
    assertTrue(e.getMessage().startsWith("Window.values[1]: "), e.getMessage());
  }

  @Test
  void recordConstructorRejectionIsAnInvalidFieldWithItsMessage() {
    PayloadException ragged =
        decodeFails(
            WINDOW_HEAD + "\"values\":[[1,2],[3]],\"coverage\":1,\"filledCells\":0}", Window.class);
    assertEquals(PayloadException.Reason.INVALID_FIELD, ragged.reason());
    assertTrue(
        ragged.getMessage().contains("every window row must have 2 values"), ragged.getMessage());

    PayloadException blank =
        decodeFails(
            "{\"schemaVersion\":1,\"key\":{\"namespace\":\" \",\"app\":\"a\",\"role\":\"canary\","
                + "\"podTemplateHash\":\"h\"},\"timestamp\":1,\"values\":{}}",
            Sample.class);
    assertEquals(PayloadException.Reason.INVALID_FIELD, blank.reason());
    assertEquals("Sample.key: scoring key field 'namespace' is blank", blank.getMessage());

    PayloadException nullKey =
        decodeFails(
            "{\"schemaVersion\":1,\"key\":null,\"timestamp\":1,\"values\":{}}", Sample.class);
    assertEquals(PayloadException.Reason.INVALID_FIELD, nullKey.reason());
    assertTrue(nullKey.getMessage().contains("key"), nullKey.getMessage());
  }

  @Test
  void missingRequiredFieldIsNotDefaultedToZero() {
    PayloadException e =
        decodeFails("{\"schemaVersion\":1," + KEY_JSON + ",\"values\":{}}", Sample.class);
    assertEquals(PayloadException.Reason.INVALID_FIELD, e.reason());
    assertEquals("Sample.timestamp: missing required field", e.getMessage());
  }

  @Test
  void nullForPrimitiveIsRejected() {
    PayloadException e =
        decodeFails(
            WINDOW_HEAD + "\"values\":[[1,2]],\"coverage\":null,\"filledCells\":0}", Window.class);
    assertEquals(PayloadException.Reason.INVALID_FIELD, e.reason());
    assertTrue(e.getMessage().startsWith("Window.coverage: "), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"1000\"", "1000.5", "true"})
  void scalarsAreNotCoerced(String timestamp) {
    PayloadException e =
        decodeFails(
            "{\"schemaVersion\":1," + KEY_JSON + ",\"timestamp\":" + timestamp + ",\"values\":{}}",
            Sample.class);
    assertEquals(PayloadException.Reason.INVALID_FIELD, e.reason());
    assertTrue(e.getMessage().startsWith("Sample.timestamp: "), e.getMessage());
  }

  @Test
  void unknownEnumValueIsAnInvalidField() {
    PayloadException e =
        decodeFails(
            "{\"schemaVersion\":1,\"namespace\":\"shop\",\"app\":\"checkout\",\"requestedAt\":1,"
                + "\"reason\":\"BORED\"}",
            TrainRequest.class);
    assertEquals(PayloadException.Reason.INVALID_FIELD, e.reason());
    assertTrue(e.getMessage().startsWith("TrainRequest.reason: "), e.getMessage());
  }

  @Test
  void sourcesAreLowercaseOnTheWire() throws Exception {
    AnomalyRecord r =
        new AnomalyRecord(
            KEY, 60_000, 0, Map.of("a", 0.0), Map.of(), AnomalyRecord.Source.STATIC, null);
    String json = new String(CODEC.encode(r), StandardCharsets.UTF_8);
    assertTrue(json.contains("\"source\":\"static\""), json);
    assertEquals(r, CODEC.decode(utf8(json), AnomalyRecord.class));
  }

  @Test
  void infinityCannotBeEncoded() {
    Window w = window(new double[][] {{1, Double.POSITIVE_INFINITY}});
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CODEC.encode(w));
    assertTrue(e.getMessage().contains("Infinity"), e.getMessage());
  }

  @Test
  void decodingAnUnversionedTypeIsAProgrammingError() {
    assertThrows(IllegalArgumentException.class, () -> CODEC.decode(utf8("{}"), ScoringKey.class));
  }

  @Test
  void everyPayloadTypeRoundTrips() throws Exception {
    Window w = window(new double[][] {{1, Double.NaN}, {2, 3}});
    List<Object> payloads =
        List.of(
            new Sample(KEY, 1, Map.of("a", 1.0)),
            w,
            PreprocessedWindow.ok(w, VERSION, new double[][] {{0.1, Double.NaN}, {-0.2, 0.3}}),
            PreprocessedWindow.noModel(w),
            new InferenceResult(
                KEY,
                T0,
                T0 + 120_000,
                60_000,
                List.of("a", "b"),
                new double[][] {{0.5, Double.NaN}, {-1, 2}},
                InferenceResult.Source.FALLBACK,
                null),
            new TrainRequest("shop", "checkout", 5, TrainRequest.Reason.NO_MODEL, null),
            new AnomalyRecord(
                KEY,
                120_000,
                4.2,
                Map.of("a", 4.2, "b", 0.0),
                Map.of("a", 1.0, "b", 0.0),
                AnomalyRecord.Source.MODEL,
                VERSION));
    for (Object p : payloads) {
      byte[] bytes = CODEC.encode(p);
      assertEquals(p, CODEC.decode(bytes, p.getClass()), new String(bytes, StandardCharsets.UTF_8));
      assertArrayEquals(bytes, CODEC.encode(CODEC.decode(bytes, p.getClass())));
    }
  }

  @Test
  void noModelWindowHasExplicitNulls() {
    String json =
        new String(
            CODEC.encode(PreprocessedWindow.noModel(window(new double[][] {{1, 2}}))),
            StandardCharsets.UTF_8);
    assertTrue(
        json.contains("\"status\":\"NO_MODEL\",\"modelVersion\":null,\"normalized\":null"), json);
  }

  @Test
  void defaultSizedWindowStaysSmall() {
    // Worst case: every value at full double precision (17 digits, as rate() results often are).
    // Measured 2155 bytes; architecture §4's "well under 2 KB" holds only for shorter numbers.
    // The bound catches regressions such as pretty printing or "NaN" strings.
    double[][] values = new double[12][8];
    for (int i = 0; i < 12; i++) {
      for (int j = 0; j < 8; j++) {
        values[i][j] = 1000 * Math.sin(i * 8 + j) / 7;
      }
    }
    List<String> metrics =
        List.of(
            "latency_p99",
            "error_ratio",
            "request_rate",
            "cpu_usage",
            "memory_working_set",
            "gc_pause",
            "queue_depth",
            "open_connections");
    Window w = new Window(1, KEY, 0, 720_000, 60_000, metrics, values, 1.0, 0);
    int size = CODEC.encode(w).length;
    assertTrue(size < 2300, "12 x 8 window encodes to " + size + " bytes");
  }
}
