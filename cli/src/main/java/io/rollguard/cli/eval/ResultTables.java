package io.rollguard.cli.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Markdown tables of evaluation results: a summary per detector and a per-entity table each. */
public final class ResultTables {

  private ResultTables() {}

  /**
   * Macro means over entities; segments and detections summed; delay pooled over detected segments.
   */
  public record Mean(
      String detector,
      int entities,
      double precision,
      double recall,
      double f1,
      double bestF1,
      double auprc,
      int detected,
      int segments,
      double falseAlarmRunsPerDay,
      double meanDelay,
      double trainMillis,
      double hitRate100,
      double hitRate150) {}

  public static Mean mean(String detector, List<EntityResult> rows) {
    int n = rows.size();
    double p = 0, r = 0, f = 0, b = 0, a = 0, fa = 0, tr = 0;
    int det = 0, seg = 0;
    double hr100 = 0, hr150 = 0;
    int hrCount = 0;
    long delaySum = 0;
    int delayCount = 0;
    for (EntityResult e : rows) {
      p += e.point().precision();
      r += e.point().recall();
      f += e.point().f1();
      b += e.bestF1();
      a += e.auprc();
      fa += e.events().falseAlarmRunsPerDay();
      tr += e.trainMillis();
      det += e.events().detected();
      if (!Double.isNaN(e.hitRate100())) {
        hr100 += e.hitRate100();
        hr150 += e.hitRate150();
        hrCount++;
      }
      seg += e.events().segments();
      for (int d : e.events().delays()) {
        delaySum += d;
        delayCount++;
      }
    }
    return new Mean(
        detector,
        n,
        p / n,
        r / n,
        f / n,
        b / n,
        a / n,
        det,
        seg,
        fa / n,
        delayCount == 0 ? Double.NaN : delaySum / (double) delayCount,
        tr / n,
        hrCount == 0 ? Double.NaN : hr100 / hrCount,
        hrCount == 0 ? Double.NaN : hr150 / hrCount);
  }

  public static Map<String, List<EntityResult>> byDetector(List<EntityResult> results) {
    Map<String, List<EntityResult>> out = new LinkedHashMap<>();
    for (EntityResult e : results) {
      out.computeIfAbsent(e.detector(), k -> new ArrayList<>()).add(e);
    }
    return out;
  }

  public static String summary(List<EntityResult> results) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        "| detector | F1 @ own rule | precision | recall | best-F1 | AUPRC | segments detected "
            + "| false-alarm runs/day | mean delay (rows) | HitRate@100% | HitRate@150% | train ms/entity |\n");
    sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Map.Entry<String, List<EntityResult>> e : byDetector(results).entrySet()) {
      Mean m = mean(e.getKey(), e.getValue());
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %.3f | %.3f | %.3f | %.3f | %.3f | %d/%d | %.2f | %s | %s | %s | %.0f |%n",
              m.detector(),
              m.f1(),
              m.precision(),
              m.recall(),
              m.bestF1(),
              m.auprc(),
              m.detected(),
              m.segments(),
              m.falseAlarmRunsPerDay(),
              delay(m.meanDelay()),
              ratio(m.hitRate100()),
              ratio(m.hitRate150()),
              m.trainMillis()));
    }
    return sb.toString();
  }

  public static String perEntity(String detector, List<EntityResult> rows) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        "| entity | F1 | P | R | best-F1 | oracle cut | AUPRC | detected | false-alarm runs (per day) "
            + "| mean delay | train ms | score ms | note |\n");
    sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (EntityResult e : rows) {
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %.3f | %.3f | %.3f | %.3f | %.3g | %.3f | %d/%d | %d (%.2f) | %s | %d | %d | %s |%n",
              e.entity(),
              e.point().f1(),
              e.point().precision(),
              e.point().recall(),
              e.bestF1(),
              e.bestThreshold(),
              e.auprc(),
              e.events().detected(),
              e.events().segments(),
              e.events().falseAlarmRuns(),
              e.events().falseAlarmRunsPerDay(),
              delay(e.events().meanDelay()),
              e.trainMillis(),
              e.scoreMillis(),
              e.note()));
    }
    Mean m = mean(detector, rows);
    sb.append(
        String.format(
            Locale.ROOT,
            "| **mean** | **%.3f** | %.3f | %.3f | **%.3f** | | %.3f | %d/%d | (%.2f) | %s | %.0f | | |%n",
            m.f1(),
            m.precision(),
            m.recall(),
            m.bestF1(),
            m.auprc(),
            m.detected(),
            m.segments(),
            m.falseAlarmRunsPerDay(),
            delay(m.meanDelay()),
            m.trainMillis()));
    return sb.toString();
  }

  private static String ratio(double r) {
    return Double.isNaN(r) ? "-" : String.format(Locale.ROOT, "%.3f", r);
  }

  private static String delay(double d) {
    return Double.isNaN(d) ? "-" : String.format(Locale.ROOT, "%.1f", d);
  }
}
