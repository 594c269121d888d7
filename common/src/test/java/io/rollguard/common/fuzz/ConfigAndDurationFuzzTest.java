package io.rollguard.common.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.rollguard.common.config.ConfigException;
import io.rollguard.common.config.ConfigLoader;
import io.rollguard.common.config.Durations;
import io.rollguard.common.config.RollguardConfig;
import io.rollguard.testsupport.Fuzz;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Fuzz targets for the configuration loader and the duration parser: a mutated configuration either
 * loads or fails with a {@link ConfigException} (naming a field, unless the document as a whole is
 * unreadable) with a bounded message; a duration either parses or fails with an {@link
 * IllegalArgumentException}. See CONTRIBUTING.md, "Fuzzing".
 */
class ConfigAndDurationFuzzTest {

  /** The corpus as YAML text, and the same documents as JSON (YAML 1.2 reads JSON). */
  static List<byte[]> configSeeds() {
    List<byte[]> seeds = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    YAMLMapper yaml = new YAMLMapper();
    for (byte[] text : Fuzz.corpus("config")) {
      seeds.add(text);
      try {
        seeds.add(json.writeValueAsBytes(yaml.readTree(text)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return seeds;
  }

  @Test
  void everySeedLoads() throws ConfigException {
    for (byte[] seed : configSeeds()) {
      ConfigLoader.parse(new String(seed, StandardCharsets.UTF_8), "seed", Map.of());
    }
  }

  /**
   * Finding (make fuzz, 10 000 tries): a null key, here an anchored empty key {@code &x"}, was
   * reported as an unknown key with no name at all.
   */
  @Test
  void anEmptyKeyIsNamed() {
    String seed = new String(Fuzz.corpus("config").get(0), StandardCharsets.UTF_8);
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ConfigLoader.parse(seed + "\n\"\": 1\n", "e.yaml", Map.of()));
    assertTrue(e.getMessage().startsWith("<empty key>: unknown key"), e.getMessage());
  }

  /**
   * Finding (make fuzz): a two-step window without {@code maxFillSteps} failed with an
   * IllegalArgumentException from WindowSettings: the default (2) was not fitted to the length.
   */
  @Test
  void theShortestWindowLoadsWithTheDefaultFill() throws ConfigException {
    String seed = new String(Fuzz.corpus("config").get(0), StandardCharsets.UTF_8);
    RollguardConfig c =
        ConfigLoader.parse(seed.replace("lengthSteps: 12", "lengthSteps: 2"), "w.yaml", Map.of());
    assertEquals(1, c.window().maxFillSteps());
  }

  /**
   * Finding: a configuration (or a verdict {@code range}) carrying a 1 MB value was quoted whole in
   * the {@code ConfigException} / {@code IllegalArgumentException}, a 1 MB log line at start-up.
   */
  @Test
  void hugeValuesAreQuotedTruncated() {
    String huge = "x".repeat(1024 * 1024);
    String seed = new String(Fuzz.corpus("config").get(0), StandardCharsets.UTF_8);
    for (String name : List.of("X" + huge, huge, huge + ": " + huge)) {
      String yaml = seed.replace("name: error_ratio", "name: " + name);
      ConfigException e =
          assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "big.yaml", Map.of()));
      assertTrue(e.getMessage().length() < 1_000, () -> e.getMessage().length() + " chars");
    }
    // A valid-looking name longer than any payload accepts is refused at start, not per payload.
    String longName = "m".repeat(ConfigLoader.MAX_METRIC_NAME_CHARS + 1);
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigLoader.parse(
                    seed.replace("name: error_ratio", "name: " + longName), "x.yaml", Map.of()));
    assertTrue(e.getMessage().startsWith("metrics[0].name: at most 253"), e.getMessage());
    IllegalArgumentException d =
        assertThrows(IllegalArgumentException.class, () -> Durations.parse(huge));
    assertTrue(d.getMessage().length() < 1_000, () -> d.getMessage().length() + " chars");
  }

  @Provide
  Arbitrary<byte[]> configs() {
    return Fuzz.inputs(configSeeds());
  }

  @Property
  void configLoader(@ForAll("configs") byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    try {
      ConfigLoader.parse(text, "fuzz.yaml", Map.of());
    } catch (ConfigException e) {
      assertTrue(
          !e.field().isEmpty() || e.getMessage().startsWith("fuzz.yaml"),
          () -> "names neither a field nor the document: " + e.getMessage());
      assertTrue(
          e.getMessage().length() <= 1_000,
          () -> "message of " + e.getMessage().length() + " chars");
    }
  }

  @Provide
  Arbitrary<String> durations() {
    Arbitrary<String> parts =
        Arbitraries.strings().withChars("0123456789msdhw -+.e").ofMaxLength(40);
    Arbitrary<String> valid =
        Arbitraries.longs()
            .between(0, Long.MAX_VALUE)
            .flatMap(n -> Arbitraries.of("ms", "s", "m", "h", "d", "w").map(u -> n + u))
            .list()
            .ofMinSize(1)
            .ofMaxSize(4)
            .map(l -> String.join("", l));
    return Arbitraries.oneOf(parts, valid, Arbitraries.strings().ofMaxLength(100));
  }

  @Property
  void durationParser(@ForAll("durations") String text) {
    Duration parsed;
    try {
      parsed = Durations.parse(text);
    } catch (IllegalArgumentException e) {
      assertTrue(e.getMessage().length() <= 1_000, e.getMessage());
      return;
    }
    assertTrue(!parsed.isNegative(), text);
  }
}
