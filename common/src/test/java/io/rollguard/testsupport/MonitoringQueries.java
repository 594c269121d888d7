package io.rollguard.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PromQL of {@code pipelines/monitoring/}: the PrometheusRule's rules and the Grafana
 * dashboard's queries (panel targets and template variables), with the dashboard's variables filled
 * in, for tests that check them with promtool and evaluate them on a real Prometheus.
 */
public final class MonitoringQueries {

  /** One expression and where it comes from (rule name, or panel title and legend). */
  public record Query(String source, String expr) {}

  public static final String RULE_FILE = "pipelines/monitoring/prometheusrule.yaml";
  public static final String DASHBOARD_FILE = "pipelines/monitoring/rollguard-dashboard.json";

  private static final Pattern LABEL_VALUES =
      Pattern.compile("label_values\\((.*),\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\)");
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  private MonitoringQueries() {}

  /** The repository root (the build passes it as {@code rollguard.repo.root}). */
  public static Path repoRoot() {
    String root = System.getProperty("rollguard.repo.root");
    if (root == null || root.isBlank()) {
      throw new IllegalStateException(
          "the build passes the repository root as -Drollguard.repo.root");
    }
    return Path.of(root);
  }

  /** The PrometheusRule manifest. */
  public static JsonNode prometheusRule() {
    return read(new YAMLMapper(), RULE_FILE);
  }

  /** The PrometheusRule's {@code spec} as a Prometheus rules file ({@code groups:}). */
  public static String rulesFile() {
    ObjectNode file = new ObjectMapper().createObjectNode();
    file.set("groups", prometheusRule().path("spec").path("groups"));
    try {
      return new YAMLMapper().writeValueAsString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every rule's expression, named {@code alert:<name>} or {@code record:<name>}. */
  public static List<Query> ruleQueries() {
    List<Query> queries = new ArrayList<>();
    for (JsonNode group : prometheusRule().path("spec").path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        String name =
            rule.has("alert")
                ? "alert:" + rule.path("alert").asText()
                : "record:" + rule.path("record").asText();
        queries.add(new Query(name, rule.path("expr").asText()));
      }
    }
    return queries;
  }

  public static JsonNode dashboard() {
    return read(new ObjectMapper(), DASHBOARD_FILE);
  }

  /**
   * Every panel target's expression with {@code variables} substituted ({@code $name} and {@code
   * ${name}}; Grafana's {@code $__rate_interval} must be among them).
   */
  public static List<Query> dashboardQueries(Map<String, String> variables) {
    List<Query> queries = new ArrayList<>();
    for (JsonNode panel : dashboard().path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        queries.add(
            new Query(
                panel.path("title").asText() + " / " + target.path("legendFormat").asText(),
                substitute(target.path("expr").asText(), variables)));
      }
    }
    return queries;
  }

  /**
   * The series selectors of the dashboard's {@code label_values(selector, label)} variables, as
   * {@code count by (label) (selector)}: non-empty exactly when the variable has values.
   */
  public static List<Query> variableQueries(Map<String, String> variables) {
    List<Query> queries = new ArrayList<>();
    for (JsonNode variable : dashboard().path("templating").path("list")) {
      if (!variable.path("type").asText().equals("query")) {
        continue;
      }
      String definition = variable.path("query").path("query").asText();
      Matcher m = LABEL_VALUES.matcher(definition);
      if (!m.matches()) {
        throw new IllegalStateException(
            "variable "
                + variable.path("name").asText()
                + ": not label_values(selector, label): "
                + definition);
      }
      queries.add(
          new Query(
              "variable " + variable.path("name").asText(),
              "count by (" + m.group(2) + ") (" + substitute(m.group(1), variables) + ")"));
    }
    return queries;
  }

  /** Metric names an expression reads: identifiers starting with one of {@code prefixes}. */
  public static Set<String> metricNames(String expr, List<String> prefixes) {
    Set<String> names = new LinkedHashSet<>();
    // Strings ("...") hold label values, not names.
    Matcher m = NAME.matcher(expr.replaceAll("\"[^\"]*\"", "\"\""));
    while (m.find()) {
      String token = m.group();
      if (prefixes.stream().anyMatch(token::startsWith)) {
        names.add(token);
      }
    }
    return names;
  }

  static String substitute(String expr, Map<String, String> variables) {
    String result = expr;
    // Longest names first, so that $app does not eat the start of $application.
    List<String> names = new ArrayList<>(variables.keySet());
    names.sort((a, b) -> b.length() - a.length());
    for (String name : names) {
      result =
          result
              .replace("${" + name + "}", variables.get(name))
              .replace("$" + name, variables.get(name));
    }
    if (result.contains("$")) {
      throw new IllegalStateException("unsubstituted variable in: " + result);
    }
    return result;
  }

  private static JsonNode read(ObjectMapper mapper, String relative) {
    try {
      return mapper.readTree(repoRoot().resolve(relative).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + relative, e);
    }
  }
}
