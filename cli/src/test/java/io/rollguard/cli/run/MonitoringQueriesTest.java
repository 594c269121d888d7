package io.rollguard.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.payload.AnomalyRecord;
import io.rollguard.source.SourceMetrics;
import io.rollguard.testsupport.MonitoringQueries;
import io.rollguard.testsupport.OpenMetricsText;
import io.rollguard.testsupport.PrometheusServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's and the alerts' PromQL (pipelines/monitoring/) against what Rollguard really
 * exports: a real run of the whole pipeline (the demo's regression scenario, every vertex's handler
 * and metrics) is scraped from the anomaly store's {@code /metrics}, its samples are backfilled
 * into a real Prometheus over the last 30 minutes, and every expression is evaluated there. Every
 * Rollguard metric name an expression reads must be one the code exports; the queries that show a
 * working pipeline must return data; the dashboard's gate reads FAIL for the regression.
 */
class MonitoringQueriesTest {

  /**
   * The demo run's entity (LocalRun) and the pipeline namespace the backfill gives every series.
   */
  private static final Map<String, String> VARIABLES =
      Map.of(
          "namespace",
          LocalRun.NAMESPACE,
          "app",
          LocalRun.APP,
          "pipeline_namespace",
          "rollguard",
          "__rate_interval",
          "2m");

  /**
   * Numaflow's own metrics (numa container; names from Numaflow v1.8.3's
   * docs/operations/metrics/metrics.md), which no Rollguard code exports: backfilled by hand.
   */
  private static final String NUMAFLOW_SERIES =
      "forwarder_critical_error_total{pipeline=\"rollguard\",vertex=\"window\",vertex_type=\"ReduceUDF\",replica=\"0\",reason=\"udf_error\"}"
          + " 0\n";

  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)$");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  private static String exposition;

  /** One client for every query: each HttpClient keeps a selector thread until it is collected. */
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void scrapeARealRun(@TempDir Path tmp) throws Exception {
    RollguardConfig config =
        RunConfig.build(null, LocalRun.registryDirectory(tmp), null, null, Map.of());
    LocalRun.Options options =
        new LocalRun.Options(DemoScenario.Kind.REGRESSION, 7, 2, 40, 0, null);
    try (LocalRun run = LocalRun.start(options, config)) {
      run.replay(
          new LocalRun.Progress() {
            @Override
            public void step(
                int step,
                int steps,
                long atMillis,
                AnomalyRecord stable,
                AnomalyRecord canary,
                String verdict) {}

            @Override
            public void training(TrainerStep.Attempt attempt, RunResult.ModelInfo model) {}
          });
      exposition = get(run.storeUrl() + "/metrics");
    }
    // The demo replays a scenario instead of running the source vertex: add the source's metrics
    // as its class registers them.
    PrometheusRegistry source = new PrometheusRegistry();
    new SourceMetrics(source);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new PrometheusTextFormatWriter(false).write(out, source.scrape());
    exposition += out.toString(StandardCharsets.UTF_8) + NUMAFLOW_SERIES;
  }

  @Test
  void everyRollguardMetricTheQueriesReadIsOneTheCodeExports() throws IOException {
    Set<String> exported = new TreeSet<>();
    exposition
        .lines()
        .forEach(
            l -> {
              Matcher m = SAMPLE.matcher(l);
              if (!l.startsWith("#") && m.matches()) {
                exported.add(m.group(1));
              } else if (l.startsWith("# HELP ") || l.startsWith("# TYPE ")) {
                exported.add(l.split(" ")[2]);
              }
            });
    String mainSources = mainSources();
    List<String> unknown = new ArrayList<>();
    for (MonitoringQueries.Query q : allQueries()) {
      for (String name : MonitoringQueries.metricNames(q.expr(), List.of("rollguard_"))) {
        if (name.contains(":")) {
          continue; // a recording rule of the PrometheusRule, checked by promtool in pipelines/
        }
        // Labelled counters appear in the exposition once a label set is used (an error counter
        // may not be yet); those must at least be registered under that name by the code.
        String family = name.replaceAll("_(bucket|count|sum)$", "");
        if (!exported.contains(name) && !mainSources.contains("\"" + family + "\"")) {
          unknown.add(q.source() + ": " + name);
        }
      }
    }
    assertEquals(List.of(), unknown, "metric names no Rollguard code exports");
  }

  @Test
  void everyQueryRunsOnARealPrometheusAndTheWorkingPipelineShowsData() throws Exception {
    try (PrometheusServer prometheus =
        PrometheusServer.builder().openMetrics(backfill(exposition)).start()) {
      List<String> problems = new ArrayList<>();
      Map<String, JsonNode> results = new LinkedHashMap<>();
      for (MonitoringQueries.Query q : allQueries()) {
        JsonNode answer = query(prometheus.url(), q.expr());
        if (!answer.path("status").asText().equals("success")) {
          problems.add(q.source() + ": " + answer.path("error").asText() + "\n    " + q.expr());
        } else {
          results.put(q.source(), answer.path("data").path("result"));
        }
      }
      assertEquals(List.of(), problems, "queries Prometheus refuses");

      List<String> empty = new ArrayList<>();
      results.forEach(
          (source, result) -> {
            if (mustShowData(source) && result.size() == 0) {
              empty.add(source);
            }
          });
      assertEquals(List.of(), empty, "queries that show nothing for a working pipeline");
      assertTrue(results.size() >= 45, "queries found: " + results.size());

      JsonNode gate =
          results.get(
              "Verdict (the canary judgment, per canary hash) / {{rollouts_pod_template_hash}}");
      assertEquals(1, gate.size(), gate.toString());
      assertEquals(
          "-1", gate.get(0).path("value").get(1).asText(), "the regression canary fails the gate");
    }
  }

  /** Dashboard panels that a running pipeline fills; errors and rejections may stay empty. */
  private static boolean mustShowData(String source) {
    return source.startsWith("variable ")
        || source.startsWith("Verdict ")
        || source.startsWith("Unified score")
        || source.startsWith("Canary: score per metric")
        || source.startsWith("Stable: score per metric")
        || (source.startsWith("Throughput per vertex") && !source.contains("source:"))
        || source.startsWith("Processing time p99 / preprocess")
        || source.startsWith("Processing time p99 / inference")
        || source.startsWith("Processing time p99 / postprocess")
        || source.startsWith("Bundle cache lookups")
        || source.startsWith("Anomaly store writes / {{outcome}}")
        || source.startsWith("Trainer outcomes")
        || source.startsWith("Freshness: source lag and newest score age / store")
        || source.equals("record:rollguard_vertex:messages:rate5m");
  }

  private static List<MonitoringQueries.Query> allQueries() {
    List<MonitoringQueries.Query> queries =
        new ArrayList<>(MonitoringQueries.dashboardQueries(VARIABLES));
    queries.addAll(MonitoringQueries.variableQueries(VARIABLES));
    queries.addAll(MonitoringQueries.ruleQueries());
    return queries;
  }

  /**
   * The scraped samples as 30 minutes of history at 30 s, ending now: counters (and histogram
   * parts) grow linearly to the scraped value, so rates are positive; everything else keeps its
   * value. Every Rollguard series gets the scrape's own labels, namespace and pod, as the
   * PodMonitor adds them (the scores keep the scored app's namespace: honorLabels).
   */
  static String backfill(String text) {
    Set<String> counters = new TreeSet<>();
    text.lines()
        .filter(l -> l.startsWith("# TYPE "))
        .forEach(
            l -> {
              String[] parts = l.split(" ");
              if (parts[3].equals("counter") || parts[3].equals("histogram")) {
                counters.add(parts[2]);
              }
            });
    OpenMetricsText om = new OpenMetricsText();
    long now = System.currentTimeMillis() / 1000 * 1000;
    int points = 60;
    text.lines()
        .filter(l -> !l.startsWith("#") && !l.isBlank())
        .forEach(
            line -> {
              Matcher m = SAMPLE.matcher(line.strip());
              if (!m.matches()) {
                throw new IllegalStateException("not an exposition line: " + line);
              }
              String name = m.group(1);
              Map<String, String> labels = new LinkedHashMap<>();
              if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                  labels.put(l.group(1), l.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
                }
              }
              labels.putIfAbsent("namespace", "rollguard");
              labels.putIfAbsent("pod", "rollguard-pod-0");
              double value =
                  Double.parseDouble(
                      m.group(4).replace("+Inf", "Infinity").replace("-Inf", "-Infinity"));
              boolean counter =
                  name.endsWith("_total")
                      || counters.stream().anyMatch(c -> name.startsWith(c + "_"));
              for (int i = 0; i < points; i++) {
                long t = now - (points - 1 - i) * 30_000L;
                om.gauge(name, labels, t, counter ? value * (i + 1) / points : value);
              }
            });
    return om.build();
  }

  private static JsonNode query(URI prometheus, String expr) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(prometheus.resolve("/api/v1/query"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8)))
            .build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    return new ObjectMapper().readTree(response.body());
  }

  private static String get(String url) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
  }

  /** The main Java sources of every module, for names a counter has before its first increment. */
  private static String mainSources() {
    Path repo = MonitoringQueries.repoRoot();
    StringBuilder all = new StringBuilder();
    try (Stream<Path> files = Files.walk(repo)) {
      for (Path f :
          files
              .filter(
                  p -> p.toString().endsWith(".java") && p.toString().contains("/src/main/java/"))
              .toList()) {
        all.append(Files.readString(f));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return all.toString();
  }
}
