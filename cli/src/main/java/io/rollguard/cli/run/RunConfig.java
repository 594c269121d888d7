package io.rollguard.cli.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.rollguard.common.config.ConfigException;
import io.rollguard.common.config.ConfigLoader;
import io.rollguard.common.config.RollguardConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The configuration of a local run: the bundled default (or {@code --config}) with the run's flags
 * written into the document before it is validated, so the result goes through exactly the checks a
 * vertex applies at start.
 *
 * <ul>
 *   <li>without {@code --redis-url}: the directory registry under the run's scratch directory;
 *   <li>with {@code --redis-url}: the Redis registry at that address ({@code redis.url} too);
 *   <li>with {@code --prometheus-url}: {@code prometheus.url}.
 * </ul>
 *
 * Only credentials are taken from the environment ({@code REDIS_PASSWORD}, {@code
 * PROMETHEUS_BEARER_TOKEN}, ...): an address or backend override left in the shell (say {@code
 * ROLLGUARD_REGISTRY_BACKEND=redis}) must not silently turn the embedded demo into something else.
 */
final class RunConfig {

  static final List<String> CREDENTIAL_VARIABLES =
      List.of(
          "REDIS_USERNAME",
          "REDIS_PASSWORD",
          "PROMETHEUS_BEARER_TOKEN",
          "PROMETHEUS_USERNAME",
          "PROMETHEUS_PASSWORD");

  private static final YAMLMapper YAML = new YAMLMapper();

  private RunConfig() {}

  /**
   * @param configFile the user's configuration, or null for the bundled default
   * @param registryDirectory the directory registry's root (used without {@code redisUrl})
   * @param redisUrl a real Redis for registry and store, or null
   * @param prometheusUrl a real Prometheus for samples and history, or null
   */
  static RollguardConfig build(
      Path configFile,
      Path registryDirectory,
      String redisUrl,
      String prometheusUrl,
      Map<String, String> env)
      throws ConfigException {
    String text;
    String source;
    try {
      if (configFile == null) {
        text = bundledDefault();
        source = ConfigLoader.DEFAULT_CONFIG_RESOURCE;
      } else {
        text = Files.readString(configFile, StandardCharsets.UTF_8);
        source = configFile.toString();
      }
    } catch (IOException e) {
      throw new ConfigException("", "cannot read config " + configFile + ": " + e.getMessage(), e);
    }
    ObjectNode root;
    try {
      JsonNode tree = YAML.readTree(text);
      if (!(tree instanceof ObjectNode object)) {
        throw new ConfigException("", source + " is not a YAML mapping");
      }
      root = object;
    } catch (IOException e) {
      throw new ConfigException("", "cannot parse " + source + ": " + e.getMessage(), e);
    }
    ObjectNode registry = section(root, "registry");
    if (redisUrl == null) {
      registry.put("backend", "directory");
      registry.put("directory", registryDirectory.toAbsolutePath().toString());
    } else {
      registry.put("backend", "redis");
      section(root, "redis").put("url", redisUrl);
    }
    if (prometheusUrl != null) {
      section(root, "prometheus").put("url", prometheusUrl);
    }
    String edited;
    try {
      edited = YAML.writeValueAsString(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ConfigLoader.parse(
        edited, source + " with the flags of 'rollguard run'", credentials(env));
  }

  private static Map<String, String> credentials(Map<String, String> env) {
    Map<String, String> kept = new LinkedHashMap<>();
    for (String name : CREDENTIAL_VARIABLES) {
      String value = env.get(name);
      if (value != null && !value.isBlank()) {
        kept.put(name, value);
      }
    }
    return kept;
  }

  private static ObjectNode section(ObjectNode root, String name) throws ConfigException {
    JsonNode node = root.get(name);
    if (node == null || node.isNull()) {
      return root.putObject(name);
    }
    if (!(node instanceof ObjectNode object)) {
      throw new ConfigException(name, name + " must be a mapping");
    }
    return object;
  }

  private static String bundledDefault() throws IOException, ConfigException {
    try (InputStream in =
        ConfigLoader.class.getResourceAsStream(ConfigLoader.DEFAULT_CONFIG_RESOURCE)) {
      if (in == null) {
        throw new ConfigException(
            "",
            "the bundled default config "
                + ConfigLoader.DEFAULT_CONFIG_RESOURCE
                + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
