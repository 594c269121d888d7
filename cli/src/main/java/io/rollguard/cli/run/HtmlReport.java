package io.rollguard.cli.run;

import io.rollguard.common.config.Durations;
import io.rollguard.common.payload.AnomalyRecord;
import io.rollguard.common.payload.ScoringKey;
import io.rollguard.store.AnomalyScoreCollector;
import io.rollguard.store.Verdict;
import io.rollguard.store.verdict.MetricJudgment;
import io.rollguard.store.verdict.MetricUnits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The run's report: one self-contained HTML file (inline CSS and SVG, no script, nothing fetched)
 * with the verdict and why, the unified scores of stable and canary over time, every metric's
 * values (in its unit) and score per role, and the attribution of the canary's last windows.
 */
final class HtmlReport {

  static final String STABLE_COLOR = "#2b6cb0";
  static final String CANARY_COLOR = "#dd6b20";
  static final String FAIL_COLOR = "#c53030";
  static final String PASS_COLOR = "#38a169";
  static final String INCONCLUSIVE_COLOR = "#cbd5e0";

  /** Windows shown in the attribution chart: the last quarter hour at the default step. */
  static final int ATTRIBUTION_WINDOWS = 15;

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter HHMM =
      DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);

  private HtmlReport() {}

  static void write(RunResult run, String commandLine, Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, render(run, commandLine), StandardCharsets.UTF_8);
  }

  static String render(RunResult run, String commandLine) {
    Verdict v = run.verdict();
    ScoringKey canary = run.source().canaryKey();
    ScoringKey stableKey = run.source().stableKey();
    List<AnomalyRecord> stable = run.timeline().stable();
    List<AnomalyRecord> canaryRecords = run.timeline().canary();
    StringBuilder html = new StringBuilder(64 * 1024);
    html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>Rollguard run: ")
        .append(escape(v.verdict()))
        .append("</title>")
        .append("<style>")
        .append(CSS)
        .append("</style></head><body>\n");
    html.append("<h1>Rollguard local run</h1>\n<p class=\"sub\">")
        .append(escape(canary.namespace() + "/" + canary.app()))
        .append(" &middot; <b>")
        .append(escape(run.source().label()))
        .append("</b> &middot; ")
        .append(escape(run.source().description()))
        .append("</p>\n");

    verdictBox(html, run);

    long from = Long.MAX_VALUE;
    long to = Long.MIN_VALUE;
    for (AnomalyRecord r : concat(stable, canaryRecords)) {
      from = Math.min(from, r.timestamp());
      to = Math.max(to, r.timestamp());
    }
    if (from > to) {
      html.append("<p>No window was scored.</p>");
    } else {
      List<SvgCharts.Marker> markers = onsetMarker(run);
      html.append(
              "<h2>Unified anomaly score</h2>\n<p class=\"note\">0 = typical, 5 = at the calibrated alert"
                  + " threshold, 10 = far beyond. One score per closed window (")
          .append(slide(run.source().stepMillis()))
          .append(
              " slide). The verdict compares the canary's"
                  + " values with the stable's, metric by metric, over the last ")
          .append(escape(Durations.format(run.verdictSettings().interval())))
          .append("; a metric counts as worse only when the model's score of it also reaches ")
          .append(fmt(run.verdictSettings().modelScore()))
          .append(".</p>\n");
      legend(
          html,
          new String[] {
            "stable " + (stableKey == null ? "(none)" : stableKey.podTemplateHash()),
            "canary " + canary.podTemplateHash()
          },
          new String[] {STABLE_COLOR, CANARY_COLOR});
      html.append(
          SvgCharts.lineChart(
              1100,
              280,
              10,
              from,
              to,
              List.of(
                  series("stable", STABLE_COLOR, stable, AnomalyRecord::unifiedScore),
                  series("canary", CANARY_COLOR, canaryRecords, AnomalyRecord::unifiedScore)),
              markers,
              List.of(
                  new SvgCharts.Threshold(
                      run.verdictSettings().modelScore(),
                      "model threshold " + fmt(run.verdictSettings().modelScore()),
                      "#718096")),
              "unified anomaly score of stable and canary over time"));

      verdictStrip(html, run, from, to);

      // The attribution answers "why" right under the verdict's chart; the per-metric detail
      // follows.
      attribution(html, run, canaryRecords);

      List<SvgCharts.Marker> unlabelled = new ArrayList<>();
      for (SvgCharts.Marker m : markers) {
        unlabelled.add(new SvgCharts.Marker(m.x(), "", m.color()));
      }
      long start = from;
      long end = to;
      metricGrid(
          html,
          "Per-metric values",
          "What the verdict compares: each step's value in the metric's unit.",
          run.metrics(),
          metric ->
              SvgCharts.valueChart(
                  540,
                  140,
                  start,
                  end,
                  List.of(
                      series(metric + " stable", STABLE_COLOR, stable, r -> newestValue(r, metric)),
                      series(
                          metric + " canary",
                          CANARY_COLOR,
                          canaryRecords,
                          r -> newestValue(r, metric))),
                  unlabelled,
                  amount -> MetricUnits.format(amount, run.units().get(metric)),
                  metric + " values of stable and canary over time"));
      metricGrid(
          html,
          "Per-metric scores",
          "The model's score of each metric, 0-10.",
          run.metrics(),
          metric ->
              SvgCharts.lineChart(
                  540,
                  140,
                  10,
                  start,
                  end,
                  List.of(
                      series(
                          metric + " stable",
                          STABLE_COLOR,
                          stable,
                          r -> r.metricScores().get(metric)),
                      series(
                          metric + " canary",
                          CANARY_COLOR,
                          canaryRecords,
                          r -> r.metricScores().get(metric))),
                  unlabelled,
                  List.of(),
                  metric + " score of stable and canary over time"));
      lastWindowsTable(html, run, canaryRecords);
    }

    details(html, run, commandLine);
    html.append("</body></html>\n");
    return html.toString();
  }

  private static void verdictBox(StringBuilder html, RunResult run) {
    Verdict v = run.verdict();
    String css =
        switch (v.verdict()) {
          case Verdict.FAIL -> "fail";
          case Verdict.PASS -> "pass";
          default -> "inconclusive";
        };
    html.append("<div class=\"verdict ")
        .append(css)
        .append("\"><div class=\"word\">")
        .append(escape(v.verdict().toUpperCase(Locale.ROOT)))
        .append("</div><div><div class=\"reason\">")
        .append(escape(v.reason()))
        .append("</div><div class=\"scores\">score ")
        .append(v.score() == null ? "&ndash;" : String.format(Locale.ROOT, "%.0f/100", v.score()))
        .append(v.band() == null ? "" : " (" + escape(v.band()) + " band)")
        .append(" &middot; model score: canary median ")
        .append(fmt(v.canary() == null ? null : v.canary().unifiedScore()))
        .append(", stable median ")
        .append(fmt(v.stable() == null ? null : v.stable().unifiedScore()))
        .append(" &middot; interval ")
        .append(escape(HHMM.format(Instant.ofEpochMilli(v.from()))))
        .append("&ndash;")
        .append(escape(HHMM.format(Instant.ofEpochMilli(v.to()))))
        .append(" UTC");
    RunTimeline.VerdictPoint firstFail = run.timeline().first(Verdict.FAIL);
    if (firstFail != null) {
      html.append(" &middot; first <b>fail</b> at ")
          .append(escape(HHMM.format(Instant.ofEpochMilli(firstFail.atMillis()))));
      long onset = run.source().regressionOnsetMillis();
      if (onset >= 0) {
        html.append(" (")
            .append((firstFail.atMillis() - onset) / 60_000)
            .append(" min after the regression began)");
      }
    }
    html.append("</div></div></div>\n");
    if (!v.metrics().isEmpty()) {
      html.append(
          "<table class=\"top\"><tr><th>metric</th><th>canary vs"
              + " stable</th><th>canary</th><th>stable</th><th>change</th><th>effect (noise"
              + " sd)</th><th>p</th><th>model score canary / stable</th><th>blame</th></tr>");
      for (MetricJudgment m : v.metrics()) {
        html.append("<tr")
            .append(m.worse() ? " class=\"worse\"" : "")
            .append("><td>")
            .append(escape(m.metric()))
            .append("</td><td>")
            .append(escape(m.classification()))
            .append(m.critical() ? " (critical)" : "")
            .append("</td><td>")
            .append(value(m.canaryValue(), m.unit()))
            .append("</td><td>")
            .append(value(m.stableValue(), m.unit()))
            .append("</td><td>")
            .append(m.relativeChange() == null ? "&ndash;" : change(m.relativeChange()))
            .append("</td><td>")
            .append(m.effect() == null ? "&ndash;" : String.format(Locale.ROOT, "%.1f", m.effect()))
            .append("</td><td>")
            .append(m.pValue() == null ? "&ndash;" : String.format(Locale.ROOT, "%.3g", m.pValue()))
            .append("</td><td>")
            .append(fmt(m.canaryScore()))
            .append(" / ")
            .append(fmt(m.stableScore()))
            .append("</td><td>")
            .append(String.format(Locale.ROOT, "%.0f%%", 100 * m.share()))
            .append("</td></tr>");
      }
      html.append("</table>\n");
    }
  }

  private static String change(double relative) {
    long rounded = Math.round(100 * relative);
    return rounded == 0 ? "&plusmn;0%" : String.format(Locale.ROOT, "%+d%%", rounded);
  }

  private static String value(Double v, String unit) {
    return v == null ? "&ndash;" : escape(MetricUnits.format(v, unit));
  }

  /**
   * The verdict the endpoint gave after every step: what an analysis polling it would have seen.
   */
  private static void verdictStrip(StringBuilder html, RunResult run, long from, long to) {
    List<SvgCharts.Cell> cells = new ArrayList<>();
    for (RunTimeline.VerdictPoint p : run.timeline().verdicts()) {
      if (p.atMillis() < from || p.atMillis() > to) {
        continue;
      }
      String color =
          switch (p.verdict()) {
            case Verdict.FAIL -> FAIL_COLOR;
            case Verdict.PASS -> PASS_COLOR;
            default -> INCONCLUSIVE_COLOR;
          };
      cells.add(
          new SvgCharts.Cell(
              p.atMillis(),
              color,
              HHMM.format(Instant.ofEpochMilli(p.atMillis())) + " " + p.verdict()));
    }
    html.append("<div class=\"legend\">verdict after each step: <span><i style=\"background:")
        .append(PASS_COLOR)
        .append("\"></i>pass</span><span><i style=\"background:")
        .append(FAIL_COLOR)
        .append("\"></i>fail</span><span><i style=\"background:")
        .append(INCONCLUSIVE_COLOR)
        .append("\"></i>inconclusive</span></div>\n");
    html.append(SvgCharts.strip(1100, from, to, cells, "verdict after each step"));
  }

  private static void attribution(StringBuilder html, RunResult run, List<AnomalyRecord> canary) {
    List<AnomalyRecord> last =
        canary.subList(Math.max(0, canary.size() - ATTRIBUTION_WINDOWS), canary.size());
    html.append("<h2>Attribution of the canary's last ")
        .append(last.size())
        .append(" windows</h2>\n")
        .append(
            "<p class=\"note\">Bar height = unified score; each colour is one metric's share of it.</p>\n");
    String[] colors = new String[run.metrics().size()];
    for (int k = 0; k < colors.length; k++) {
      colors[k] = SvgCharts.PALETTE[k % SvgCharts.PALETTE.length];
    }
    legend(html, run.metrics().toArray(new String[0]), colors);
    List<SvgCharts.Bar> bars = new ArrayList<>();
    for (AnomalyRecord r : last) {
      double[] segments = new double[run.metrics().size()];
      for (int k = 0; k < segments.length; k++) {
        Double share = r.attribution().get(run.metrics().get(k));
        segments[k] = share == null ? 0 : share * r.unifiedScore();
      }
      bars.add(new SvgCharts.Bar(r.timestamp(), segments));
    }
    html.append(
        SvgCharts.stackedBars(
            1100, 240, 10, bars, colors, "attribution of the canary's last windows"));
  }

  /** The newest canary windows with every metric's score and share. */
  private static void lastWindowsTable(
      StringBuilder html, RunResult run, List<AnomalyRecord> canary) {
    List<AnomalyRecord> last = canary.subList(Math.max(0, canary.size() - 5), canary.size());
    html.append("<h2>The canary's last windows</h2>\n");
    html.append("<table class=\"attr\"><tr><th>window end</th><th>unified</th><th>source</th>");
    for (String m : run.metrics()) {
      html.append("<th>").append(escape(m)).append("</th>");
    }
    html.append("</tr>");
    for (int i = last.size() - 1; i >= 0; i--) {
      AnomalyRecord r = last.get(i);
      html.append("<tr><td>")
          .append(escape(HHMM.format(Instant.ofEpochMilli(r.timestamp()))))
          .append("</td><td>")
          .append(fmt(r.unifiedScore()))
          .append("</td><td>")
          .append(escape(r.source().name().toLowerCase(Locale.ROOT)))
          .append("</td>");
      for (String m : run.metrics()) {
        Double share = r.attribution().get(m);
        Double score = r.metricScores().get(m);
        html.append("<td>")
            .append(fmt(score))
            .append(
                share == null
                    ? ""
                    : String.format(
                        Locale.ROOT, " <span class=\"share\">(%.0f%%)</span>", 100 * share))
            .append("</td>");
      }
      html.append("</tr>");
    }
    html.append(
        "</table>\n<p class=\"note\">Newest first; per metric: score (share of the unified score).</p>\n");
  }

  private static void details(StringBuilder html, RunResult run, String commandLine) {
    html.append("<h2>Run</h2>\n<table class=\"details\">");
    ScoringKey canary = run.source().canaryKey();
    ScoringKey stable = run.source().stableKey();
    row(
        html,
        "scoring keys",
        escape(stable == null ? "no stable" : stable.toString())
            + "<br>"
            + escape(canary.toString()),
        false);
    row(
        html,
        "replayed",
        TIME.format(Instant.ofEpochMilli(run.source().timestampOf(0)))
            + ", "
            + run.source().steps()
            + " steps of "
            + run.source().stepMillis() / 1000
            + " s",
        true);
    RunResult.ModelInfo m = run.model();
    if (m != null) {
      row(
          html,
          "model",
          m.kind()
              + " bundle "
              + m.version()
              + ", trained on "
              + m.rows()
              + " rows ("
              + TIME.format(Instant.ofEpochMilli(m.firstMillis()))
              + " to "
              + TIME.format(Instant.ofEpochMilli(m.lastMillis()))
              + ") in "
              + String.format(Locale.ROOT, "%.1f s", m.trainMillis() / 1000.0),
          true);
    } else {
      row(html, "model", "none: every window was scored with the fallback", true);
    }
    StringBuilder trainings = new StringBuilder();
    for (TrainerStep.Attempt a : run.trainings()) {
      trainings
          .append(HHMM.format(Instant.ofEpochMilli(a.atMillis())))
          .append(" ")
          .append(a.entity())
          .append(": ")
          .append(a.outcome().label())
          .append(String.format(Locale.ROOT, " (%.1f s)", a.seconds()))
          .append("; ");
    }
    row(html, "trainer", trainings.length() == 0 ? "no train request" : trainings.toString(), true);
    row(html, "vertices", run.pipelineSummary(), true);
    row(html, "backends", run.backends(), true);
    row(
        html,
        "store API",
        run.storeUrl()
            + "/api/v1/verdict?namespace="
            + canary.namespace()
            + "&app="
            + canary.app()
            + "&hash="
            + canary.podTemplateHash()
            + " and "
            + run.storeUrl()
            + "/metrics (while the run served them)",
        true);
    row(
        html,
        "/metrics",
        run.scoreSeries() + " " + AnomalyScoreCollector.SCORE + " series at the end of the run",
        true);
    row(html, "wall time", String.format(Locale.ROOT, "%.1f s", run.wallSeconds()), true);
    row(html, "command", commandLine, true);
    html.append("</table>\n");
  }

  private static void row(StringBuilder html, String name, String value, boolean escapeValue) {
    html.append("<tr><th>")
        .append(escape(name))
        .append("</th><td>")
        .append(escapeValue ? escape(value) : value)
        .append("</td></tr>");
  }

  private static List<SvgCharts.Marker> onsetMarker(RunResult run) {
    long onset = run.source().regressionOnsetMillis();
    if (onset < 0) {
      return List.of();
    }
    return List.of(new SvgCharts.Marker(onset, "regression injected", FAIL_COLOR));
  }

  /** One chart per metric in a two-column grid under a heading. */
  private static void metricGrid(
      StringBuilder html,
      String heading,
      String note,
      List<String> metrics,
      Function<String, String> chart) {
    html.append("<h2>")
        .append(escape(heading))
        .append("</h2>\n<p class=\"note\">")
        .append(escape(note))
        .append(" Blue = stable, orange = canary.</p>\n<div class=\"grid\">");
    for (String metric : metrics) {
      html.append("<div><h3>")
          .append(escape(metric))
          .append("</h3>")
          .append(chart.apply(metric))
          .append("</div>");
    }
    html.append("</div>\n");
  }

  /** A metric's newest-row value in its configured unit; null when the record has none. */
  private static Double newestValue(AnomalyRecord r, String metric) {
    return r.values() == null ? null : r.values().get(metric);
  }

  /** One number per record ({@code of} null: none, a gap). */
  private static SvgCharts.Series series(
      String name, String color, List<AnomalyRecord> records, Function<AnomalyRecord, Double> of) {
    long[] x = new long[records.size()];
    double[] y = new double[records.size()];
    for (int i = 0; i < records.size(); i++) {
      AnomalyRecord r = records.get(i);
      x[i] = r.timestamp();
      Double v = of.apply(r);
      y[i] = v == null ? Double.NaN : v;
    }
    return new SvgCharts.Series(name, color, x, y, false);
  }

  private static void legend(StringBuilder html, String[] names, String[] colors) {
    html.append("<div class=\"legend\">");
    for (int i = 0; i < names.length; i++) {
      html.append("<span><i style=\"background:")
          .append(colors[i])
          .append("\"></i>")
          .append(escape(names[i]))
          .append("</span>");
    }
    html.append("</div>\n");
  }

  private static List<AnomalyRecord> concat(List<AnomalyRecord> a, List<AnomalyRecord> b) {
    List<AnomalyRecord> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static String slide(long stepMillis) {
    return stepMillis % 60_000 == 0
        ? stepMillis / 60_000 + "-minute"
        : stepMillis / 1000 + "-second";
  }

  static String fmt(Double v) {
    return v == null ? "&ndash;" : String.format(Locale.ROOT, "%.2f", v);
  }

  static String fmt(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  static String escape(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static final String CSS =
      String.join(
          "",
          "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px 32px;color:#1a202c;max-width:1120px}",
          "h1{margin:0 0 4px;font-size:24px}h2{font-size:17px;margin:26px 0 6px}h3{font-size:13px;margin:8px 0 2px;color:#2d3748}",
          ".sub{color:#4a5568;margin:0 0 16px}.note{color:#4a5568;font-size:13px;margin:2px 0 6px}",
          ".verdict{display:flex;gap:18px;align-items:center;border-radius:8px;padding:14px 18px;margin:10px 0}",
          ".verdict .word{font-size:30px;font-weight:700;letter-spacing:1px;min-width:150px}",
          ".verdict .reason{font-size:16px;font-weight:600}.verdict .scores{font-size:13px;margin-top:4px}",
          ".fail{background:#fff5f5;border:2px solid #c53030;color:#742a2a}",
          ".pass{background:#f0fff4;border:2px solid #2f855a;color:#22543d}",
          ".inconclusive{background:#fffff0;border:2px solid #b7791f;color:#744210}",
          "table{border-collapse:collapse;font-size:13px;margin:6px 0}th,td{border:1px solid #e2e8f0;padding:4px 8px;text-align:left}",
          "th{background:#f7fafc}.details th{width:130px;vertical-align:top}.share{color:#718096}",
          "tr.worse td{background:#fff5f5;font-weight:600}",
          ".legend{font-size:12px;margin:2px 0}.legend span{margin-right:14px}",
          ".legend i{display:inline-block;width:12px;height:12px;margin-right:5px;vertical-align:-1px;border-radius:2px}",
          ".grid{display:grid;grid-template-columns:1fr 1fr;gap:4px 20px}");
}
