package io.rollguard.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricQueryTest {

  @Test
  void rendersSelectorsForAllEntitiesBothRolesAndTheByClause() {
    List<MetricQuery> queries =
        MetricQuery.renderAll(
            List.of(
                SourceFixtures.metric(
                    "latency", "sum by ({{by}}) (rate(http_seconds_sum{{{selector}}}[{{range}}]))"),
                SourceFixtures.metric(
                    "cpu",
                    "sum by ({{by}}) (cpu * on (namespace, pod) group_left(label_app) kube_pod_labels{{{podLabelSelector}}})")),
            SourceFixtures.ENTITY,
            Duration.ofMinutes(2));
    assertEquals("latency", queries.get(0).metric());
    assertEquals(
        "sum by (namespace,app,role,rollouts_pod_template_hash) (rate(http_seconds_sum{namespace!=\"\","
            + "app!=\"\",role=~\"stable|canary\"}[2m]))",
        queries.get(0).promql());
    assertEquals(
        "sum by (namespace,app,role,rollouts_pod_template_hash) (cpu * on (namespace, pod) group_left(label_app)"
            + " kube_pod_labels{namespace!=\"\",label_app!=\"\",label_role=~\"stable|canary\"})",
        queries.get(1).promql());
  }

  @Test
  void unknownPlaceholderNamesTheMetric() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                MetricQuery.renderAll(
                    List.of(SourceFixtures.metric("errors", "x{{{nope}}}")),
                    SourceFixtures.ENTITY,
                    Duration.ofMinutes(1)));
    assertEquals("metric errors: no value for placeholder {{nope}}", e.getMessage());
  }
}
