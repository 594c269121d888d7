package io.rollguard.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.rollguard.common.config.ConfigLoader;
import io.rollguard.common.config.RollguardConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Pipeline's design and its agreement with the rest of the repository: the topology, the window
 * against the configuration, the wiring every Rollguard container needs, and the Numaflow
 * controller's own validation rules (which no schema encodes).
 */
class PipelineSpecTest {

  private static final String CONFIG_DIR = "/etc/rollguard";
  private static final String CONFIG_FILE = CONFIG_DIR + "/config.yaml";
  private static final String SECRET = "rollguard-credentials";

  /** Set only on the anomaly store: it has a fallback sink (docs/anomaly-store.md). */
  private static final String STORE_FALLBACK_ENV = "ROLLGUARD_STORE_FALLBACK_SINK";

  private static final int IMAGE_UID = 10001;

  private static JsonNode pipeline;
  private static JsonNode kustomization;
  private static RollguardConfig config;
  private static Map<String, JsonNode> vertices;

  @BeforeAll
  static void load() throws Exception {
    pipeline = PipelinesDirectory.manifest("pipeline.yaml");
    kustomization = PipelinesDirectory.kustomization();
    config =
        ConfigLoader.load(PipelinesDirectory.resolve(PipelinesDirectory.DEFAULT_CONFIG), Map.of());
    vertices = new LinkedHashMap<>();
    pipeline.path("spec").path("vertices").forEach(v -> vertices.put(v.path("name").asText(), v));
  }

  @Test
  void verticesHaveTheDesignedTypes() {
    Map<String, String> types = new LinkedHashMap<>();
    vertices.forEach((name, v) -> types.put(name, typeOf(v)));
    assertEquals(
        Map.of(
            "source",
            "udsource",
            "window",
            "reduce",
            "preprocess",
            "map",
            "inference",
            "map",
            "trainer",
            "udsink",
            "postprocess",
            "map",
            "anomaly-store",
            "udsink"),
        types);
  }

  @Test
  void edgesAndTagsAreTheDesignedOnes() {
    Set<String> edges = new TreeSet<>();
    for (JsonNode e : pipeline.path("spec").path("edges")) {
      JsonNode tags = e.path("conditions").path("tags");
      String condition =
          tags.isMissingNode()
              ? ""
              : " [" + tags.path("operator").asText("or") + " " + tags.path("values") + "]";
      String onFull = e.has("onFull") ? " onFull=" + e.path("onFull").asText() : "";
      edges.add(e.path("from").asText() + "->" + e.path("to").asText() + condition + onFull);
    }
    assertEquals(
        new TreeSet<>(
            List.of(
                "source->window",
                "window->preprocess",
                "preprocess->inference",
                "inference->trainer [or [\"train\"]] onFull=discardLatest",
                "inference->postprocess [or [\"score\"]]",
                "postprocess->anomaly-store")),
        edges);
  }

  /** Rules from Numaflow's pipeline_validate.go that the CRD schema cannot express. */
  @Test
  void numaflowControllerRulesHold() {
    List<String> problems = new ArrayList<>();
    Set<String> fromVertices = new HashSet<>();
    for (JsonNode e : pipeline.path("spec").path("edges")) {
      String from = e.path("from").asText();
      String to = e.path("to").asText();
      fromVertices.add(from);
      if (!vertices.containsKey(from) || !vertices.containsKey(to)) {
        problems.add("edge " + from + "->" + to + " names a vertex that does not exist");
        continue;
      }
      if (e.has("conditions") && vertices.get(from).has("sink")) {
        problems.add("edge " + from + "->" + to + ": a sink cannot route by tags");
      }
      if (vertices.get(to).has("source")) {
        problems.add("edge " + from + "->" + to + " goes into a source");
      }
    }
    vertices.forEach(
        (name, v) -> {
          int kinds = (v.has("source") ? 1 : 0) + (v.has("udf") ? 1 : 0) + (v.has("sink") ? 1 : 0);
          if (kinds != 1) {
            problems.add(name + ": exactly one of source, udf, sink");
          }
          if (v.has("sink") && fromVertices.contains(name)) {
            problems.add(name + ": a sink has no outgoing edges");
          }
          if (!v.has("sink") && !fromVertices.contains(name)) {
            problems.add(name + ": a vertex without outgoing edges must be a sink");
          }
          int partitions = v.path("partitions").asInt(1);
          JsonNode groupBy = v.path("udf").path("groupBy");
          if (partitions > 1 && !(groupBy.isObject() && groupBy.path("keyed").asBoolean(false))) {
            problems.add(name + ": partitions > 1 only for a keyed reduce");
          }
          if (groupBy.isObject() && groupBy.path("storage").size() != 1) {
            problems.add(name + ": a reduce needs exactly one storage type");
          }
          if (groupBy.isObject() && v.has("scale")) {
            problems.add(
                name + ": a reduce vertex is not autoscaled (replicas = partitions); remove scale");
          }
        });
    assertEquals(List.of(), problems);
  }

  @Test
  void theWindowIsTheConfiguredSlidingWindowPartitionedAndPersisted() {
    JsonNode window = vertices.get("window");
    JsonNode groupBy = window.path("udf").path("groupBy");
    JsonNode sliding = groupBy.path("window").path("sliding");
    Duration step = config.step();
    assertEquals(
        step.multipliedBy(config.window().lengthSteps()),
        GoDurations.parse(sliding.path("length").asText()),
        "window length = window.lengthSteps x step of " + PipelinesDirectory.DEFAULT_CONFIG);
    assertEquals(
        step, GoDurations.parse(sliding.path("slide").asText()), "the window slides by one step");
    assertTrue(groupBy.path("keyed").asBoolean(false), "keyed by the scoring key");
    assertEquals(2, window.path("partitions").asInt());
    assertTrue(
        groupBy.path("storage").has("persistentVolumeClaim"), "open windows survive a reschedule");
  }

  @Test
  void watermarksAdvanceOnQuietSources() {
    JsonNode idle = pipeline.path("spec").path("watermark").path("idleSource");
    Duration threshold = GoDurations.parse(idle.path("threshold").asText());
    assertTrue(
        threshold.compareTo(config.step()) > 0,
        "a source that reads once per step must not count as idle between two steps");
    assertTrue(GoDurations.parse(idle.path("incrementBy").asText()).compareTo(Duration.ZERO) > 0);
    GoDurations.parse(idle.path("stepInterval").asText());
  }

  @Test
  void everyRollguardContainerReadsTheSharedConfigAndSecrets() {
    Map<String, String> secretKeys = new LinkedHashMap<>();
    PipelinesDirectory.manifest("secret.template.yaml")
        .path("stringData")
        .fields()
        .forEachRemaining(e -> secretKeys.put(e.getKey(), e.getValue().asText()));
    Set<String> endpointKeys = generatorLiteralKeys("rollguard-endpoints");
    List<String> problems = new ArrayList<>();
    Set<String> secretKeysUsed = new TreeSet<>();
    for (Map.Entry<String, JsonNode> entry : rollguardContainers().entrySet()) {
      String at = entry.getKey();
      JsonNode c = entry.getValue();
      JsonNode vertex = vertices.get(at.substring(0, at.indexOf(' ')));
      Map<String, JsonNode> env = new LinkedHashMap<>();
      c.path("env").forEach(e -> env.put(e.path("name").asText(), e));
      if (!CONFIG_FILE.equals(
          env.getOrDefault(ConfigLoader.CONFIG_PATH_ENV, missing()).path("value").asText())) {
        problems.add(at + ": " + ConfigLoader.CONFIG_PATH_ENV + " must be " + CONFIG_FILE);
      }
      for (Map.Entry<String, JsonNode> e : env.entrySet()) {
        String name = e.getKey();
        if (!name.equals(ConfigLoader.CONFIG_PATH_ENV)
            && !name.equals(STORE_FALLBACK_ENV)
            && !ConfigLoader.ENV_OVERRIDES.containsKey(name)) {
          problems.add(at + ": env " + name + " is not read by the configuration loader");
        }
        JsonNode secretRef = e.getValue().path("valueFrom").path("secretKeyRef");
        if (secretRef.isObject()) {
          secretKeysUsed.add(secretRef.path("key").asText());
          if (!SECRET.equals(secretRef.path("name").asText())
              || !secretRef.path("optional").asBoolean(false)
              || !secretKeys.containsKey(secretRef.path("key").asText())) {
            problems.add(
                at + ": env " + name + " must be an optional key of the Secret template " + SECRET);
          }
        }
        JsonNode mapRef = e.getValue().path("valueFrom").path("configMapKeyRef");
        if (mapRef.isObject()
            && (!mapRef.path("name").asText().equals("rollguard-endpoints")
                || !endpointKeys.contains(mapRef.path("key").asText()))) {
          problems.add(
              at
                  + ": env "
                  + name
                  + " refers to a ConfigMap key kustomization.yaml does not generate");
        }
      }
      // A per-pod directory registry would hide the trainer's bundles from the scoring pods.
      if (!env.containsKey("ROLLGUARD_REGISTRY_BACKEND")) {
        problems.add(
            at
                + ": must take ROLLGUARD_REGISTRY_BACKEND (redis in a cluster) from rollguard-endpoints");
      }
      if (!configVolumeMounted(vertex, c)) {
        problems.add(at + ": must mount the ConfigMap rollguard-config at " + CONFIG_DIR);
      }
      JsonNode sc = c.path("securityContext");
      if (!sc.path("runAsNonRoot").asBoolean(false)
          || sc.path("runAsUser").asInt() != IMAGE_UID
          || !sc.path("readOnlyRootFilesystem").asBoolean(false)
          || sc.path("allowPrivilegeEscalation").asBoolean(true)) {
        problems.add(
            at
                + ": securityContext must be non-root uid "
                + IMAGE_UID
                + ", read-only root, no privilege escalation");
      }
      if (!mountPaths(c).contains("/tmp")) {
        problems.add(
            at
                + ": a read-only root needs a writable /tmp (Netty unpacks its native library there)");
      }
      JsonNode resources = c.path("resources");
      if (!resources.path("requests").has("cpu")
          || !resources.path("requests").has("memory")
          || !resources.path("limits").has("memory")) {
        problems.add(at + ": needs cpu and memory requests and a memory limit");
      }
      if (!hasPort(c, "app-metrics", config.vertex().metricsPort())) {
        problems.add(
            at
                + ": must declare port app-metrics = vertex.metricsPort "
                + config.vertex().metricsPort());
      }
    }
    assertEquals(List.of(), problems);
    assertTrue(
        generatorLiterals("rollguard-endpoints").contains("ROLLGUARD_REGISTRY_BACKEND=redis"),
        "the cluster registry is Redis, shared by every pod");
    assertEquals(
        secretKeys.keySet(),
        secretKeysUsed,
        "every key of the Secret template is wired, and only those");
    assertTrue(
        secretKeys.values().stream().allMatch(String::isEmpty),
        "the template ships no credentials");
  }

  @Test
  void everyVertexHasNumaResourcesScrapeAnnotationsAndScale() {
    List<String> problems = new ArrayList<>();
    vertices.forEach(
        (name, v) -> {
          JsonNode numa = v.path("containerTemplate").path("resources");
          if (!numa.path("requests").has("cpu") || !numa.path("limits").has("memory")) {
            problems.add(name + ": containerTemplate (numa) needs requests and a memory limit");
          }
          JsonNode annotations = v.path("metadata").path("annotations");
          int port = annotations.path("prometheus.io/port").asInt(-1);
          if (!"true".equals(annotations.path("prometheus.io/scrape").asText())
              || !"/metrics".equals(annotations.path("prometheus.io/path").asText())
              || rollguardContainersOf(name, v).stream().noneMatch(c -> hasPort(c, null, port))) {
            problems.add(
                name + ": prometheus.io/* annotations must name a declared container port");
          }
          boolean reduce = v.path("udf").has("groupBy");
          if (!reduce) {
            JsonNode scale = v.path("scale");
            if (scale.path("min").asInt(0) < 1
                || scale.path("max").asInt(0) < scale.path("min").asInt(0)) {
              problems.add(name + ": scale needs 1 <= min <= max");
            }
          }
        });
    assertEquals(List.of(), problems);
    assertEquals(
        1,
        vertices.get("source").path("scale").path("max").asInt(),
        "one source replica: every replica would query every entity (docs/source-prometheus.md)");
  }

  @Test
  void imagesAreTheVertexModulesBuiltByMakeImages() throws Exception {
    Path repo = PipelinesDirectory.root().getParent();
    Set<String> tags = new TreeSet<>();
    for (Map.Entry<String, JsonNode> entry : rollguardContainers().entrySet()) {
      String image = entry.getValue().path("image").asText();
      assertTrue(
          image.matches("rollguard/[a-z-]+:[0-9][-.0-9A-Za-z]*"), entry.getKey() + ": " + image);
      String module = image.substring("rollguard/".length(), image.indexOf(':'));
      Path pom = repo.resolve(module).resolve("pom.xml");
      assertTrue(
          Files.isRegularFile(pom) && Files.readString(pom).contains("<vertex.mainClass>"),
          entry.getKey()
              + ": "
              + module
              + " is not a vertex module (make images builds those with <vertex.mainClass>)");
      tags.add(image.substring(image.indexOf(':') + 1));
    }
    assertEquals(
        Set.of(ProjectLayout.version()),
        tags,
        "one version everywhere: every image tag is the project version (the poms' and make"
            + " images')");
    JsonNode trainer = vertices.get("trainer").path("sink").path("udsink").path("container");
    JsonNode inference = vertices.get("inference").path("udf").path("container");
    assertEquals(
        inference.path("image"), trainer.path("image"), "the trainer runs the udf-inference image");
    assertEquals(
        "[\"trainer\"]", trainer.path("args").toString(), "selects the trainer entry point");
  }

  @Test
  void theAnomalyStoreFallsBackToTheLogSinkAndIsBehindTheService() {
    JsonNode store = vertices.get("anomaly-store");
    JsonNode sink = store.path("sink");
    assertEquals("fallback", sink.path("retryStrategy").path("onFailure").asText());
    assertTrue(sink.path("fallback").has("log"), "fallback sink");
    JsonNode container = sink.path("udsink").path("container");
    boolean fallbackEnv = false;
    for (JsonNode e : container.path("env")) {
      fallbackEnv |=
          e.path("name").asText().equals(STORE_FALLBACK_ENV)
              && e.path("value").asText().equals("true");
    }
    assertTrue(
        fallbackEnv, "the sink answers malformed records with fallback only when told it has one");
    int httpPort = config.store().httpPort();
    assertTrue(hasPort(container, "http", httpPort), "port http = store.httpPort " + httpPort);

    JsonNode service = PipelinesDirectory.manifest("anomaly-store-service.yaml");
    JsonNode selector = service.path("spec").path("selector");
    assertEquals(
        pipeline.path("metadata").path("name").asText(),
        selector.path("numaflow.numaproj.io/pipeline-name").asText());
    assertEquals("anomaly-store", selector.path("numaflow.numaproj.io/vertex-name").asText());
    JsonNode port = service.path("spec").path("ports").get(0);
    assertEquals("http", port.path("name").asText());
    assertEquals(httpPort, port.path("port").asInt());
    assertEquals("http", port.path("targetPort").asText());
  }

  // ---------------------------------------------------------------------------------------------

  private static String typeOf(JsonNode v) {
    if (v.path("source").has("udsource")) {
      return "udsource";
    }
    if (v.path("udf").has("groupBy")) {
      return "reduce";
    }
    if (v.path("udf").has("container")) {
      return "map";
    }
    if (v.path("sink").has("udsink")) {
      return "udsink";
    }
    return "other";
  }

  /** Every Rollguard (user-defined) container, keyed "vertex role". */
  private static Map<String, JsonNode> rollguardContainers() {
    Map<String, JsonNode> result = new LinkedHashMap<>();
    vertices.forEach(
        (name, v) -> {
          List<JsonNode> containers = rollguardContainersOf(name, v);
          for (int i = 0; i < containers.size(); i++) {
            result.put(name + " #" + i, containers.get(i));
          }
        });
    return result;
  }

  private static List<JsonNode> rollguardContainersOf(String name, JsonNode v) {
    List<JsonNode> containers = new ArrayList<>();
    for (JsonNode c :
        List.of(
            v.path("source").path("udsource").path("container"),
            v.path("source").path("transformer").path("container"),
            v.path("udf").path("container"),
            v.path("sink").path("udsink").path("container"),
            v.path("sink").path("fallback").path("udsink").path("container"))) {
      if (c.isObject()) {
        containers.add(c);
      }
    }
    assertFalse(containers.isEmpty(), name + " has no user-defined container");
    return containers;
  }

  private static boolean configVolumeMounted(JsonNode vertex, JsonNode container) {
    for (JsonNode mount : container.path("volumeMounts")) {
      if (!mount.path("mountPath").asText().equals(CONFIG_DIR)) {
        continue;
      }
      for (JsonNode volume : vertex.path("volumes")) {
        if (volume.path("name").asText().equals(mount.path("name").asText())
            && volume.path("configMap").path("name").asText().equals("rollguard-config")) {
          return true;
        }
      }
    }
    return false;
  }

  private static Set<String> mountPaths(JsonNode container) {
    Set<String> paths = new HashSet<>();
    container.path("volumeMounts").forEach(m -> paths.add(m.path("mountPath").asText()));
    return paths;
  }

  private static boolean hasPort(JsonNode container, String name, int port) {
    for (JsonNode p : container.path("ports")) {
      if ((name == null || p.path("name").asText().equals(name))
          && p.path("containerPort").asInt() == port) {
        return true;
      }
    }
    return false;
  }

  private static Set<String> generatorLiteralKeys(String generator) {
    Set<String> keys = new TreeSet<>();
    generatorLiterals(generator).forEach(l -> keys.add(l.substring(0, l.indexOf('='))));
    return keys;
  }

  /** The {@code KEY=value} literals of one configMapGenerator entry. */
  private static List<String> generatorLiterals(String generator) {
    for (JsonNode g : kustomization.path("configMapGenerator")) {
      if (g.path("name").asText().equals(generator)) {
        List<String> literals = new ArrayList<>();
        g.path("literals").forEach(l -> literals.add(l.asText()));
        return literals;
      }
    }
    throw new AssertionError("kustomization.yaml generates no ConfigMap " + generator);
  }

  private static JsonNode missing() {
    return MissingNode.getInstance();
  }
}
