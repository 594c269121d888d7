package io.rollguard.cli.eval;

import io.rollguard.cli.csv.MetricTable;

/** Something the evaluation can train on a train split and run causally over a test split. */
public interface Detector {

  /** Name in report tables, e.g. {@code pca}, {@code pca-anchor}, {@code random}. */
  String name();

  DetectorOutput run(MetricTable train, MetricTable test);
}
