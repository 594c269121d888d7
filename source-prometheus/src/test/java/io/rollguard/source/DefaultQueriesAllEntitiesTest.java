package io.rollguard.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rollguard.common.config.ConfigLoader;
import io.rollguard.common.config.PrometheusSettings;
import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.prometheus.PrometheusClient;
import io.rollguard.common.prometheus.StepGrid;
import io.rollguard.testsupport.PrometheusServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shipped metric queries, rendered for all entities, are accepted by a real Prometheus. */
class DefaultQueriesAllEntitiesTest {

  @Test
  void everyDefaultQueryRendersAndPrometheusAcceptsIt() throws Exception {
    RollguardConfig config = ConfigLoader.loadDefault(Map.of());
    List<MetricQuery> queries =
        MetricQuery.renderAll(config.metrics(), config.entity(), config.prometheus().rateRange());
    assertEquals(config.metricNames(), queries.stream().map(MetricQuery::metric).toList());
    try (PrometheusServer prometheus = PrometheusServer.builder().start()) {
      PrometheusClient client = new PrometheusClient(PrometheusSettings.of(prometheus.url()));
      long now = System.currentTimeMillis() / 60_000 * 60_000;
      for (MetricQuery query : queries) {
        assertTrue(!query.promql().contains("{{"), query.promql());
        // throws BAD_QUERY if Prometheus cannot parse the rendered query
        assertTrue(
            client.queryRange(query.promql(), new StepGrid(now - 600_000, 60_000, 11)).isEmpty());
      }
    }
  }
}
