package io.rollguard.common.prometheus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rollguard.common.config.PrometheusSettings;
import io.rollguard.testsupport.OpenMetricsText;
import io.rollguard.testsupport.PrometheusServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The client against a real Prometheus whose TSDB was backfilled with promtool. */
class PrometheusClientRealServerTest {

  private static final long STEP = 60_000;

  /** 3 hours of minute samples ending 30 minutes ago, on the minute. */
  private static final long END = (Instant.now().toEpochMilli() / STEP) * STEP - 30 * STEP;

  private static final long START = END - 180 * STEP;

  /** Raw samples are absent from here for 10 minutes: longer than the 5 m lookback. */
  private static final long GAP_FROM = START + 100 * STEP;

  private static final long GAP_TO = GAP_FROM + 10 * STEP;

  private static PrometheusServer prometheus;

  @BeforeAll
  static void start() {
    OpenMetricsText text = new OpenMetricsText();
    for (long t = START; t <= END; t += STEP) {
      if (t >= GAP_FROM && t < GAP_TO) {
        continue;
      }
      double value =
          t == START + 5 * STEP
              ? Double.NaN
              : t == START + 6 * STEP ? Double.POSITIVE_INFINITY : (t - START) / (double) STEP;
      text.gauge("rg_test_value", Map.of("app", "checkout", "namespace", "shop"), t, value);
    }
    prometheus = PrometheusServer.builder().openMetrics(text.build()).start();
  }

  @AfterAll
  static void stop() {
    if (prometheus != null) {
      prometheus.close();
    }
  }

  private static double expected(long t) {
    // Prometheus answers the newest raw sample in [t - 5m, t] (the lookback includes its start).
    for (long s = t; s >= t - 5 * STEP; s -= STEP) {
      if (s >= START && s <= END && !(s >= GAP_FROM && s < GAP_TO)) {
        return s == START + 5 * STEP
            ? Double.NaN
            : s == START + 6 * STEP ? Double.POSITIVE_INFINITY : (s - START) / (double) STEP;
      }
    }
    return Double.NaN;
  }

  @Test
  void rangeQueryMatchesTheBackfilledSeriesWithHolesAsNaN() throws Exception {
    PrometheusClient client = new PrometheusClient(PrometheusSettings.of(prometheus.url()));
    StepGrid grid = new StepGrid(START, STEP, 181);
    List<RangeSeries> series = client.queryRange("rg_test_value{app=\"checkout\"}", grid);
    assertEquals(1, series.size());
    assertEquals("shop", series.get(0).label("namespace"));
    double[] values = grid.place(series.get(0));
    int holes = 0;
    for (int i = 0; i < grid.points(); i++) {
      double want = expected(grid.timestampAt(i));
      assertEquals(want, values[i], 0.0, "at step " + i);
      if (Double.isNaN(want) && grid.timestampAt(i) != START + 5 * STEP) {
        holes++;
      }
    }
    // a 10-step gap minus the 5 steps the lookback forward-fills
    assertEquals(5, holes);
  }

  @Test
  void chunkedQueryEqualsUnchunkedQuery() throws Exception {
    AtomicInteger requests = new AtomicInteger();
    PrometheusClient.Listener counting =
        new PrometheusClient.Listener() {
          @Override
          public void onResponse(int httpStatus, Duration elapsed) {
            requests.incrementAndGet();
          }
        };
    StepGrid grid = new StepGrid(START, STEP, 181);
    PrometheusClient whole = new PrometheusClient(PrometheusSettings.of(prometheus.url()));
    PrometheusClient chunked =
        new PrometheusClient(
            PrometheusSettings.of(prometheus.url()).withMaxPointsPerRequest(50), counting);
    RangeSeries a = whole.queryRange("rg_test_value", grid).get(0);
    RangeSeries b = chunked.queryRange("rg_test_value", grid).get(0);
    assertEquals(4, requests.get());
    assertArrayEquals(a.timestamps(), b.timestamps());
    assertArrayEquals(a.values(), b.values());
  }

  @Test
  void moreThanElevenThousandPointsAreChunkedBelowTheServerLimit() throws Exception {
    // 12 000 one-second steps: a single request would be refused with HTTP 400.
    StepGrid grid = new StepGrid(END - 11_999_000, 1_000, 12_000);
    PrometheusClient client = new PrometheusClient(PrometheusSettings.of(prometheus.url()));
    RangeSeries series = client.queryRange("rg_test_value", grid).get(0);
    assertEquals(12_000, grid.place(series).length);
    assertEquals(expected(END), series.values()[series.size() - 1], 0.0);
    PrometheusClient unchunked =
        new PrometheusClient(
            PrometheusSettings.of(prometheus.url())
                .withMaxPointsPerRequest(PrometheusSettings.PROMETHEUS_MAX_POINTS));
    PrometheusException e =
        assertThrows(
            PrometheusException.class,
            () -> unchunked.queryRangeOnce("rg_test_value", END - 11_999_000, END, 1_000));
    assertEquals(PrometheusException.Kind.BAD_QUERY, e.kind());
    assertTrue(e.getMessage().contains("11,000"), e.getMessage());
  }

  @Test
  void invalidPromQLIsABadQueryWithPrometheusMessage() {
    PrometheusClient client = new PrometheusClient(PrometheusSettings.of(prometheus.url()));
    PrometheusException e =
        assertThrows(
            PrometheusException.class,
            () -> client.queryRange("sum(rate(rg_test_value[5m]", new StepGrid(START, STEP, 3)));
    assertEquals(PrometheusException.Kind.BAD_QUERY, e.kind());
    assertEquals(400, e.httpStatus());
    assertEquals("bad_data", e.errorType());
  }
}
