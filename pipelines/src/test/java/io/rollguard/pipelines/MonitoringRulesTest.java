package io.rollguard.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.rollguard.testsupport.ExternalBinary;
import io.rollguard.testsupport.MonitoringQueries;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alert rules and the dashboard's queries in {@code pipelines/monitoring/}, checked by
 * Prometheus' own tools: {@code promtool check rules} parses every expression (the dashboard's as
 * recording rules), {@code promtool test rules} unit-tests every alert, firing and silent. That the
 * names and labels are the ones the vertices export is checked in the cli module
 * (MonitoringQueriesTest), which evaluates every expression on a real Prometheus holding the
 * metrics of a real run.
 */
class MonitoringRulesTest {

  /** Values for the dashboard's variables (any valid values do for a syntax check). */
  static final Map<String, String> VARIABLES =
      Map.of(
          "namespace",
          "shop",
          "app",
          "checkout",
          "pipeline_namespace",
          "rollguard",
          "__rate_interval",
          "2m",
          "datasource",
          "prometheus");

  @Test
  void promtoolAcceptsTheRules(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("rules.yaml"), MonitoringQueries.rulesFile());
    Result r = promtool(dir, "check", "rules", "rules.yaml");
    assertEquals(0, r.exitCode(), r.output());
    assertTrue(
        r.output().contains("SUCCESS: " + MonitoringQueries.ruleQueries().size() + " rules found"),
        r.output());
  }

  @Test
  void promtoolUnitTestsEveryAlert(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("rules.yaml"), MonitoringQueries.rulesFile());
    Files.writeString(dir.resolve("alerts.test.yaml"), alertTests());
    Result r = promtool(dir, "test", "rules", "alerts.test.yaml");
    assertEquals(0, r.exitCode(), r.output());

    Set<String> alerts = new TreeSet<>(alertNames());
    Set<String> firing = new TreeSet<>();
    Set<String> silent = new TreeSet<>();
    for (JsonNode test : Yaml.documents(alertTests(), "alerts.test.yaml").get(0).path("tests")) {
      for (JsonNode t : test.path("alert_rule_test")) {
        (t.path("exp_alerts").size() > 0 ? firing : silent).add(t.path("alertname").asText());
      }
    }
    assertEquals(alerts, firing, "every alert has a case where it fires");
    assertEquals(alerts, silent, "every alert has a case where it stays silent");
  }

  /** Each alert says what happened and where the runbook is; the runbook section exists. */
  @Test
  void everyAlertHasASummaryADescriptionAndARunbookThatExists() throws Exception {
    String operations = Files.readString(ProjectLayout.repoRoot().resolve("docs/operations.md"));
    Set<String> anchors = new HashSet<>();
    operations
        .lines()
        .filter(l -> l.startsWith("#"))
        .forEach(
            l ->
                anchors.add(
                    l.replaceFirst("^#+\\s*", "")
                        .strip()
                        .toLowerCase(Locale.ROOT)
                        .replaceAll("[^a-z0-9 -]", "")
                        .replace(' ', '-')));
    List<String> problems = new ArrayList<>();
    for (JsonNode group : MonitoringQueries.prometheusRule().path("spec").path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        if (!rule.has("alert")) {
          continue;
        }
        String name = rule.path("alert").asText();
        JsonNode a = rule.path("annotations");
        if (a.path("summary").asText().isBlank() || a.path("description").asText().isBlank()) {
          problems.add(name + ": needs a summary and a description");
        }
        String runbook = a.path("runbook").asText();
        if (!runbook.equals("docs/operations.md#" + name.toLowerCase(Locale.ROOT))) {
          problems.add(
              name
                  + ": runbook must be docs/operations.md#"
                  + name.toLowerCase(Locale.ROOT)
                  + ", got "
                  + runbook);
        } else if (!anchors.contains(name.toLowerCase(Locale.ROOT))) {
          problems.add(name + ": docs/operations.md has no section '" + name + "'");
        }
        if (!Set.of("warning", "critical")
            .contains(rule.path("labels").path("severity").asText())) {
          problems.add(name + ": severity must be warning or critical");
        }
      }
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void promtoolAcceptsEveryDashboardQuery(@TempDir Path dir) throws Exception {
    List<MonitoringQueries.Query> queries =
        new ArrayList<>(MonitoringQueries.dashboardQueries(VARIABLES));
    queries.addAll(MonitoringQueries.variableQueries(VARIABLES));
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
    int i = 0;
    for (MonitoringQueries.Query q : queries) {
      rules
          .append("      - record: dashboard_query_")
          .append(i++)
          .append("\n        expr: ")
          .append(
              Yaml.MAPPER
                  .writeValueAsString(q.expr())
                  .replaceFirst("^---\\s*", "")
                  .strip()
                  .replace("\n", "\n          "))
          .append('\n');
    }
    Files.writeString(dir.resolve("dashboard.rules.yaml"), rules.toString());
    Result r = promtool(dir, "check", "rules", "dashboard.rules.yaml");
    assertEquals(0, r.exitCode(), r.output() + "\n" + rules);
    assertTrue(r.output().contains("SUCCESS: " + queries.size() + " rules found"), r.output());
    assertTrue(queries.size() >= 30, "the dashboard's queries were found: " + queries.size());
  }

  /** The dashboard is importable: unique panel ids, every query on the selectable data source. */
  @Test
  void theDashboardIsWellFormed() {
    JsonNode dashboard = MonitoringQueries.dashboard();
    assertEquals("rollguard", dashboard.path("uid").asText());
    Set<Integer> ids = new HashSet<>();
    Map<String, Integer> titles = new LinkedHashMap<>();
    for (JsonNode panel : dashboard.path("panels")) {
      assertTrue(ids.add(panel.path("id").asInt()), "duplicate panel id " + panel.path("id"));
      titles.merge(panel.path("title").asText(), 1, Integer::sum);
      assertTrue(
          panel.path("gridPos").has("w") && panel.path("gridPos").has("h"),
          panel.path("title").asText());
      for (JsonNode target : panel.path("targets")) {
        assertEquals(
            "${datasource}",
            target.path("datasource").path("uid").asText(),
            panel.path("title").asText());
      }
    }
    titles.forEach((t, n) -> assertEquals(1, n, "duplicate panel title " + t));
    Set<String> variables = new TreeSet<>();
    dashboard.path("templating").path("list").forEach(v -> variables.add(v.path("name").asText()));
    // No score threshold variable: the gate panel reads rollguard_canary_verdict, the one judgment.
    assertEquals(Set.of("datasource", "namespace", "app", "pipeline_namespace"), variables);
  }

  private static List<String> alertNames() {
    List<String> names = new ArrayList<>();
    MonitoringQueries.ruleQueries()
        .forEach(
            q -> {
              if (q.source().startsWith("alert:")) {
                names.add(q.source().substring("alert:".length()));
              }
            });
    return names;
  }

  private static String alertTests() throws Exception {
    try (InputStream in =
        MonitoringRulesTest.class.getResourceAsStream("/monitoring/alerts.test.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  record Result(int exitCode, String output) {}

  static Result promtool(Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(ExternalBinary.require("promtool").toString());
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
    return new Result(p.exitValue(), output);
  }
}
