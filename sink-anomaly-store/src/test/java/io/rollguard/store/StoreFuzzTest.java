package io.rollguard.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.numaproj.numaflow.sinker.Response;
import io.numaproj.numaflow.sinker.SinkerTestKit;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.config.VerdictSettings;
import io.rollguard.common.payload.AnomalyRecord;
import io.rollguard.common.payload.PayloadCodec;
import io.rollguard.common.payload.PayloadException;
import io.rollguard.testsupport.Fuzz;
import io.rollguard.testsupport.SettableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzz targets of the anomaly store: the sink fed batches of mutated records, and the verdict query
 * parser fed mutated query strings. See CONTRIBUTING.md, "Fuzzing".
 */
class StoreFuzzTest {

  /** The metrics of the corpus records ({@code docs/examples/anomaly-record.json}). */
  private static final List<String> METRICS =
      List.of("latency_p99", "error_ratio", "request_rate", "cpu_usage", "memory_working_set");

  private static final StoreMetrics STORE_METRICS = new StoreMetrics(new PrometheusRegistry());
  private static final InMemoryAnomalyStore STORE =
      new InMemoryAnomalyStore(10, Duration.ofHours(1), new SettableClock(1_800_000_000_000L));
  private static final AnomalyStoreSink SINK =
      new AnomalyStoreSink(STORE, METRICS, MalformedRecordPolicy.FAILURE, STORE_METRICS, 3);

  @Provide
  Arbitrary<List<byte[]>> batches() {
    return Fuzz.inputs(Fuzz.corpus("anomaly-record")).list().ofMinSize(1).ofMaxSize(7);
  }

  /**
   * Exactly one response per datum; OK only for a record that decodes and scores the configured
   * metrics; each datum counted once under written, failed or malformed.
   */
  @Property
  void sinkProcessMessages(@ForAll("batches") List<byte[]> inputs) {
    SinkerTestKit.TestListIterator batch = new SinkerTestKit.TestListIterator();
    List<Boolean> storable = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      batch.addDatum(StoreFixtures.datum("id-" + i, inputs.get(i)));
      storable.add(storable(inputs.get(i)));
    }
    double before = total();
    List<Response> responses = SINK.processMessages(batch).getResponses();
    assertEquals(inputs.size(), responses.size());
    Map<String, Response> byId = new HashMap<>();
    for (Response r : responses) {
      assertFalse(byId.containsKey(r.getId()), "two responses for " + r.getId());
      byId.put(r.getId(), r);
    }
    for (int i = 0; i < inputs.size(); i++) {
      Response r = byId.get("id-" + i);
      assertEquals(storable.get(i), r.getSuccess(), () -> String.valueOf(r.getErr()));
    }
    assertEquals(before + inputs.size(), total());
  }

  private static boolean storable(byte[] input) {
    try {
      AnomalyRecord record = PayloadCodec.shared().decode(input, AnomalyRecord.class);
      return record.metricScores().keySet().equals(new java.util.HashSet<>(METRICS));
    } catch (PayloadException e) {
      return false;
    }
  }

  private static double total() {
    return STORE_METRICS.records.labelValues("written").get()
        + STORE_METRICS.records.labelValues("failed").get()
        + STORE_METRICS.records.labelValues("malformed").get();
  }

  @Provide
  Arbitrary<String> queries() {
    List<byte[]> seeds = Fuzz.corpus("verdict-query");
    Arbitrary<String> mutated =
        Arbitraries.randoms()
            .flatMap(
                r ->
                    Arbitraries.of(seeds)
                        .map(s -> new String(Fuzz.mutateBytes(s, r), StandardCharsets.UTF_8)));
    Arbitrary<String> parts =
        Arbitraries.strings()
            .withChars("namespacephrg=&%+0123456789ABCDEFmsdhw.-_")
            .ofMaxLength(120);
    return Arbitraries.oneOf(mutated, parts, Arbitraries.strings().ofMaxLength(200));
  }

  /** Parses, or fails with an IllegalArgumentException whose (400) message is bounded. */
  @Property
  void verdictQueryParser(@ForAll("queries") String raw) {
    VerdictQuery query;
    try {
      query = VerdictQuery.parse(raw, VerdictSettings.DEFAULTS);
    } catch (IllegalArgumentException e) {
      assertTrue(e.getMessage().length() <= 1_000, e.getMessage());
      return;
    }
    assertFalse(query.namespace().isBlank() || query.app().isBlank() || query.hash().isBlank());
  }
}
