package io.rollguard.cli.eval;

import java.util.List;

/**
 * All metrics of one detector on one entity (e.g. one SMD machine).
 *
 * @param entity entity name
 * @param detector detector name
 * @param point point-wise P/R/F1 at the detector's own alarm rule
 * @param bestF1 point-wise best-F1 (oracle threshold)
 * @param bestThreshold score at which the best-F1 is reached (oracle cut; diagnostic)
 * @param auprc average precision
 * @param events segment detection, delay and false-alarm runs
 * @param trainMillis training time
 * @param scoreMillis scoring time for the whole test split
 * @param note detector detail
 * @param hitRate100 HitRate@100% of the attribution against the interpretation labels, NaN if n/a
 * @param hitRate150 HitRate@150%, NaN if n/a
 */
public record EntityResult(
    String entity,
    String detector,
    PointMetrics point,
    double bestF1,
    double bestThreshold,
    double auprc,
    EventMetrics events,
    long trainMillis,
    long scoreMillis,
    String note,
    double hitRate100,
    double hitRate150) {

  public static EntityResult of(
      String entity, String detector, DetectorOutput out, boolean[] labels, int rowsPerDay) {
    return of(entity, detector, out, labels, rowsPerDay, List.of());
  }

  public static EntityResult of(
      String entity,
      String detector,
      DetectorOutput out,
      boolean[] labels,
      int rowsPerDay,
      List<Interpretation> interpretations) {
    double hr100 =
        out.attribution() == null
            ? Double.NaN
            : HitRate.of(out.attribution(), interpretations, 100);
    double hr150 =
        out.attribution() == null
            ? Double.NaN
            : HitRate.of(out.attribution(), interpretations, 150);
    return new EntityResult(
        entity,
        detector,
        PointMetrics.of(out.alarms(), labels),
        ThresholdFreeMetrics.bestF1(out.scores(), labels),
        ThresholdFreeMetrics.bestF1Threshold(out.scores(), labels),
        ThresholdFreeMetrics.averagePrecision(out.scores(), labels),
        EventMetrics.of(out.alarms(), labels, rowsPerDay),
        out.trainMillis(),
        out.scoreMillis(),
        out.note(),
        hr100,
        hr150);
  }
}
