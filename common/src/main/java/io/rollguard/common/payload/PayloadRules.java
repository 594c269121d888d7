package io.rollguard.common.payload;

import io.rollguard.common.LogValues;
import io.rollguard.common.config.ConfigLoader;
import io.rollguard.common.config.WindowSettings;
import io.rollguard.common.registry.BundleVersion;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The invariants of {@code docs/payloads.md} that a payload holds on its own, checked by {@link
 * PayloadCodec#decode} on every decoded value (the records' constructors check only shape, so that
 * in-process producers and tests can build values freely). What needs the configuration (the
 * configured metrics, the window length) is each vertex's check, not this one.
 *
 * <p>A broken rule throws {@link IllegalArgumentException} with {@code field: problem}; the codec
 * reports it as {@link PayloadException.Reason#INVALID_FIELD}.
 */
final class PayloadRules {

  /**
   * Longest name (namespace, app, pod template hash, metric name): a Kubernetes object name (DNS
   * subdomain, 253), the same bound as {@code EntityId}.
   */
  static final int MAX_NAME_CHARS = ConfigLoader.MAX_METRIC_NAME_CHARS;

  /** Most metrics a payload may carry: the configuration's own limit. */
  static final int MAX_METRICS = ConfigLoader.MAX_METRICS;

  /** Most rows a matrix may carry: the longest configurable window. */
  static final int MAX_ROWS = WindowSettings.MAX_LENGTH_STEPS;

  /** Timestamps are after the epoch and before year 10000 (no overflow in window arithmetic). */
  static final long MAX_EPOCH_MILLIS = 253_402_300_800_000L;

  private PayloadRules() {}

  /** Checks {@code value} (one of the payload types); other types pass unchecked. */
  static void check(Object value) {
    if (value instanceof Sample s) {
      sample(s);
    } else if (value instanceof Window w) {
      window("", w);
    } else if (value instanceof PreprocessedWindow p) {
      preprocessed(p);
    } else if (value instanceof InferenceResult r) {
      inference(r);
    } else if (value instanceof TrainRequest t) {
      trainRequest(t);
    } else if (value instanceof AnomalyRecord a) {
      anomalyRecord(a);
    }
  }

  private static void sample(Sample s) {
    key("key", s.key());
    timestamp("timestamp", s.timestamp());
    metricNames("values", s.values().keySet());
  }

  private static void window(String prefix, Window w) {
    key(prefix + "key", w.key());
    bounds(prefix, "values", w.start(), w.end(), w.stepMillis(), w.rows());
    metricList(prefix + "metrics", w.metrics());
    if (!(w.coverage() >= 0 && w.coverage() <= 1)) {
      throw invalid(prefix + "coverage", "must be in [0, 1], got " + w.coverage());
    }
    long cells = (long) w.rows() * w.metrics().size();
    if (w.filledCells() < 0 || w.filledCells() > cells) {
      throw invalid(
          prefix + "filledCells",
          "must be in [0, " + cells + "] (rows x metrics), got " + w.filledCells());
    }
  }

  private static void preprocessed(PreprocessedWindow p) {
    window("window.", p.window());
    versionId("modelVersion", p.modelVersion());
  }

  private static void inference(InferenceResult r) {
    key("key", r.key());
    bounds("", "errors", r.start(), r.end(), r.stepMillis(), r.rows());
    metricList("metrics", r.metrics());
    versionId("modelVersion", r.modelVersion());
  }

  private static void trainRequest(TrainRequest t) {
    name("namespace", t.namespace());
    name("app", t.app());
    timestamp("requestedAt", t.requestedAt());
    versionId("currentModelVersion", t.currentModelVersion());
  }

  private static void anomalyRecord(AnomalyRecord a) {
    key("key", a.key());
    timestamp("timestamp", a.timestamp());
    if (a.metricScores().isEmpty()) {
      throw invalid("metricScores", "must score at least one metric");
    }
    metricNames("metricScores", a.metricScores().keySet());
    metricNames("attribution", a.attribution().keySet());
    if (a.values() != null) {
      metricNames("values", a.values().keySet());
      for (String metric : a.values().keySet()) {
        if (!a.metricScores().containsKey(metric)) {
          throw invalid("values", "names a metric that has no score: " + quoted(metric));
        }
      }
    }
    versionId("modelVersion", a.modelVersion());
  }

  private static void key(String field, ScoringKey key) {
    name(field + ".namespace", key.namespace());
    name(field + ".app", key.app());
    name(field + ".podTemplateHash", key.podTemplateHash());
    if (!ScoringKey.ROLE_STABLE.equals(key.role()) && !ScoringKey.ROLE_CANARY.equals(key.role())) {
      throw invalid(
          field + ".role",
          "must be '"
              + ScoringKey.ROLE_STABLE
              + "' or '"
              + ScoringKey.ROLE_CANARY
              + "', got "
              + quoted(key.role()));
    }
  }

  /**
   * {@code end > start > 0}, {@code stepMillis > 0}, {@code end - start = rows * stepMillis}, and
   * at least one and at most {@link #MAX_ROWS} rows.
   */
  /** {@code matrix}: the field whose rows are the window's steps. */
  private static void bounds(
      String prefix, String matrix, long start, long end, long stepMillis, int rows) {
    timestamp(prefix + "start", start);
    timestamp(prefix + "end", end);
    if (end <= start) {
      throw invalid(prefix + "end", "must be after start (" + start + "), got " + end);
    }
    if (stepMillis <= 0) {
      throw invalid(prefix + "stepMillis", "must be > 0, got " + stepMillis);
    }
    if (rows < 1 || rows > MAX_ROWS) {
      throw invalid(prefix + matrix, "must have 1 to " + MAX_ROWS + " rows, got " + rows);
    }
    // No overflow: rows <= MAX_ROWS and a step longer than the span already fails the equality.
    if (stepMillis > end - start || end - start != rows * stepMillis) {
      throw invalid(
          prefix + "end",
          "end - start must be rows x stepMillis ("
              + rows
              + " x "
              + stepMillis
              + "), got "
              + (end - start));
    }
  }

  private static void metricList(String field, List<String> metrics) {
    metricNames(field, metrics);
    if (metrics.isEmpty()) {
      throw invalid(field, "must name at least one metric");
    }
    Set<String> seen = new HashSet<>();
    for (String metric : metrics) {
      if (!seen.add(metric)) {
        throw invalid(field, "duplicate metric " + quoted(metric));
      }
    }
  }

  private static void metricNames(String field, Collection<String> names) {
    if (names.size() > MAX_METRICS) {
      throw invalid(field, "at most " + MAX_METRICS + " metrics, got " + names.size());
    }
    for (String metric : names) {
      name(field + " metric name", metric);
    }
  }

  private static void name(String field, String value) {
    if (value == null || value.isBlank()) {
      throw invalid(field, "must not be blank");
    }
    if (value.length() > MAX_NAME_CHARS) {
      throw invalid(field, "longer than " + MAX_NAME_CHARS + " characters: " + quoted(value));
    }
  }

  private static void timestamp(String field, long epochMillis) {
    if (epochMillis <= 0 || epochMillis >= MAX_EPOCH_MILLIS) {
      throw invalid(
          field, "must be epoch milliseconds in (0, " + MAX_EPOCH_MILLIS + "), got " + epochMillis);
    }
  }

  /** A version id of the model registry ({@link BundleVersion}), when present. */
  private static void versionId(String field, String version) {
    if (version == null) {
      return;
    }
    try {
      BundleVersion.parse(version);
    } catch (IllegalArgumentException e) {
      throw invalid(
          field,
          "not a bundle version id (<yyyyMMdd'T'HHmmssSSS'Z'>-<12 hex>): " + quoted(version));
    }
  }

  private static String quoted(String value) {
    return "'" + LogValues.truncate(value) + "'";
  }

  private static IllegalArgumentException invalid(String field, String problem) {
    return new IllegalArgumentException(field + ": " + problem);
  }
}
