package io.rollguard.common.payload;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every documented invariant of a payload alone is enforced when it is decoded (docs/payloads.md
 * "What is checked where"): each case takes a documented example, breaks one rule and expects
 * {@code INVALID_FIELD} with the field named. Invariants that need the configuration (configured
 * metrics, window length) are the vertices' and tested there.
 */
class StrictPayloadsTest {

  private static final ObjectMapper TREE = new ObjectMapper();

  /**
   * The example {@code file} with the value at each JSON pointer replaced: {@code pointer, json,
   * pointer, json, ...}.
   */
  static byte[] mutated(String file, String... pointersAndValues) {
    try {
      JsonNode root =
          TREE.readTree(
              Files.readAllBytes(PayloadExamplesTest.repoRoot().resolve("docs/examples/" + file)));
      for (int i = 0; i < pointersAndValues.length; i += 2) {
        JsonPointer at = JsonPointer.compile(pointersAndValues[i]);
        JsonNode parent = root.at(at.head());
        JsonNode value = TREE.readTree(pointersAndValues[i + 1]);
        if (parent instanceof ArrayNode array) {
          array.set(at.last().getMatchingIndex(), value);
        } else {
          ((ObjectNode) parent).set(at.last().getMatchingProperty(), value);
        }
      }
      return TREE.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static PayloadException rejected(String file, String pointer, String json) {
    Class<?> type = PayloadExamplesTest.TYPES.get(file);
    byte[] bytes = mutated(file, pointer, json);
    PayloadException e =
        assertThrows(
            PayloadException.class,
            () -> PayloadCodec.shared().decode(bytes, type),
            () -> file + " with " + pointer + " = " + abbreviated(json) + " was accepted");
    assertEquals(PayloadException.Reason.INVALID_FIELD, e.reason(), e.getMessage());
    return e;
  }

  private static String abbreviated(String json) {
    return json.length() > 80 ? json.substring(0, 80) + "... (" + json.length() + " chars)" : json;
  }

  @Test
  void theDocumentedExamplesAreValid() throws Exception {
    for (var entry : PayloadExamplesTest.TYPES.entrySet()) {
      byte[] bytes = mutated(entry.getKey(), "/schemaVersion", "1");
      assertDoesNotThrow(() -> PayloadCodec.shared().decode(bytes, entry.getValue()));
    }
  }

  // ----- Window bounds, step, coverage, counts (a bad one used to fail inside inference)

  @ParameterizedTest(name = "{0} {1} = {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "window.json | /end | 0 | end",
        "window.json | /end | 1795953600000 | end",
        "window.json | /end | 1795953780000 | end",
        "window.json | /start | -240000 | start",
        "window.json | /start | 0 | start",
        "window.json | /stepMillis | 0 | stepMillis",
        "window.json | /stepMillis | -60000 | stepMillis",
        "window.json | /stepMillis | 30000 | end",
        "window.json | /coverage | -0.1 | coverage",
        "window.json | /coverage | 1.5 | coverage",
        "window.json | /filledCells | -1 | filledCells",
        "window.json | /filledCells | 13 | filledCells",
        "window.json | /values | [] | values",
        "window.json | /metrics | [\"latency_p99\", \"latency_p99\", \"request_rate\"] | metrics",
        "preprocessed-window.json | /window/stepMillis | 0 | stepMillis",
        "preprocessed-window.json | /window/end | 0 | end",
        "preprocessed-window.json | /window/coverage | 2 | coverage",
        "inference-result.json | /start | -240000 | start",
        "inference-result.json | /stepMillis | 30000 | end",
      })
  void windowBoundsStepCoverageAndCountsAreChecked(
      String file, String pointer, String json, String field) {
    PayloadException e = rejected(file, pointer, json);
    assertTrue(e.getMessage().contains(field), e.getMessage());
  }

  // ----- roles, timestamps, version ids

  @ParameterizedTest(name = "{0} {1} = {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "sample.json | /key/role | \"admin\"",
        "window.json | /key/role | \"Canary\"",
        "anomaly-record.json | /key/role | \"preview\"",
        "inference-result.json | /key/role | \"blue\"",
      })
  void onlyTheTwoRolesAreAccepted(String file, String pointer, String json) {
    PayloadException e = rejected(file, pointer, json);
    assertTrue(e.getMessage().contains("role"), e.getMessage());
  }

  @ParameterizedTest(name = "{0} {1} = {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "sample.json | /timestamp | -1",
        "sample.json | /timestamp | 0",
        "anomaly-record.json | /timestamp | -1795953840000",
        "anomaly-record.json | /timestamp | 0",
        "train-request.json | /requestedAt | -5",
        "sample.json | /timestamp | 9223372036854775807",
      })
  void timestampsArePositiveAndBounded(String file, String pointer, String json) {
    PayloadException e = rejected(file, pointer, json);
    String field = pointer.substring(pointer.lastIndexOf('/') + 1);
    assertTrue(e.getMessage().contains(field), e.getMessage());
  }

  @ParameterizedTest(name = "{0} {1} = {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "preprocessed-window.json | /modelVersion | \"v1\"",
        "preprocessed-window.json | /modelVersion | \"../../etc/passwd\"",
        "inference-result.json | /modelVersion | \"latest\"",
        "anomaly-record.json | /modelVersion | \"20261128T030000000Z-XYZ\"",
        "train-request.json | /currentModelVersion | \"shop.checkout.2026\"",
        "train-request.json | /currentModelVersion | \"20261340T030000000Z-3fa2c81b9d04\"",
      })
  void modelVersionsAreVersionIds(String file, String pointer, String json) {
    PayloadException e = rejected(file, pointer, json);
    assertTrue(e.getMessage().contains("ersion"), e.getMessage());
  }

  @Test
  void aFallbackWithoutAVersionStaysValid() {
    byte[] fallback =
        mutated("inference-result.json", "/source", "\"fallback\"", "/modelVersion", "null");
    assertDoesNotThrow(() -> PayloadCodec.shared().decode(fallback, InferenceResult.class));
  }

  // ----- sizes: names and metric maps

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "sample.json | /key/namespace",
        "sample.json | /key/app",
        "window.json | /key/podTemplateHash",
        "anomaly-record.json | /key/app",
        "train-request.json | /namespace",
        "train-request.json | /app",
      })
  void namesLongerThanTheCapAreRejected(String file, String pointer) {
    String huge = "\"" + "n".repeat(2 * 1024 * 1024) + "\"";
    rejected(file, pointer, huge);
    String justOver = "\"" + "n".repeat(PayloadRules.MAX_NAME_CHARS + 1) + "\"";
    rejected(file, pointer, justOver);
  }

  @Test
  void metricNamesLongerThanTheCapAreRejected() {
    rejected("window.json", "/metrics/0", "\"" + "m".repeat(1024 * 1024) + "\"");
    // Jackson itself refuses a field name over 50 000 characters (StreamReadConstraints).
    String name = "m".repeat(40_000);
    rejected("sample.json", "/values", "{\"" + name + "\": 1.0}");
    rejected("anomaly-record.json", "/metricScores", "{\"" + name + "\": 1.0}");
  }

  @Test
  void metricMapsAreBoundedBeforeTheyAreKept() {
    String big = hugeMap(100_000);
    PayloadException sample = rejected("sample.json", "/values", big);
    assertTrue(sample.getMessage().contains("values"), sample.getMessage());
    PayloadException record = rejected("anomaly-record.json", "/metricScores", big);
    assertTrue(record.getMessage().contains("metricScores"), record.getMessage());
    rejected("anomaly-record.json", "/attribution", big);
    String justOver = hugeMap(PayloadRules.MAX_METRICS + 1);
    rejected("sample.json", "/values", justOver);
    rejected("window.json", "/metrics", hugeList(PayloadRules.MAX_METRICS + 1));
  }

  private static String hugeMap(int entries) {
    StringBuilder out = new StringBuilder("{");
    for (int i = 0; i < entries; i++) {
      out.append(i == 0 ? "" : ",").append("\"m").append(i).append("\":0.0");
    }
    return out.append('}').toString();
  }

  private static String hugeList(int entries) {
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < entries; i++) {
      out.append(i == 0 ? "" : ",").append("\"m").append(i).append('"');
    }
    return out.append(']').toString();
  }

  // ----- no coercion: a number or a boolean is not a string, a number is not an enum

  @ParameterizedTest(name = "{0} {1} = {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "sample.json | /key/app | 1",
        "sample.json | /key/app | true",
        "sample.json | /key/namespace | 1.5",
        "window.json | /key/podTemplateHash | 1",
        "window.json | /key/role | false",
        "window.json | /metrics/0 | 7",
        "train-request.json | /currentModelVersion | 12",
        "train-request.json | /namespace | false",
        "train-request.json | /reason | 1",
        "preprocessed-window.json | /status | 0",
        "preprocessed-window.json | /modelVersion | 20261128",
        "inference-result.json | /source | 0",
        "anomaly-record.json | /source | 2",
        "anomaly-record.json | /modelVersion | 1.0",
      })
  void scalarsAreNeverCoercedToStringsOrEnums(String file, String pointer, String json) {
    PayloadException e = rejected(file, pointer, json);
    String field = pointer.substring(pointer.lastIndexOf('/') + 1);
    assertTrue(
        e.getMessage().toLowerCase(Locale.ROOT).contains(field.toLowerCase(Locale.ROOT))
            || field.chars().allMatch(Character::isDigit),
        e.getMessage());
  }

  @Test
  void aNameAtTheCapIsAccepted() throws Exception {
    // The cap is on characters (what the log and the label show), and a name at the cap is fine.
    String atCap = "\"" + "é".repeat(PayloadRules.MAX_NAME_CHARS) + "\"";
    Sample s =
        PayloadCodec.shared()
            .decode(mutated("sample.json", "/key/podTemplateHash", atCap), Sample.class);
    assertEquals(PayloadRules.MAX_NAME_CHARS, s.key().podTemplateHash().length());
  }
}
