package io.rollguard.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

/**
 * Inputs for the fuzz properties (jqwik): arbitrary bytes, and seeds from the committed corpus
 * ({@code common/src/test/resources/fuzz-corpus/<target>/}) or built by a test, mutated at the byte
 * level (flips, inserts, deletions, duplications, truncation) and at the JSON level (a value
 * replaced by a hostile one, a field removed or added, an array emptied or grown). The mutations
 * draw from jqwik's {@link Random}, so a failing case is reported with a seed that replays it.
 */
public final class Fuzz {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Tokens that are no JSON tree value (non-finite, overflowing): put into the text directly. */
  private static final String[] RAW_TOKENS = {
    "NaN", "Infinity", "-Infinity", "1e400", "-1e400", "1e-400", "123456789012345678901234567890",
  };

  private Fuzz() {}

  /** The corpus files of one target ({@code fuzz-corpus/<target>/*}), sorted by name. */
  public static List<byte[]> corpus(String target) {
    Path dir = repoRoot().resolve("common/src/test/resources/fuzz-corpus").resolve(target);
    try (Stream<Path> files = Files.list(dir)) {
      List<byte[]> seeds = new ArrayList<>();
      for (Path file : files.sorted().toList()) {
        seeds.add(Files.readAllBytes(file));
      }
      if (seeds.isEmpty()) {
        throw new IllegalStateException("empty fuzz corpus " + dir);
      }
      return seeds;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A documented payload example, {@code docs/examples/<file>}. */
  public static byte[] example(String file) {
    try {
      return Files.readAllBytes(repoRoot().resolve("docs/examples").resolve(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Arbitrary bytes, up to 2 KiB, biased towards JSON's punctuation. */
  public static Arbitrary<byte[]> arbitraryBytes() {
    Arbitrary<Byte> jsonish =
        Arbitraries.of(
            (byte) '{',
            (byte) '}',
            (byte) '[',
            (byte) ']',
            (byte) '"',
            (byte) ':',
            (byte) ',',
            (byte) '1',
            (byte) '-',
            (byte) 'e',
            (byte) 'n');
    return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.bytes()), Tuple.of(1, jsonish))
        .array(byte[].class)
        .ofMaxSize(2048);
  }

  /** Seeds, seeds mutated at the byte or the JSON level, and arbitrary bytes. */
  public static Arbitrary<byte[]> inputs(List<byte[]> seeds) {
    List<byte[]> copies = seeds.stream().map(byte[]::clone).toList();
    Arbitrary<byte[]> seed = Arbitraries.of(copies).map(byte[]::clone);
    Arbitrary<byte[]> bytes = Arbitraries.randoms().flatMap(r -> seed.map(s -> mutateBytes(s, r)));
    Arbitrary<byte[]> json = Arbitraries.randoms().flatMap(r -> seed.map(s -> mutateJson(s, r)));
    return Arbitraries.frequencyOf(
        Tuple.of(1, seed), Tuple.of(4, bytes), Tuple.of(8, json), Tuple.of(1, arbitraryBytes()));
  }

  /** One to four byte-level mutations of {@code seed}. */
  public static byte[] mutateBytes(byte[] seed, Random r) {
    byte[] out = seed;
    int n = 1 + r.nextInt(4);
    for (int i = 0; i < n; i++) {
      out = mutateBytesOnce(out, r);
    }
    return out;
  }

  private static byte[] mutateBytesOnce(byte[] in, Random r) {
    if (in.length == 0) {
      return new byte[] {(byte) r.nextInt(256)};
    }
    int at = r.nextInt(in.length);
    switch (r.nextInt(6)) {
      case 0 -> {
        byte[] out = in.clone();
        out[at] ^= (byte) (1 << r.nextInt(8));
        return out;
      }
      case 1 -> {
        byte[] insert = "{}[]\",:0-e\\\u0000".getBytes(StandardCharsets.UTF_8);
        return splice(in, at, at, new byte[] {insert[r.nextInt(insert.length)]});
      }
      case 2 -> {
        int end = Math.min(in.length, at + 1 + r.nextInt(16));
        return splice(in, at, end, new byte[0]);
      }
      case 3 -> {
        int end = Math.min(in.length, at + 1 + r.nextInt(64));
        return splice(in, at, at, Arrays.copyOfRange(in, at, end));
      }
      case 4 -> {
        return Arrays.copyOf(in, at);
      }
      default -> {
        byte[] out = in.clone();
        out[at] = (byte) r.nextInt(256);
        return out;
      }
    }
  }

  private static byte[] splice(byte[] in, int from, int to, byte[] insert) {
    byte[] out = new byte[in.length - (to - from) + insert.length];
    System.arraycopy(in, 0, out, 0, from);
    System.arraycopy(insert, 0, out, from, insert.length);
    System.arraycopy(in, to, out, from + insert.length, in.length - to);
    return out;
  }

  /**
   * One to three JSON-level mutations of {@code seed} (a JSON document); bytes that are not JSON
   * are mutated at the byte level instead.
   */
  public static byte[] mutateJson(byte[] seed, Random r) {
    JsonNode root;
    try {
      root = JSON.readTree(seed);
    } catch (IOException e) {
      return mutateBytes(seed, r);
    }
    if (root == null || !root.isContainerNode()) {
      return mutateBytes(seed, r);
    }
    List<String> raw = new ArrayList<>();
    int n = 1 + r.nextInt(3);
    for (int i = 0; i < n; i++) {
      mutateTree(root, r, raw);
    }
    String text = root.toString();
    for (int i = 0; i < raw.size(); i++) {
      text = text.replace("\"@raw" + i + "@\"", raw.get(i));
    }
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static void mutateTree(JsonNode root, Random r, List<String> raw) {
    List<JsonNode> containers = new ArrayList<>();
    collect(root, containers);
    JsonNode target = containers.get(r.nextInt(containers.size()));
    if (target instanceof ObjectNode object) {
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      int op = r.nextInt(10);
      if (names.isEmpty() || op == 0) {
        object.set(r.nextBoolean() ? "unknownField" : "schemaVersion", hostile(r, raw));
      } else if (op == 1) {
        object.remove(names.get(r.nextInt(names.size())));
      } else {
        object.set(names.get(r.nextInt(names.size())), hostile(r, raw));
      }
    } else if (target instanceof ArrayNode array) {
      int op = r.nextInt(6);
      if (array.isEmpty() || op == 0) {
        array.add(hostile(r, raw));
      } else if (op == 1) {
        array.removeAll();
      } else if (op == 2) {
        // Grow: many copies of one element (a long matrix, a long metric list).
        JsonNode element = array.get(r.nextInt(array.size()));
        int copies = 1 + r.nextInt(r.nextBoolean() ? 4 : 2000);
        for (int i = 0; i < copies; i++) {
          array.add(element.deepCopy());
        }
      } else if (op == 3) {
        array.remove(r.nextInt(array.size()));
      } else {
        array.set(r.nextInt(array.size()), hostile(r, raw));
      }
    }
  }

  private static void collect(JsonNode node, List<JsonNode> out) {
    if (node.isContainerNode()) {
      out.add(node);
      for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
        collect(it.next(), out);
      }
    }
  }

  /** A value chosen to break a rule: wrong type, out of range, huge, or a non-finite token. */
  private static JsonNode hostile(Random r, List<String> raw) {
    return switch (r.nextInt(24)) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.numberNode(0);
      case 2 -> NODES.numberNode(-1);
      case 3 -> NODES.numberNode(1);
      case 4 -> NODES.numberNode(Long.MAX_VALUE);
      case 5 -> NODES.numberNode(Long.MIN_VALUE);
      case 6 -> NODES.numberNode(1.5);
      case 7 -> NODES.numberNode(-0.0);
      case 8 -> NODES.numberNode(1e308);
      case 9 -> NODES.numberNode(2_147_483_648L);
      case 10 -> NODES.booleanNode(r.nextBoolean());
      case 11 -> NODES.textNode("");
      case 12 -> NODES.textNode(" ");
      case 13 -> NODES.textNode("x".repeat(1 + r.nextInt(r.nextBoolean() ? 300 : 100_000)));
      case 14 -> NODES.textNode(r.nextBoolean() ? "stable" : "canary");
      case 15 -> NODES.textNode("20261128T030000000Z-3fa2c81b9d04");
      case 16 -> NODES.textNode("../../etc/passwd");
      case 17 -> NODES.textNode(r.nextBoolean() ? "12" : "NaN");
      case 18 -> NODES.arrayNode();
      case 19 -> NODES.objectNode();
      case 20 -> NODES.arrayNode().add(NODES.nullNode());
      case 21 -> NODES.numberNode(r.nextGaussian() * Math.pow(10, r.nextInt(20) - 10));
      case 22 -> NODES.numberNode(r.nextLong());
      default -> {
        raw.add(RAW_TOKENS[r.nextInt(RAW_TOKENS.length)]);
        yield NODES.textNode("@raw" + (raw.size() - 1) + "@");
      }
    };
  }

  /**
   * Every series of counter {@code name} (registered name, with {@code _total}): label to value.
   */
  public static Map<String, Double> counts(PrometheusRegistry registry, String name, String label) {
    String baseName = name.endsWith("_total") ? name.substring(0, name.length() - 6) : name;
    Map<String, Double> out = new TreeMap<>();
    for (MetricSnapshot snapshot : registry.scrape()) {
      if (snapshot instanceof CounterSnapshot counter
          && counter.getMetadata().getName().equals(baseName)) {
        for (CounterSnapshot.CounterDataPointSnapshot point : counter.getDataPoints()) {
          out.merge(point.getLabels().get(label), point.getValue(), Double::sum);
        }
      }
    }
    return out;
  }

  /**
   * The one label whose count grew by exactly one from {@code before} to {@code after}; fails when
   * no label, several labels, or a label by more than one grew (a message must get exactly one
   * counted outcome).
   */
  public static String oneOutcome(Map<String, Double> before, Map<String, Double> after) {
    String grown = null;
    for (Map.Entry<String, Double> e : after.entrySet()) {
      double delta = e.getValue() - before.getOrDefault(e.getKey(), 0.0);
      if (delta == 0) {
        continue;
      }
      if (delta != 1 || grown != null) {
        throw new AssertionError("not exactly one counted outcome: " + before + " -> " + after);
      }
      grown = e.getKey();
    }
    if (grown == null) {
      throw new AssertionError("no counted outcome: " + after);
    }
    return grown;
  }

  /** The repository root: {@code rollguard.repo.root}, or the nearest parent with pipelines/. */
  public static Path repoRoot() {
    return RepoRoot.path();
  }
}
