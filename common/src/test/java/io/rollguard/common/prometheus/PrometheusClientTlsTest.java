package io.rollguard.common.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rollguard.common.config.PrometheusSettings;
import io.rollguard.testsupport.OpenMetricsText;
import io.rollguard.testsupport.PrometheusServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The client against a real Prometheus serving https with a self-signed certificate. */
class PrometheusClientTlsTest {

  @Test
  void trustsTheConfiguredCaFileAndRefusesWithoutIt() throws Exception {
    long t = System.currentTimeMillis() / 60_000 * 60_000 - 10 * 60_000;
    String data = new OpenMetricsText().gauge("rg_tls_value", Map.of("a", "b"), t, 42).build();
    try (PrometheusServer prometheus = PrometheusServer.builder().openMetrics(data).tls().start()) {
      assertEquals("https", prometheus.url().getScheme());
      PrometheusClient trusting =
          new PrometheusClient(
              PrometheusSettings.of(prometheus.url())
                  .withCaFile(prometheus.certificate().certFile()));
      List<RangeSeries> series = trusting.queryRange("rg_tls_value", new StepGrid(t, 60_000, 1));
      assertEquals(42.0, series.get(0).values()[0]);

      PrometheusClient untrusting = new PrometheusClient(PrometheusSettings.of(prometheus.url()));
      PrometheusException e =
          assertThrows(
              PrometheusException.class,
              () -> untrusting.queryRange("rg_tls_value", new StepGrid(t, 60_000, 1)));
      assertEquals(PrometheusException.Kind.REFUSED, e.kind());
      assertTrue(e.getMessage().contains("caFile"), e.getMessage());
    }
  }
}
