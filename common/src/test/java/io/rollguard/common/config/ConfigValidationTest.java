package io.rollguard.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each invalid document fails at load with a message that names the offending field. */
class ConfigValidationTest {

  private static final String METRIC =
      """
        - name: latency
          query: sum by ({{by}}) (rate(x{ {{selector}} }[{{range}}]))
          unit: seconds
          direction: up
      """;

  /** A valid document with one metric plus {@code extra} top-level YAML. */
  private static String withMetric(String extra) {
    return "metrics:\n" + METRIC + extra;
  }

  /** A document whose only metric has the given (indented) lines. */
  private static String metric(String lines) {
    return "metrics:\n  - " + lines.strip().replace("\n", "\n    ") + "\n";
  }

  static Stream<Arguments> invalidDocuments() {
    return Stream.of(
        // document level
        Arguments.of("not: [valid", "", "not valid YAML"),
        Arguments.of("- a\n- b\n", "", "mapping at the top level"),
        Arguments.of(withMetric("---\nstep: 30s\n"), "", "exactly one YAML document"),
        Arguments.of(withMetric("step: 30s\nstep: 60s\n"), "", "not valid YAML"),
        Arguments.of(withMetric("windows:\n  lengthSteps: 12\n"), "windows", "unknown key"),
        // step
        Arguments.of(withMetric("step: 60\n"), "step", "must be a string"),
        Arguments.of(withMetric("step: 60 seconds\n"), "step", "invalid duration"),
        Arguments.of(withMetric("step: 0s\n"), "step", "between 1s and 1h"),
        Arguments.of(withMetric("step: 1500ms\n"), "step", "whole number of seconds"),
        // entity
        Arguments.of(
            withMetric("entity:\n  appLabel: app-name\n"),
            "entity.appLabel",
            "Prometheus label name"),
        Arguments.of(
            withMetric("entity:\n  canaryRole: stable\n"), "entity.canaryRole", "must differ"),
        Arguments.of(withMetric("entity:\n  roleLabel: app\n"), "entity", "distinct"),
        Arguments.of(
            withMetric("entity:\n  podHashLabel: x\n"), "entity.podHashLabel", "unknown key"),
        // metrics
        Arguments.of("step: 60s\n", "metrics", "at least one metric"),
        Arguments.of("metrics: latency\n", "metrics", "must be a list"),
        Arguments.of("metrics:\n  - latency\n", "metrics[0]", "must be a mapping"),
        Arguments.of(
            metric("name: Latency\nquery: x{ {{selector}} }\nunit: s\ndirection: up"),
            "metrics[0].name",
            "[a-z_][a-z0-9_]*"),
        Arguments.of(
            metric("name: unified\nquery: x{ {{selector}} }\nunit: s\ndirection: up"),
            "metrics[0].name",
            "reserved"),
        Arguments.of(
            "metrics:\n" + METRIC + METRIC,
            "metrics[1].name",
            "duplicate metric name 'latency' (also metrics[0])"),
        Arguments.of(
            metric("query: x{ {{selector}} }\nunit: s\ndirection: up"),
            "metrics[0].name",
            "is required"),
        Arguments.of(
            metric("name: a\nquery: sum(rate(x[5m]))\nunit: s\ndirection: up"),
            "metrics[0].query",
            "{{selector}}"),
        Arguments.of(
            metric("name: a\nquery: x{ {{selector}}, {{pod}} }\nunit: s\ndirection: up"),
            "metrics[0].query",
            "unknown placeholder {{pod}}"),
        Arguments.of(
            metric("name: a\nquery: sum(x{ {{selector}} }\nunit: s\ndirection: up"),
            "metrics[0].query",
            "unbalanced parentheses"),
        Arguments.of(
            metric("name: a\nquery: x{ {{selector}} }\ndirection: up"),
            "metrics[0].unit",
            "is required"),
        Arguments.of(
            metric("name: a\nquery: x{ {{selector}} }\nunit: s"),
            "metrics[0].direction",
            "is required (one of up, down, both)"),
        Arguments.of(
            "metrics:\n"
                + METRIC
                + metric("name: b\nquery: x{ {{selector}} }\nunit: s\ndirection: sideways")
                    .substring("metrics:\n".length()),
            "metrics[1].direction",
            "must be one of up, down, both"),
        Arguments.of(
            metric("name: a\nquery: x{ {{selector}} }\nunit: s\ndirection: up\ntransform: log"),
            "metrics[0].transform",
            "must be one of none, log1p"),
        Arguments.of(
            metric("name: a\nquery: x{ {{selector}} }\nunit: s\ndirection: up\nweight: -1"),
            "metrics[0].weight",
            "must be in [0, 1000000]"),
        Arguments.of(
            metric("name: a\nquery: x{ {{selector}} }\nunit: s\ndirection: up\nweight: \"2\""),
            "metrics[0].weight",
            "must be a number"),
        Arguments.of(
            metric("name: a\nquery: x{ {{selector}} }\nunit: s\ndirection: up\nweight: 0"),
            "metrics",
            "at least one metric needs weight > 0"),
        Arguments.of(
            metric("name: a\nquery: x{ {{selector}} }\nunit: s\ndirection: up\nstaticLimit: {}"),
            "metrics[0].staticLimit",
            "needs max, min or both"),
        Arguments.of(
            metric(
                "name: a\nquery: x{ {{selector}} }\nunit: s\ndirection: up\nstaticLimit:\n  min: 5\n  max: 1"),
            "metrics[0].staticLimit.min",
            "must be < max"),
        Arguments.of(
            metric(
                "name: a\nquery: x{ {{selector}} }\nunit: s\ndirection: up\nstaticLimit:\n  max: \"3\""),
            "metrics[0].staticLimit.max",
            "must be a finite number"),
        Arguments.of(
            metric("name: a\nquery: x{ {{selector}} }\nunit: s\ndirection: up\nthreshold: 3"),
            "metrics[0].threshold",
            "unknown key"),
        // window
        Arguments.of(
            withMetric("window:\n  minCoverage: 1.5\n"), "window.minCoverage", "must be in (0, 1]"),
        Arguments.of(
            withMetric("window:\n  minCoverage: 0\n"), "window.minCoverage", "must be in (0, 1]"),
        Arguments.of(
            withMetric("window:\n  lengthSteps: 1\n"),
            "window.lengthSteps",
            "must be in [2, 1440]"),
        Arguments.of(
            withMetric("window:\n  lengthSteps: 4\n  maxFillSteps: 4\n"),
            "window.maxFillSteps",
            "must be in [0, 3]"),
        Arguments.of(
            withMetric("window:\n  lengthSteps: 12.5\n"),
            "window.lengthSteps",
            "must be an integer"),
        Arguments.of(
            withMetric("window:\n  minCoverge: 0.8\n"), "window.minCoverge", "unknown key"),
        // training
        Arguments.of(
            withMetric("training:\n  lookback: 9d\n"), "training.lookback", "between 2h and 8d"),
        Arguments.of(
            withMetric("training:\n  model: xgboost\n"),
            "training.model",
            "must be one of pca, ae, baseline"),
        Arguments.of(
            withMetric("training:\n  holdoutFraction: 0.6\n"),
            "training.holdoutFraction",
            "must be in (0, 0.5]"),
        Arguments.of(
            withMetric("training:\n  maxExcludedFraction: 1.0\n"),
            "training.maxExcludedFraction",
            "must be in [0, 1)"),
        Arguments.of(
            withMetric("training:\n  retrainEvery: 1m\n"),
            "training.retrainEvery",
            "between 10m and 30d"),
        // registry
        Arguments.of(
            withMetric("registry:\n  backend: s3\n"),
            "registry.backend",
            "must be one of directory, redis"),
        Arguments.of(
            withMetric("registry:\n  bundleTtl: 12h\n"),
            "registry.bundleTtl",
            "longer than training.retrainEvery (1d)"),
        Arguments.of(
            withMetric("registry:\n  cache:\n    expireAfter: 5m\n    refreshAfter: 5m\n"),
            "registry.cache.refreshAfter",
            "shorter than cache.expireAfter"),
        Arguments.of(
            withMetric("registry:\n  cache:\n    maxSize: 0\n"),
            "registry.cache.maxSize",
            "must be in [1, 10000000]"),
        // redis
        Arguments.of(
            withMetric("redis:\n  url: http://redis:6379\n"),
            "redis.url",
            "must start with redis:// or rediss://"),
        Arguments.of(withMetric("redis:\n  url: redis://\n"), "redis.url", "not a valid URL"),
        Arguments.of(withMetric("redis:\n  url: redis:///0\n"), "redis.url", "no host"),
        Arguments.of(
            withMetric("redis:\n  tls: yes please\n"), "redis.tls", "must be true or false"),
        Arguments.of(
            withMetric("redis:\n  timeout: 0s\n"), "redis.timeout", "between 100ms and 1m"),
        // prometheus
        Arguments.of(
            withMetric("prometheus:\n  url: ftp://prom\n"),
            "prometheus.url",
            "must start with http:// or https://"),
        Arguments.of(
            withMetric(
                "prometheus:\n  bearerToken: t\n  basicAuth:\n    username: u\n    password: p\n"),
            "prometheus.bearerToken",
            "not both"),
        Arguments.of(
            withMetric("prometheus:\n  basicAuth:\n    username: u\n"),
            "prometheus.basicAuth.password",
            "is required"),
        Arguments.of(
            withMetric("prometheus:\n  basicAuth:\n    user: u\n    password: p\n"),
            "prometheus.basicAuth.username",
            "is required"),
        Arguments.of(
            withMetric("prometheus:\n  ingestionDelay: 1h\n"),
            "prometheus.ingestionDelay",
            "between 0s and 10m"),
        // store, vertex
        Arguments.of(
            withMetric("store:\n  staleness: 10s\n"), "store.staleness", "between 1m and 1d"),
        Arguments.of(
            withMetric("store:\n  historyLength: 0\n"),
            "store.historyLength",
            "must be in [1, 100000]"),
        Arguments.of(
            withMetric("prometheus:\n  maxResponseBytes: 1000\n"),
            "prometheus.maxResponseBytes",
            "must be in [1048576, 1073741824]"),
        Arguments.of(
            withMetric("store:\n  http:\n    threads: 2\n"),
            "store.http.threads",
            "must be in [6, 1000]"),
        Arguments.of(
            withMetric("store:\n  http:\n    maxConnections: 1\n"),
            "store.http.maxConnections",
            "must be in [16, 100000]"),
        Arguments.of(
            withMetric("store:\n  http:\n    headerTimeout: 0s\n"),
            "store.http.headerTimeout",
            "between 100ms and 5m"),
        Arguments.of(
            withMetric("store:\n  http:\n    idleTimeout: 2h\n"),
            "store.http.idleTimeout",
            "between 1s and 1h"),
        Arguments.of(
            withMetric("store:\n  http:\n    maxRequestHeaderBytes: 100\n"),
            "store.http.maxRequestHeaderBytes",
            "must be in [1024, 1048576]"),
        Arguments.of(
            withMetric("store:\n  http:\n    bearerToken: s3cret\n"),
            "store.http.bearerToken",
            "set the environment variable ROLLGUARD_STORE_BEARER_TOKEN"),
        Arguments.of(
            withMetric("store:\n  http:\n    tls:\n      keyStorePassword: pw\n"),
            "store.http.tls.keyStorePassword",
            "ROLLGUARD_STORE_TLS_KEYSTORE_PASSWORD"),
        Arguments.of(
            withMetric("store:\n  http:\n    metricsRequireToken: true\n"),
            "store.http.metricsRequireToken",
            "needs a token"),
        Arguments.of(
            withMetric("store:\n  http:\n    tls:\n      keyStore: /nonexistent/store.p12\n"),
            "store.http.tls.keyStore",
            "does not exist"),
        Arguments.of(
            withMetric("store:\n  http:\n    port: 1\n"), "store.http.port", "unknown key"),
        Arguments.of(
            withMetric("store:\n  metrics:\n    maxKeys: 0\n"),
            "store.metrics.maxKeys",
            "must be in [1, 10000000]"),
        Arguments.of(
            withMetric("vertex:\n  metricsPort: 70000\n"),
            "vertex.metricsPort",
            "must be in [0, 65535]"),
        Arguments.of(withMetric("vertex: 9102\n"), "vertex", "must be a mapping"));
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @MethodSource("invalidDocuments")
  void invalidDocumentNamesTheField(String yaml, String field, String problem) {
    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "test.yaml", Map.of()));
    assertEquals(field, e.field(), e.getMessage());
    assertTrue(
        e.getMessage().contains(problem),
        "message '" + e.getMessage() + "' lacks '" + problem + "'");
    if (!field.isEmpty()) {
      assertTrue(e.getMessage().startsWith(field + ": "), e.getMessage());
    }
  }
}
