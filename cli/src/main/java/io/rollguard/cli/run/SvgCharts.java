package io.rollguard.cli.run;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * Inline SVG charts for the run report: no script, no external resource, so the report is one file
 * that opens anywhere (and renders the same in a headless browser for screenshots).
 */
final class SvgCharts {

  /** One line of a chart; NaN values leave a gap. */
  record Series(String name, String color, long[] x, double[] y, boolean dashed) {}

  /** A vertical marker, e.g. the regression's onset. */
  record Marker(long x, String label, String color) {}

  /** A horizontal marker, e.g. the fail threshold. */
  record Threshold(double y, String label, String color) {}

  /** One stacked bar: segments in the order of the legend. */
  record Bar(long x, double[] segments) {}

  /**
   * Metric colours: none of them is a role's (stable blue, canary orange) or a verdict's (red,
   * green, grey), nor of a neighbouring hue (no brown next to the canary's orange), so a chart
   * never reads a metric as a role.
   */
  static final String[] PALETTE = {
    "#7b5cc4", "#0f766e", "#b83280", "#6b8e23", "#1a202c", "#4a5568", "#9f7aea", "#38b2ac"
  };

  private static final DateTimeFormatter HHMM =
      DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
  private static final int LEFT = 46;

  /** Room for value labels such as "1200 ms" or "512 MiB". */
  private static final int VALUE_LEFT = 72;

  private static final int RIGHT = 16;
  private static final int TOP = 14;
  private static final int BOTTOM = 34;

  private SvgCharts() {}

  /** A time chart on a fixed 0..{@code yMax} axis. */
  static String lineChart(
      int width,
      int height,
      double yMax,
      long xFrom,
      long xTo,
      List<Series> series,
      List<Marker> markers,
      List<Threshold> thresholds,
      String ariaLabel) {
    StringBuilder svg = open(width, height, ariaLabel);
    Frame f = new Frame(width, height, LEFT, xFrom, xTo, 0, yMax);
    axes(svg, f, scoreTicks(yMax), SvgCharts::plain);
    markers(svg, f, markers);
    for (Threshold t : thresholds) {
      double y = f.y(t.y());
      svg.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1.2\" stroke-dasharray=\"6 4\"/>",
              f.left,
              y,
              f.right(),
              y,
              t.color()));
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\" fill=\"%s\">%s</text>",
              f.right() - 4,
              y - 4,
              t.color(),
              HtmlReport.escape(t.label())));
    }
    for (Series s : series) {
      path(svg, f, s);
    }
    return svg.append("</svg>").toString();
  }

  /**
   * A time chart of values in a metric's unit: the axis spans the values shown (not from 0), with
   * round ticks labelled by {@code yLabel} (e.g. the verdict's unit formatting).
   */
  static String valueChart(
      int width,
      int height,
      long xFrom,
      long xTo,
      List<Series> series,
      List<Marker> markers,
      DoubleFunction<String> yLabel,
      String ariaLabel) {
    StringBuilder svg = open(width, height, ariaLabel);
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (double v : s.y()) {
        if (!Double.isNaN(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    if (lo > hi) {
      return svg.append("</svg>").toString();
    }
    List<Double> ticks = niceTicks(lo, hi);
    Frame f =
        new Frame(width, height, VALUE_LEFT, xFrom, xTo, ticks.get(0), ticks.get(ticks.size() - 1));
    axes(svg, f, ticks, yLabel);
    markers(svg, f, markers);
    for (Series s : series) {
      path(svg, f, s);
    }
    return svg.append("</svg>").toString();
  }

  /** About five round ticks (1, 2 or 5 times a power of ten) covering [lo, hi]. */
  static List<Double> niceTicks(double lo, double hi) {
    double span = hi - lo;
    if (!(span > 0)) {
      span = Math.abs(hi) > 0 ? Math.abs(hi) * 0.1 : 1;
      lo -= span / 2;
      hi += span / 2;
    }
    double raw = span / 4;
    double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    double step = magnitude * 10;
    for (double m : new double[] {1, 2, 5}) {
      if (m * magnitude >= raw) {
        step = m * magnitude;
        break;
      }
    }
    List<Double> ticks = new ArrayList<>();
    for (long k = (long) Math.floor(lo / step); k * step < hi + step; k++) {
      ticks.add(k * step);
      if (k * step >= hi) {
        break;
      }
    }
    return ticks;
  }

  private static List<Double> scoreTicks(double yMax) {
    double yStep = yMax <= 10 ? 2 : Math.ceil(yMax / 5);
    List<Double> ticks = new ArrayList<>();
    for (double v = 0; v <= yMax + 1e-9; v += yStep) {
      ticks.add(v);
    }
    return ticks;
  }

  private static String plain(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }

  private static void markers(StringBuilder svg, Frame f, List<Marker> markers) {
    for (Marker m : markers) {
      double x = f.x(m.x());
      svg.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\" fill-opacity=\"0.07\"/>",
              x,
              TOP,
              f.right() - x,
              f.plotHeight(),
              m.color()));
      svg.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-dasharray=\"4 3\"/>",
              x,
              TOP,
              x,
              TOP + f.plotHeight(),
              m.color()));
      if (!m.label().isEmpty()) {
        svg.append(
            String.format(
                Locale.ROOT,
                "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" fill=\"%s\">%s</text>",
                x + 4,
                TOP + 12,
                m.color(),
                HtmlReport.escape(m.label())));
      }
    }
  }

  /** Stacked bars on a 0..{@code yMax} axis, one bar per x. */
  static String stackedBars(
      int width, int height, double yMax, List<Bar> bars, String[] colors, String ariaLabel) {
    StringBuilder svg = open(width, height, ariaLabel);
    if (bars.isEmpty()) {
      return svg.append("</svg>").toString();
    }
    long step = bars.size() > 1 ? bars.get(1).x() - bars.get(0).x() : 60_000;
    Frame f =
        new Frame(
            width,
            height,
            LEFT,
            bars.get(0).x() - step / 2,
            bars.get(bars.size() - 1).x() + step / 2,
            0,
            yMax);
    axes(svg, f, scoreTicks(yMax), SvgCharts::plain);
    double barWidth = Math.max(2, (f.x(bars.get(0).x() + step) - f.x(bars.get(0).x())) * 0.7);
    for (Bar bar : bars) {
      double base = 0;
      double cx = f.x(bar.x());
      for (int k = 0; k < bar.segments().length; k++) {
        double v = bar.segments()[k];
        if (!(v > 0)) {
          continue;
        }
        double y0 = f.y(base);
        double y1 = f.y(Math.min(yMax, base + v));
        svg.append(
            String.format(
                Locale.ROOT,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>",
                cx - barWidth / 2,
                y1,
                barWidth,
                Math.max(0, y0 - y1),
                colors[k % colors.length]));
        base += v;
      }
    }
    return svg.append("</svg>").toString();
  }

  /** One cell of a state strip: from {@code x} until the next cell, in {@code color}. */
  record Cell(long x, String color, String title) {}

  /**
   * A thin strip of coloured cells on the same time axis as a {@link #lineChart} of the same width
   * and range, e.g. the verdict after every step.
   */
  static String strip(int width, long xFrom, long xTo, List<Cell> cells, String ariaLabel) {
    int height = 22;
    StringBuilder svg = open(width, height, ariaLabel);
    Frame f = new Frame(width, height + TOP + BOTTOM, LEFT, xFrom, xTo, 0, 1);
    for (int i = 0; i < cells.size(); i++) {
      Cell c = cells.get(i);
      long end = i + 1 < cells.size() ? cells.get(i + 1).x() : xTo;
      double x0 = Math.max(LEFT, f.x(c.x()));
      double x1 = Math.min(f.right(), f.x(end));
      if (x1 <= x0) {
        continue;
      }
      svg.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%.1f\" y=\"2\" width=\"%.1f\" height=\"%d\" fill=\"%s\" shape-rendering=\"crispEdges\">"
                  + "<title>%s</title></rect>",
              // Half a pixel of overlap, so neighbouring cells of one colour show no seam.
              x0,
              x1 - x0 + 0.5,
              height - 4,
              c.color(),
              HtmlReport.escape(c.title())));
    }
    return svg.append("</svg>").toString();
  }

  private static StringBuilder open(int width, int height, String ariaLabel) {
    return new StringBuilder(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\""
                + " aria-label=\"%s\" font-family=\"system-ui, sans-serif\">",
            width,
            height,
            width,
            height,
            HtmlReport.escape(ariaLabel)));
  }

  private static void axes(
      StringBuilder svg, Frame f, List<Double> yTicks, DoubleFunction<String> yLabel) {
    for (double v : yTicks) {
      double y = f.y(v);
      svg.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e2e8f0\"/>",
              f.left,
              y,
              f.right(),
              y));
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\" fill=\"#4a5568\">%s</text>",
              f.left - 6,
              y + 4,
              HtmlReport.escape(yLabel.apply(v))));
    }
    long span = Math.max(1, f.xTo - f.xFrom);
    long tick = niceTick(span);
    long firstTick = Math.floorDiv(f.xFrom + tick - 1, tick) * tick;
    for (long t = firstTick; t <= f.xTo; t += tick) {
      double x = f.x(t);
      svg.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#a0aec0\"/>",
              x,
              TOP + f.plotHeight(),
              x,
              TOP + f.plotHeight() + 4));
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\" fill=\"#4a5568\">%s</text>",
              x,
              TOP + f.plotHeight() + 17,
              HHMM.format(Instant.ofEpochMilli(t))));
    }
    svg.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#a0aec0\"/>",
            f.left,
            TOP + f.plotHeight(),
            f.right(),
            TOP + f.plotHeight()));
  }

  /** 5, 10, 15, 30 or 60 minutes (or whole hours), about eight ticks across. */
  private static long niceTick(long spanMillis) {
    long minute = 60_000;
    for (long candidate : new long[] {5, 10, 15, 30, 60, 120, 240, 360, 720, 1440}) {
      if (spanMillis / (candidate * minute) <= 8) {
        return candidate * minute;
      }
    }
    return 1440 * minute;
  }

  private static void path(StringBuilder svg, Frame f, Series s) {
    StringBuilder d = new StringBuilder();
    boolean pen = false;
    for (int i = 0; i < s.x().length; i++) {
      double v = s.y()[i];
      if (Double.isNaN(v)) {
        pen = false;
        continue;
      }
      d.append(String.format(Locale.ROOT, "%s%.1f %.1f ", pen ? "L" : "M", f.x(s.x()[i]), f.y(v)));
      pen = true;
    }
    svg.append(
        String.format(
            Locale.ROOT,
            "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" stroke-linejoin=\"round\"%s>"
                + "<title>%s</title></path>",
            d.toString().trim(),
            s.color(),
            s.dashed() ? " stroke-dasharray=\"5 3\"" : "",
            HtmlReport.escape(s.name())));
  }

  private static final class Frame {
    final int width;
    final int height;
    final int left;
    final long xFrom;
    final long xTo;
    final double yMin;
    final double yMax;

    Frame(int width, int height, int left, long xFrom, long xTo, double yMin, double yMax) {
      this.width = width;
      this.height = height;
      this.left = left;
      this.xFrom = xFrom;
      this.xTo = Math.max(xTo, xFrom + 1);
      this.yMin = yMin;
      this.yMax = yMax > yMin ? yMax : yMin + 1;
    }

    int right() {
      return width - RIGHT;
    }

    int plotHeight() {
      return height - TOP - BOTTOM;
    }

    double x(long t) {
      return left + (right() - left) * (double) (t - xFrom) / (xTo - xFrom);
    }

    double y(double v) {
      double clamped = Math.max(yMin, Math.min(yMax, v));
      return TOP + plotHeight() * (1 - (clamped - yMin) / (yMax - yMin));
    }
  }
}
