package io.rollguard.source;

import io.rollguard.common.payload.Sample;
import io.rollguard.common.prometheus.PrometheusClient;
import io.rollguard.common.prometheus.PrometheusException;
import io.rollguard.common.prometheus.RangeSeries;
import io.rollguard.common.prometheus.StepGrid;
import io.rollguard.common.vertex.RateLimitedLog;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Queries every metric for a batch of steps and assembles the samples.
 *
 * <p>Failure policy: a query Prometheus rejects ({@code BAD_QUERY}, {@code REFUSED}) will be
 * rejected again, so that metric is reported (counted, logged) and is {@code null} in this batch
 * while the other metrics go on. A transient failure that outlasted the client's retries ({@code
 * UNAVAILABLE}, {@code BAD_RESPONSE}) fails the whole batch: emitting it with a hole would make the
 * hole permanent once acked, while the batch can simply be read again later.
 */
public final class StepFetcher {

  private static final RateLimitedLog LOG =
      RateLimitedLog.perKey(LoggerFactory.getLogger(StepFetcher.class), Duration.ofMinutes(1));

  private final PrometheusClient client;
  private final List<MetricQuery> queries;
  private final SampleAssembler assembler;
  private final SourceMetrics metrics;

  public StepFetcher(
      PrometheusClient client,
      List<MetricQuery> queries,
      SampleAssembler assembler,
      SourceMetrics metrics) {
    this.client = client;
    this.queries = List.copyOf(queries);
    this.assembler = assembler;
    this.metrics = metrics;
  }

  /** Samples per grid index. */
  public List<List<Sample>> fetch(StepGrid grid) throws PrometheusException, InterruptedException {
    Map<String, List<RangeSeries>> results = new HashMap<>();
    for (MetricQuery query : queries) {
      try {
        results.put(query.metric(), client.queryRange(query.promql(), grid));
      } catch (PrometheusException e) {
        metrics.prometheusErrors.labelValues(e.kind().name().toLowerCase(Locale.ROOT)).inc();
        if (e.kind() == PrometheusException.Kind.BAD_QUERY
            || e.kind() == PrometheusException.Kind.REFUSED) {
          LOG.error(
              "query:" + query.metric(),
              "metric {}: Prometheus rejects its query, the metric is missing until the config is"
                  + " fixed: {}",
              query.metric(),
              e.getMessage());
          continue;
        }
        throw e;
      }
    }
    metrics.stepsFetched.inc(grid.points());
    return assembler.assemble(grid, results);
  }
}
