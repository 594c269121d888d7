package io.rollguard.common.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.rollguard.common.config.MetricSpec.Direction;
import io.rollguard.common.config.MetricSpec.StaticLimit;
import io.rollguard.common.config.MetricSpec.Transform;
import io.rollguard.common.config.PrometheusSettings.BasicAuth;
import io.rollguard.common.config.RegistrySettings.Backend;
import io.rollguard.common.config.RegistrySettings.CacheSettings;
import io.rollguard.common.config.TrainingSettings.ModelKind;
import io.rollguard.common.http.HttpLimits;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the one YAML configuration document, applies environment overrides for addresses and
 * secrets, and validates everything before any vertex starts. Every failure is a {@link
 * ConfigException} naming the field. Reference: {@code docs/configuration.md}.
 */
public final class ConfigLoader {

  /** Environment variable holding the path of the configuration file. */
  public static final String CONFIG_PATH_ENV = "ROLLGUARD_CONFIG";

  /**
   * Classpath resource with the bundled default ({@code pipelines/config/rollguard-config.yaml}).
   */
  public static final String DEFAULT_CONFIG_RESOURCE = "/rollguard-default-config.yaml";

  /** Environment variable to the field it overrides, applied in this order. */
  public static final Map<String, String> ENV_OVERRIDES;

  static {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("REDIS_URL", "redis.url");
    env.put("REDIS_USERNAME", "redis.username");
    env.put("REDIS_PASSWORD", "redis.password");
    env.put("REDIS_CA_FILE", "redis.caFile");
    env.put("PROMETHEUS_URL", "prometheus.url");
    env.put("PROMETHEUS_BEARER_TOKEN", "prometheus.bearerToken");
    env.put("PROMETHEUS_USERNAME", "prometheus.basicAuth.username");
    env.put("PROMETHEUS_PASSWORD", "prometheus.basicAuth.password");
    env.put("ROLLGUARD_METRICS_PORT", "vertex.metricsPort");
    // One ConfigMap serves the embedded default (directory) and a cluster (redis, shared by every
    // pod): the deployment flips the backend without a second copy of the document.
    env.put("ROLLGUARD_REGISTRY_BACKEND", "registry.backend");
    env.put("ROLLGUARD_STORE_BEARER_TOKEN", "store.http.bearerToken");
    env.put("ROLLGUARD_STORE_TLS_KEYSTORE_PASSWORD", "store.http.tls.keyStorePassword");
    ENV_OVERRIDES = java.util.Collections.unmodifiableMap(env);
  }

  static final Duration DEFAULT_STEP = Duration.ofSeconds(60);
  static final Duration MAX_LOOKBACK = Duration.ofDays(8);

  /** A training needs many windows; fewer than this is not a distribution. */
  static final int MIN_TRAINING_WINDOWS = 10;

  /** The most metrics a configuration may list (also the bundle codec's bound). */
  public static final int MAX_METRICS = 64;

  /**
   * Longest metric name: the bound every payload name is held to (a Kubernetes object name, 253),
   * so a configured metric can always travel in a payload.
   */
  public static final int MAX_METRIC_NAME_CHARS = 253;

  /** Reserved: the anomaly store exports the unified score as {@code metric="unified"}. */
  static final String RESERVED_METRIC_NAME = "unified";

  /**
   * Secrets that may only come from the environment (a Kubernetes Secret), never from the file: a
   * ConfigMap is readable by far more people and tools than a Secret.
   */
  static final Map<String, String> ENV_ONLY_SECRETS =
      Map.of(
          "store.http.bearerToken", "ROLLGUARD_STORE_BEARER_TOKEN",
          "store.http.tls.keyStorePassword", "ROLLGUARD_STORE_TLS_KEYSTORE_PASSWORD");

  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private static final YAMLMapper YAML =
      YAMLMapper.builder(
              YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
          .build();

  private ConfigLoader() {}

  /**
   * Loads {@code yaml}, then applies the overrides found in {@code env} (see {@link
   * #ENV_OVERRIDES}).
   */
  public static RollguardConfig load(Path yaml, Map<String, String> env) throws ConfigException {
    Objects.requireNonNull(yaml, "yaml");
    String text;
    try {
      text = Files.readString(yaml, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException("", "config file " + yaml + " does not exist", e);
    } catch (IOException e) {
      throw new ConfigException("", "cannot read config file " + yaml + ": " + e.getMessage(), e);
    }
    return parse(text, yaml.toString(), env);
  }

  /**
   * Loads the file named by {@value #CONFIG_PATH_ENV}, or else the bundled default, with the
   * process environment's overrides.
   */
  public static RollguardConfig loadFromEnvironment() throws ConfigException {
    Map<String, String> env = System.getenv();
    String path = env.get(CONFIG_PATH_ENV);
    if (path != null && !path.isBlank()) {
      try {
        return load(Path.of(path), env);
      } catch (InvalidPathException e) {
        throw new ConfigException("", CONFIG_PATH_ENV + " is not a valid path: " + path, e);
      }
    }
    return loadDefault(env);
  }

  /** The bundled default configuration with {@code env}'s overrides. */
  public static RollguardConfig loadDefault(Map<String, String> env) throws ConfigException {
    try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULT_CONFIG_RESOURCE)) {
      if (in == null) {
        throw new ConfigException(
            "",
            "the bundled default config "
                + DEFAULT_CONFIG_RESOURCE
                + " is missing from the classpath");
      }
      return parse(
          new String(in.readAllBytes(), StandardCharsets.UTF_8), DEFAULT_CONFIG_RESOURCE, env);
    } catch (IOException e) {
      throw new ConfigException(
          "", "cannot read " + DEFAULT_CONFIG_RESOURCE + ": " + e.getMessage(), e);
    }
  }

  /** Parses YAML text; {@code source} names it in messages. */
  public static RollguardConfig parse(String yamlText, String source, Map<String, String> env)
      throws ConfigException {
    Objects.requireNonNull(env, "env");
    JsonNode root = readSingleDocument(yamlText, source);
    rejectSecretsInFile(root, source);
    Map<String, String> overridden = applyEnvironment((ObjectNode) root, env);
    try {
      return bind(root);
    } catch (ConfigException e) {
      String variable = overridden.get(e.field());
      if (variable == null) {
        throw e;
      }
      String problem = e.problem();
      throw new ConfigException(e.field(), problem + " (set by " + variable + ")", e);
    }
  }

  private static JsonNode readSingleDocument(String text, String source) throws ConfigException {
    try (JsonParser parser = YAML.createParser(text)) {
      JsonNode root = YAML.readTree(parser);
      if (root == null || root.isMissingNode() || root.isNull()) {
        throw new ConfigException("", source + " is empty");
      }
      if (!root.isObject()) {
        throw new ConfigException("", source + " must be a YAML mapping at the top level");
      }
      if (parser.nextToken() != null) {
        throw new ConfigException("", source + " must hold exactly one YAML document");
      }
      return root;
    } catch (JsonProcessingException e) {
      throw new ConfigException("", source + " is not valid YAML: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new ConfigException("", "cannot read " + source + ": " + e.getMessage(), e);
    }
  }

  private static void rejectSecretsInFile(JsonNode root, String source) throws ConfigException {
    for (Map.Entry<String, String> secret : ENV_ONLY_SECRETS.entrySet()) {
      JsonNode at = root;
      for (String part : secret.getKey().split("\\.", -1)) {
        at = at == null || !at.isObject() ? null : at.get(part);
      }
      if (at != null && !at.isNull()) {
        throw new ConfigException(
            secret.getKey(),
            "must not be written in "
                + source
                + "; set the environment variable "
                + secret.getValue()
                + " (from a Kubernetes Secret)");
      }
    }
  }

  /** Writes the overrides into the tree; returns field path to the variable that set it. */
  private static Map<String, String> applyEnvironment(ObjectNode root, Map<String, String> env)
      throws ConfigException {
    Map<String, String> applied = new HashMap<>();
    for (Map.Entry<String, String> override : ENV_OVERRIDES.entrySet()) {
      String value = env.get(override.getKey());
      if (value == null || value.isBlank()) {
        continue; // an empty variable (e.g. an optional Secret key) means "not set"
      }
      String field = override.getValue();
      String[] parts = field.split("\\.");
      ObjectNode parent = root;
      for (int i = 0; i < parts.length - 1; i++) {
        JsonNode next = parent.get(parts[i]);
        if (next == null || next.isNull()) {
          next = parent.putObject(parts[i]);
        } else if (!next.isObject()) {
          String at = String.join(".", java.util.Arrays.copyOf(parts, i + 1));
          throw new ConfigException(
              at, "must be a mapping (key: value), got " + ConfigNode.kind(next));
        }
        parent = (ObjectNode) next;
      }
      String leaf = parts[parts.length - 1];
      if (field.equals("vertex.metricsPort")) {
        parent.set(leaf, parsePortOrText(value.strip()));
      } else {
        parent.set(leaf, TextNode.valueOf(value.strip()));
      }
      applied.put(field, override.getKey());
    }
    return applied;
  }

  private static JsonNode parsePortOrText(String value) {
    try {
      return IntNode.valueOf(Integer.parseInt(value));
    } catch (NumberFormatException e) {
      return JsonNodeFactory.instance.textNode(
          value); // reported by validation as "must be an integer"
    }
  }

  private static RollguardConfig bind(JsonNode rootNode) throws ConfigException {
    ConfigNode root = ConfigNode.of(rootNode, "");
    Duration step = root.duration("step", DEFAULT_STEP, Duration.ofSeconds(1), Duration.ofHours(1));
    if (step.toMillis() % 1000 != 0) {
      throw new ConfigException(
          "step", "must be a whole number of seconds, got " + Durations.format(step));
    }
    EntitySettings entity = entity(root.child("entity"));
    List<MetricSpec> metrics = metrics(root);
    WindowSettings window = window(root.child("window"), step);
    TrainingSettings training = training(root.child("training"), window);
    RegistrySettings registry = registry(root.child("registry"), training);
    RedisSettings redis = redis(root.child("redis"));
    PrometheusSettings prometheus = prometheus(root.child("prometheus"));
    StoreSettings store = store(root.child("store"), step);
    VerdictSettings verdict = verdict(root.child("verdict"), step, metrics);
    ConfigNode vertexNode = root.child("vertex");
    VertexSettings vertex = new VertexSettings(vertexNode.intValue("metricsPort", 9102, 0, 65535));
    vertexNode.finish();
    root.finish();
    return new RollguardConfig(
        step,
        entity,
        metrics,
        window,
        training,
        registry,
        redis,
        prometheus,
        store,
        vertex,
        verdict);
  }

  private static EntitySettings entity(ConfigNode n) throws ConfigException {
    String namespaceLabel = labelName(n, "namespaceLabel", "namespace");
    String appLabel = labelName(n, "appLabel", "app");
    String roleLabel = labelName(n, "roleLabel", "role");
    String hashLabel = labelName(n, "podTemplateHashLabel", "rollouts_pod_template_hash");
    String stable = nonBlank(n, "stableRole", "stable");
    String canary = nonBlank(n, "canaryRole", "canary");
    if (stable.equals(canary)) {
      throw new ConfigException(
          n.field("canaryRole"), "must differ from stableRole ('" + stable + "')");
    }
    List<String> labels = List.of(namespaceLabel, appLabel, roleLabel, hashLabel);
    if (labels.stream().distinct().count() != labels.size()) {
      throw new ConfigException(n.path(), "the four label names must be distinct, got " + labels);
    }
    n.finish();
    return new EntitySettings(namespaceLabel, appLabel, roleLabel, hashLabel, stable, canary);
  }

  private static String labelName(ConfigNode n, String key, String defaultValue)
      throws ConfigException {
    String value = n.string(key, defaultValue);
    if (!LABEL_NAME.matcher(value).matches()) {
      throw new ConfigException(
          n.field(key),
          "must be a Prometheus label name [a-zA-Z_][a-zA-Z0-9_]*, got '" + value + "'");
    }
    return value;
  }

  private static String nonBlank(ConfigNode n, String key, String defaultValue)
      throws ConfigException {
    String value = n.string(key, defaultValue);
    if (value.isBlank()) {
      throw new ConfigException(n.field(key), "must not be blank");
    }
    return value;
  }

  private static List<MetricSpec> metrics(ConfigNode root) throws ConfigException {
    List<JsonNode> items = root.list("metrics");
    if (items.isEmpty()) {
      throw new ConfigException("metrics", "at least one metric is required");
    }
    if (items.size() > MAX_METRICS) {
      throw new ConfigException(
          "metrics", "at most " + MAX_METRICS + " metrics, got " + items.size());
    }
    List<MetricSpec> specs = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < items.size(); i++) {
      ConfigNode m = ConfigNode.of(items.get(i), "metrics[" + i + "]");
      if (items.get(i) == null || items.get(i).isNull()) {
        throw new ConfigException(m.path(), "must be a mapping with name, query, unit, direction");
      }
      String name = m.requiredString("name");
      if (name.length() > MAX_METRIC_NAME_CHARS) {
        throw new ConfigException(
            m.field("name"),
            "at most " + MAX_METRIC_NAME_CHARS + " characters, got " + name.length());
      }
      if (!MetricSpec.NAME.matcher(name).matches()) {
        throw new ConfigException(
            m.field("name"), "must match [a-z_][a-z0-9_]*, got '" + name + "'");
      }
      if (name.equals(RESERVED_METRIC_NAME)) {
        throw new ConfigException(
            m.field("name"), "'" + RESERVED_METRIC_NAME + "' is reserved for the unified score");
      }
      Integer earlier = seen.putIfAbsent(name, i);
      if (earlier != null) {
        throw new ConfigException(
            m.field("name"),
            "duplicate metric name '" + name + "' (also metrics[" + earlier + "])");
      }
      String query = m.requiredString("query");
      checkQuery(m.field("query"), query);
      String unit = m.requiredString("unit");
      double weight = m.doubleValue("weight", 1.0, 0, false, 1e6, false);
      Direction direction = m.choice("direction", Direction.class, null);
      Transform transform = m.choice("transform", Transform.class, Transform.NONE);
      StaticLimit limit = staticLimit(m.child("staticLimit"), m.has("staticLimit"));
      m.finish();
      specs.add(new MetricSpec(name, query, unit, weight, direction, transform, limit));
    }
    if (specs.stream().noneMatch(s -> s.weight() > 0)) {
      throw new ConfigException("metrics", "at least one metric needs weight > 0");
    }
    return specs;
  }

  private static void checkQuery(String field, String query) throws ConfigException {
    Matcher placeholders = MetricSpec.PLACEHOLDER.matcher(query);
    boolean selects = false;
    while (placeholders.find()) {
      String name = placeholders.group(1);
      if (!MetricSpec.PLACEHOLDERS.contains(name)) {
        throw new ConfigException(
            field,
            "unknown placeholder {{"
                + name
                + "}} (known: {{selector}}, {{podLabelSelector}}, "
                + "{{namespaceSelector}}, {{by}}, {{range}})");
      }
      selects |=
          name.equals(MetricSpec.PLACEHOLDER_SELECTOR)
              || name.equals(MetricSpec.PLACEHOLDER_POD_LABEL_SELECTOR);
    }
    if (!selects) {
      // Without a selector the query would score every app in the cluster as this entity.
      throw new ConfigException(
          field, "must use {{selector}} or {{podLabelSelector}} to select the entity");
    }
    int open = 0;
    for (int i = 0; i < query.length(); i++) {
      char c = query.charAt(i);
      open += c == '(' ? 1 : c == ')' ? -1 : 0;
      if (open < 0) {
        break;
      }
    }
    if (open != 0) {
      throw new ConfigException(field, "unbalanced parentheses");
    }
  }

  private static StaticLimit staticLimit(ConfigNode n, boolean present) throws ConfigException {
    if (!present) {
      n.finish();
      return null;
    }
    Double max = n.optionalFinite("max");
    Double min = n.optionalFinite("min");
    n.finish();
    if (max == null && min == null) {
      throw new ConfigException(n.path(), "needs max, min or both");
    }
    if (max != null && min != null && !(min < max)) {
      throw new ConfigException(n.field("min"), "must be < max (" + max + "), got " + min);
    }
    return new StaticLimit(max, min);
  }

  private static WindowSettings window(ConfigNode n, Duration step) throws ConfigException {
    int lengthSteps =
        n.intValue(
            "lengthSteps", WindowSettings.DEFAULT_LENGTH_STEPS, 2, WindowSettings.MAX_LENGTH_STEPS);
    double minCoverage = n.doubleValue("minCoverage", 0.8, 0, true, 1, false);
    // The default 2 must fit the shortest window too (found by the config fuzz test: lengthSteps 2
    // with maxFillSteps unset failed in WindowSettings' constructor instead of loading).
    int maxFillSteps = n.intValue("maxFillSteps", Math.min(2, lengthSteps - 1), 0, lengthSteps - 1);
    n.finish();
    return new WindowSettings(step.toMillis(), lengthSteps, minCoverage, maxFillSteps);
  }

  private static TrainingSettings training(ConfigNode n, WindowSettings window)
      throws ConfigException {
    Duration minLookback = Duration.ofMillis(window.lengthMillis() * MIN_TRAINING_WINDOWS);
    if (minLookback.compareTo(Duration.ofHours(1)) < 0) {
      minLookback = Duration.ofHours(1);
    }
    Duration lookback = n.duration("lookback", MAX_LOOKBACK, minLookback, MAX_LOOKBACK);
    double minCoverage = n.doubleValue("minCoverage", 0.5, 0, true, 1, false);
    Duration retrainEvery =
        n.duration(
            "retrainEvery", Duration.ofHours(24), Duration.ofMinutes(10), Duration.ofDays(30));
    double holdout =
        n.doubleValue(
            "holdoutFraction", TrainingSettings.DEFAULT_HOLDOUT_FRACTION, 0, true, 0.5, false);
    long seed = n.longValue("seed", TrainingSettings.DEFAULT_SEED, Long.MIN_VALUE, Long.MAX_VALUE);
    ModelKind model = n.choice("model", ModelKind.class, ModelKind.PCA);
    int concurrency = n.intValue("concurrency", 1, 1, 64);
    Duration leaseTtl =
        n.duration("leaseTtl", Duration.ofMinutes(30), Duration.ofMinutes(1), Duration.ofHours(24));
    Duration retryBackoff =
        n.duration("retryBackoff", Duration.ofMinutes(15), Duration.ZERO, Duration.ofHours(24));
    double maxExcluded =
        n.doubleValue(
            "maxExcludedFraction",
            TrainingSettings.DEFAULT_MAX_EXCLUDED_FRACTION,
            0,
            false,
            1,
            true);
    n.finish();
    return new TrainingSettings(
        lookback,
        minCoverage,
        retrainEvery,
        holdout,
        seed,
        model,
        concurrency,
        leaseTtl,
        retryBackoff,
        maxExcluded);
  }

  private static RegistrySettings registry(ConfigNode n, TrainingSettings training)
      throws ConfigException {
    Backend backend = n.choice("backend", Backend.class, Backend.DIRECTORY);
    String dir = n.string("directory", "/tmp/rollguard/models");
    Path directory;
    try {
      directory = Path.of(dir);
    } catch (InvalidPathException e) {
      throw new ConfigException(n.field("directory"), "not a valid path: " + e.getMessage(), e);
    }
    Duration bundleTtl =
        n.duration("bundleTtl", Duration.ofDays(7), Duration.ofHours(1), Duration.ofDays(365));
    if (bundleTtl.compareTo(training.retrainEvery()) <= 0) {
      // Otherwise bundles expire before their successor is trained and entities fall back to cold
      // start.
      throw new ConfigException(
          n.field("bundleTtl"),
          "must be longer than training.retrainEvery ("
              + Durations.format(training.retrainEvery())
              + ")");
    }
    ConfigNode c = n.child("cache");
    long maxSize = c.longValue("maxSize", 1000, 1, 10_000_000);
    Duration expireAfter =
        c.duration("expireAfter", Duration.ofHours(1), Duration.ofMinutes(1), Duration.ofDays(30));
    Duration refreshAfter =
        c.duration(
            "refreshAfter", Duration.ofMinutes(5), Duration.ofSeconds(10), Duration.ofDays(30));
    if (refreshAfter.compareTo(expireAfter) >= 0) {
      throw new ConfigException(
          c.field("refreshAfter"),
          "must be shorter than cache.expireAfter (" + Durations.format(expireAfter) + ")");
    }
    c.finish();
    n.finish();
    return new RegistrySettings(
        backend, directory, bundleTtl, new CacheSettings(maxSize, expireAfter, refreshAfter));
  }

  private static RedisSettings redis(ConfigNode n) throws ConfigException {
    String url = n.string("url", "redis://localhost:6379").strip();
    URI uri = parseUrl(n.field("url"), url, List.of("redis", "rediss"));
    String username = optionalNonBlank(n, "username");
    Secret password = secret(n, "password");
    boolean tls = n.bool("tls", false) || "rediss".equals(uri.getScheme());
    Path caFile = optionalReadableFile(n, "caFile");
    Duration timeout =
        n.duration(
            "timeout",
            RedisSettings.DEFAULT_TIMEOUT,
            Duration.ofMillis(100),
            Duration.ofMinutes(1));
    String keyPrefix = n.string("keyPrefix", RedisSettings.DEFAULT_KEY_PREFIX);
    int maxConnections =
        n.intValue("maxConnections", RedisSettings.DEFAULT_MAX_CONNECTIONS, 1, 1024);
    n.finish();
    return new RedisSettings(
        url, username, password, tls, caFile, timeout, keyPrefix, maxConnections);
  }

  private static PrometheusSettings prometheus(ConfigNode n) throws ConfigException {
    String url = n.string("url", "http://localhost:9090").strip();
    parseUrl(n.field("url"), url, List.of("http", "https"));
    Secret bearer = secret(n, "bearerToken");
    BasicAuth basicAuth = null;
    if (n.has("basicAuth")) {
      ConfigNode b = n.child("basicAuth");
      String user = b.requiredString("username");
      Secret password = secret(b, "password");
      if (password == null) {
        throw new ConfigException(b.field("password"), "is required with basicAuth.username");
      }
      b.finish();
      basicAuth = new BasicAuth(user, password);
    } else {
      n.child("basicAuth").finish();
    }
    if (bearer != null && basicAuth != null) {
      throw new ConfigException(
          n.field("bearerToken"), "set either bearerToken or basicAuth, not both");
    }
    Path caFile = optionalReadableFile(n, "caFile");
    Duration timeout =
        n.duration(
            "timeout",
            PrometheusSettings.DEFAULT_TIMEOUT,
            Duration.ofSeconds(1),
            Duration.ofMinutes(5));
    Duration ingestionDelay =
        n.duration(
            "ingestionDelay",
            PrometheusSettings.DEFAULT_INGESTION_DELAY,
            Duration.ZERO,
            Duration.ofMinutes(10));
    Duration rateRange =
        n.duration(
            "rateRange",
            PrometheusSettings.DEFAULT_RATE_RANGE,
            Duration.ofSeconds(1),
            Duration.ofHours(1));
    long maxResponseBytes =
        n.longValue(
            "maxResponseBytes", PrometheusSettings.DEFAULT_MAX_RESPONSE_BYTES, 1L << 20, 1L << 30);
    int maxPointsPerRequest =
        n.intValue(
            "maxPointsPerRequest",
            PrometheusSettings.DEFAULT_MAX_POINTS_PER_REQUEST,
            2,
            PrometheusSettings.PROMETHEUS_MAX_POINTS);
    n.finish();
    return new PrometheusSettings(
        url,
        bearer,
        basicAuth,
        caFile,
        timeout,
        ingestionDelay,
        rateRange,
        maxResponseBytes,
        maxPointsPerRequest);
  }

  private static StoreSettings store(ConfigNode n, Duration step) throws ConfigException {
    int historyLength = n.intValue("historyLength", 1440, 1, 100_000);
    Duration historyTtl =
        n.duration("historyTtl", Duration.ofDays(2), Duration.ofMinutes(1), Duration.ofDays(365));
    Duration staleness = n.duration("staleness", Duration.ofMinutes(5), step, Duration.ofDays(1));
    int httpPort = n.intValue("httpPort", 8080, 1, 65535);
    StoreHttpSettings http = storeHttp(n.child("http"));
    ConfigNode m = n.child("metrics");
    int maxKeys = m.intValue("maxKeys", StoreSettings.DEFAULT_METRICS_MAX_KEYS, 1, 10_000_000);
    m.finish();
    n.finish();
    return new StoreSettings(historyLength, historyTtl, staleness, httpPort, http, maxKeys);
  }

  private static StoreHttpSettings storeHttp(ConfigNode n) throws ConfigException {
    StoreHttpSettings d = StoreHttpSettings.DEFAULT;
    int threads = n.intValue("threads", d.threads(), HttpLimits.MIN_THREADS, 1_000);
    int maxConnections = n.intValue("maxConnections", d.maxConnections(), 16, 100_000);
    Duration idleTimeout =
        n.duration("idleTimeout", d.idleTimeout(), Duration.ofSeconds(1), Duration.ofHours(1));
    Duration headerTimeout =
        n.duration(
            "headerTimeout", d.headerTimeout(), Duration.ofMillis(100), Duration.ofMinutes(5));
    int maxHeaderBytes =
        n.intValue("maxRequestHeaderBytes", d.maxRequestHeaderBytes(), 1024, 1 << 20);
    Secret token = secret(n, "bearerToken");
    boolean metricsRequireToken = n.bool("metricsRequireToken", false);
    if (metricsRequireToken && token == null) {
      throw new ConfigException(
          n.field("metricsRequireToken"),
          "needs a token: set ROLLGUARD_STORE_BEARER_TOKEN (store.http.bearerToken)");
    }
    ConfigNode t = n.child("tls");
    Path keyStore = optionalReadableFile(t, "keyStore");
    Secret keyStorePassword = secret(t, "keyStorePassword");
    if (keyStore != null && keyStorePassword == null) {
      throw new ConfigException(
          t.field("keyStorePassword"),
          "is required with tls.keyStore: set ROLLGUARD_STORE_TLS_KEYSTORE_PASSWORD");
    }
    if (keyStore == null && keyStorePassword != null) {
      throw new ConfigException(
          t.field("keyStore"), "is required when a key store password is set");
    }
    t.finish();
    n.finish();
    return new StoreHttpSettings(
        threads,
        maxConnections,
        idleTimeout,
        headerTimeout,
        maxHeaderBytes,
        token,
        metricsRequireToken,
        keyStore,
        keyStorePassword);
  }

  private static VerdictSettings verdict(ConfigNode n, Duration step, List<MetricSpec> metrics)
      throws ConfigException {
    VerdictSettings d = VerdictSettings.DEFAULTS;
    Duration interval =
        n.duration("interval", d.interval(), step.multipliedBy(3), Duration.ofHours(6));
    Duration noiseLookback =
        n.duration("noiseLookback", d.noiseLookback(), interval, Duration.ofDays(1));
    int minSamples = n.intValue("minSamples", d.minSamples(), 3, 10_000);
    int noiseSamples = n.intValue("noiseSamples", d.noiseSamples(), 3, 100_000);
    double confidence = n.doubleValue("confidence", d.confidence(), 0.5, true, 1, true);
    double minEffect = n.doubleValue("minEffect", d.minEffect(), 0, false, 100, false);
    double allowedChange = n.doubleValue("allowedChange", d.allowedChange(), 0, false, 100, false);
    double criticalEffect =
        n.doubleValue("criticalEffect", d.criticalEffect(), minEffect, false, 1000, false);
    double modelScore = n.doubleValue("modelScore", d.modelScore(), 0, false, 10, false);
    double passScore = n.doubleValue("passScore", d.passScore(), 0, false, 100, false);
    double marginalScore =
        n.doubleValue("marginalScore", d.marginalScore(), 0, false, passScore, false);
    double stableIncidentScore =
        n.doubleValue("stableIncidentScore", d.stableIncidentScore(), 0, true, 10, false);
    double coverageTolerance =
        n.doubleValue("coverageTolerance", d.coverageTolerance(), 0, false, 1, true);
    Duration warmup = n.duration("warmup", d.warmup(), Duration.ZERO, Duration.ofHours(6));
    int topMetrics = n.intValue("topMetrics", d.topMetrics(), 1, MAX_METRICS);
    n.finish();
    VerdictSettings settings =
        new VerdictSettings(
            interval,
            noiseLookback,
            minSamples,
            noiseSamples,
            confidence,
            minEffect,
            allowedChange,
            criticalEffect,
            modelScore,
            passScore,
            marginalScore,
            stableIncidentScore,
            coverageTolerance,
            warmup,
            topMetrics);
    long weighted = metrics.stream().filter(m -> m.weight() > 0).count();
    int needed = Math.max(settings.smallestSignificantSample((int) weighted), minSamples);
    if (interval.toMillis() / step.toMillis() < needed) {
      throw new ConfigException(
          n.field("interval"),
          "holds "
              + interval.toMillis() / step.toMillis()
              + " steps, but the"
              + " Mann-Whitney test of "
              + weighted
              + " metrics at confidence "
              + confidence
              + " needs at least "
              + needed
              + " values per role to ever find a canary worse (and minSamples is "
              + minSamples
              + ")");
    }
    return settings;
  }

  private static URI parseUrl(String field, String url, List<String> schemes)
      throws ConfigException {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new ConfigException(field, "not a valid URL: " + Urls.redact(url));
    }
    if (uri.getScheme() == null || !schemes.contains(uri.getScheme())) {
      throw new ConfigException(
          field,
          "must start with " + String.join(":// or ", schemes) + "://, got " + Urls.redact(url));
    }
    if (uri.getHost() == null || uri.getHost().isBlank()) {
      throw new ConfigException(field, "has no host: " + Urls.redact(url));
    }
    return uri;
  }

  /** A file the vertex must be able to read at start (a CA bundle, a key store); null if unset. */
  private static Path optionalReadableFile(ConfigNode n, String key) throws ConfigException {
    String text = optionalNonBlank(n, key);
    if (text == null) {
      return null;
    }
    Path file;
    try {
      file = Path.of(text);
    } catch (InvalidPathException e) {
      throw new ConfigException(n.field(key), "not a valid path: " + e.getMessage(), e);
    }
    if (!Files.isReadable(file)) {
      throw new ConfigException(
          n.field(key), "file " + text + " does not exist or is not readable");
    }
    return file;
  }

  private static String optionalNonBlank(ConfigNode n, String key) throws ConfigException {
    String value = n.string(key, null);
    return value == null || value.isBlank() ? null : value;
  }

  private static Secret secret(ConfigNode n, String key) throws ConfigException {
    String value = optionalNonBlank(n, key);
    return value == null ? null : new Secret(value);
  }
}
