package io.rollguard.common.payload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rollguard.testsupport.RepoRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The documented examples are the contract: every {@code docs/examples/*.json} decodes into its
 * payload type, re-encodes to the same JSON, and appears verbatim (same JSON) in {@code
 * docs/payloads.md}.
 */
class PayloadExamplesTest {

  /** Example file name to payload type. A new example file without a type here fails the build. */
  static final Map<String, Class<?>> TYPES =
      Map.of(
          "sample.json", Sample.class,
          "window.json", Window.class,
          "preprocessed-window.json", PreprocessedWindow.class,
          "inference-result.json", InferenceResult.class,
          "train-request.json", TrainRequest.class,
          "anomaly-record.json", AnomalyRecord.class);

  private static final ObjectMapper PLAIN_JSON = new ObjectMapper();

  /** Numbers compare by value: {@code 1} in a file equals the encoder's {@code 1.0}. */
  private static final Comparator<JsonNode> NUMERIC_VALUE =
      (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
          return Double.compare(a.doubleValue(), b.doubleValue());
        }
        return a.equals(b) ? 0 : 1;
      };

  static Path repoRoot() {
    return RepoRoot.path();
  }

  private static List<Path> exampleFiles() throws IOException {
    Path dir = repoRoot().resolve("docs/examples");
    assertTrue(Files.isDirectory(dir), dir + " is missing");
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
    }
  }

  @TestFactory
  Stream<DynamicTest> everyExampleRoundTripsThroughItsType() throws IOException {
    return exampleFiles().stream()
        .map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> roundTrip(file)));
  }

  private static void roundTrip(Path file) throws Exception {
    Class<?> type = TYPES.get(file.getFileName().toString());
    if (type == null) {
      fail(file + " has no payload type; add it to PayloadExamplesTest.TYPES");
    }
    byte[] original = Files.readAllBytes(file);
    Object decoded = PayloadCodec.shared().decode(original, type);
    byte[] reencoded = PayloadCodec.shared().encode(decoded);
    JsonNode expected = PLAIN_JSON.readTree(original);
    JsonNode actual = PLAIN_JSON.readTree(reencoded);
    assertTrue(
        expected.equals(NUMERIC_VALUE, actual),
        file.getFileName()
            + " changed on a round trip:\n  file:    "
            + expected
            + "\n  encoded: "
            + actual);
    assertEquals(decoded, PayloadCodec.shared().decode(reencoded, type));
  }

  @Test
  void everyPayloadTypeHasAnExample() throws IOException {
    List<String> present = exampleFiles().stream().map(p -> p.getFileName().toString()).toList();
    for (String name : TYPES.keySet()) {
      assertTrue(present.contains(name), "docs/examples/" + name + " is missing");
    }
  }

  @Test
  void payloadsMdShowsEachExampleVerbatim() throws IOException {
    String doc = Files.readString(repoRoot().resolve("docs/payloads.md"));
    // "... (examples/window.json):" followed by the fenced block that shows it.
    Pattern example =
        Pattern.compile("\\(examples/([a-z-]+\\.json)\\)[^`]*```json\\n(.*?)```", Pattern.DOTALL);
    Matcher m = example.matcher(doc);
    Map<String, String> blocks = new HashMap<>();
    while (m.find()) {
      blocks.put(m.group(1), m.group(2));
    }
    List<String> problems = new ArrayList<>();
    for (Path file : exampleFiles()) {
      String name = file.getFileName().toString();
      String block = blocks.get(name);
      if (block == null) {
        problems.add(name + ": no ```json block after a link to examples/" + name);
        continue;
      }
      JsonNode inDoc = PLAIN_JSON.readTree(block);
      JsonNode inFile = PLAIN_JSON.readTree(file.toFile());
      if (!inDoc.equals(inFile)) {
        problems.add(name + ": the block in payloads.md differs from the file");
      }
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
    assertFalse(blocks.isEmpty());
  }

  @Test
  void repoRootIsFound() {
    assertNotNull(repoRoot());
    assertTrue(Files.isRegularFile(repoRoot().resolve("pipelines/config/rollguard-config.yaml")));
  }
}
