package io.rollguard.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;

import io.numaproj.numaflow.sourcer.GRPCConfig;
import io.numaproj.numaflow.sourcer.Message;
import io.numaproj.numaflow.sourcer.Offset;
import io.numaproj.numaflow.sourcer.OutputObserver;
import io.numaproj.numaflow.sourcer.SourcerTestKit;
import io.rollguard.common.config.MetricSpec;
import io.rollguard.common.config.RedisSettings;
import io.rollguard.common.payload.Sample;
import io.rollguard.common.payload.ScoringKey;
import io.rollguard.common.redis.RedisConnections;
import io.rollguard.testsupport.OpenMetricsText;
import io.rollguard.testsupport.PrometheusServer;
import io.rollguard.testsupport.RedisServer;
import io.rollguard.testsupport.SettableClock;
import io.rollguard.testsupport.SettableTicker;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/**
 * The source against a real Prometheus backfilled with promtool and a real Redis holding the acked
 * offset: samples match the generated series, gaps stay null, a restart resumes after the acked
 * offset without gaps or duplicates.
 */
class PrometheusSourcerRealServerTest {

  private static final long STEP = 60_000;
  private static final long END = (Instant.now().toEpochMilli() / STEP) * STEP - 20 * STEP;
  private static final long START = END - 120 * STEP;
  private static final int STEPS = 121;
  private static final Duration DELAY = Duration.ofSeconds(30);
  private static final Duration FAILURE_BACKOFF = Duration.ofMillis(50);

  private static final ScoringKey CHECKOUT_STABLE = SourceFixtures.key("checkout", "stable", "aaa");
  private static final ScoringKey CHECKOUT_CANARY = SourceFixtures.key("checkout", "canary", "bbb");
  private static final ScoringKey CART_STABLE = SourceFixtures.key("cart", "stable", "ccc");
  private static final List<ScoringKey> KEYS =
      List.of(CHECKOUT_STABLE, CHECKOUT_CANARY, CART_STABLE);

  private static final List<MetricSpec> SPECS =
      List.of(
          // two pods per key: the query aggregates by the scoring-key labels
          SourceFixtures.metric("latency", "max by ({{by}}) (rg_latency_seconds{{{selector}}})"),
          SourceFixtures.metric("errors", "rg_error_ratio{{{selector}}}"));

  /** key -> metric -> raw samples (t -> value) as backfilled. */
  private static final Map<ScoringKey, Map<String, NavigableMap<Long, Double>>> RAW =
      new HashMap<>();

  private static String backfill;
  private static PrometheusServer prometheus;
  private static RedisServer redis;
  private static JedisPooled jedis;
  private static final AtomicInteger OFFSET_KEYS = new AtomicInteger();

  @BeforeAll
  static void startServers() {
    OpenMetricsText text = new OpenMetricsText();
    for (int k = 0; k < KEYS.size(); k++) {
      ScoringKey key = KEYS.get(k);
      for (String pod : List.of("p1", "p2")) {
        for (int i = 0; i < STEPS; i++) {
          // checkout canary latency: a 10-step gap from step 40 (longer than the 5 m lookback)
          if (key.equals(CHECKOUT_CANARY) && i >= 40 && i < 50) {
            continue;
          }
          // cart stable: no data at all for steps 60..71
          if (key.equals(CART_STABLE) && i >= 60 && i < 72) {
            continue;
          }
          double value = 0.1 + k * 0.01 + i * 0.001 + ("p2".equals(pod) ? 0.5 : 0);
          text.gauge("rg_latency_seconds", labels(key, pod), START + i * STEP, value);
          if ("p2".equals(pod)) {
            raw(key, "latency").put(START + i * STEP, value);
          }
        }
      }
    }
    for (int k = 0; k < KEYS.size(); k++) {
      ScoringKey key = KEYS.get(k);
      for (int i = 0; i < STEPS; i++) {
        if (key.equals(CART_STABLE) && i >= 60 && i < 72) {
          continue;
        }
        double value = key.equals(CART_STABLE) && i == 10 ? Double.NaN : k + i / 100.0;
        text.gauge("rg_error_ratio", labels(key, null), START + i * STEP, value);
        raw(key, "errors").put(START + i * STEP, value);
      }
    }
    // a series without the pod-template-hash label: must be skipped, not crash or mis-key
    for (int i = 0; i < STEPS; i++) {
      text.gauge(
          "rg_error_ratio",
          Map.of("namespace", "shop", "app", "orphan", "role", "stable"),
          START + i * STEP,
          1.0);
    }
    backfill = text.build();
    prometheus = PrometheusServer.builder().openMetrics(backfill).start();
    redis = RedisServer.start();
    jedis = RedisConnections.open(RedisSettings.of(redis.url()));
  }

  @AfterAll
  static void stopServers() {
    if (jedis != null) {
      jedis.close();
    }
    if (redis != null) {
      redis.close();
    }
    if (prometheus != null) {
      prometheus.close();
    }
  }

  private static Map<String, String> labels(ScoringKey key, String pod) {
    Map<String, String> labels =
        new LinkedHashMap<>(
            Map.of(
                "namespace",
                key.namespace(),
                "app",
                key.app(),
                "role",
                key.role(),
                "rollouts_pod_template_hash",
                key.podTemplateHash()));
    if (pod != null) {
      labels.put("pod", pod);
    }
    return labels;
  }

  private static NavigableMap<Long, Double> raw(ScoringKey key, String metric) {
    return RAW.computeIfAbsent(key, k -> new HashMap<>())
        .computeIfAbsent(metric, m -> new TreeMap<>());
  }

  /** What Prometheus answers at t: the newest raw sample in [t - 5m, t]; NaN becomes null. */
  private static Double expected(ScoringKey key, String metric, long t) {
    Map.Entry<Long, Double> newest = raw(key, metric).floorEntry(t);
    if (newest == null || newest.getKey() < t - 5 * STEP || newest.getValue().isNaN()) {
      return null;
    }
    return newest.getValue();
  }

  private static SourceSettings settings(int maxStepsPerFetch) {
    return new SourceSettings(
        Duration.ofMillis(STEP),
        DELAY,
        maxStepsPerFetch,
        Duration.ofHours(24),
        FAILURE_BACKOFF,
        Duration.ofHours(1));
  }

  private static AckedOffsetStore freshOffsetStore(Long saved) {
    AckedOffsetStore store =
        new AckedOffsetStore(
            jedis,
            AckedOffsetStore.key("rg-test:", "p", "source", OFFSET_KEYS.incrementAndGet()),
            Duration.ofHours(1));
    if (saved != null) {
      store.save(saved);
    }
    return store;
  }

  private static PrometheusSourcer sourcer(
      URI prom, List<MetricSpec> specs, AckedOffsetStore store, SourceMetrics metrics, long now) {
    return new PrometheusSourcer(
        settings(50),
        SourceFixtures.fetcher(prom, specs, metrics),
        store,
        metrics,
        new SettableClock(now),
        0);
  }

  private static List<Message> readAll(PrometheusSourcer sourcer) {
    List<Message> all = new ArrayList<>();
    while (true) {
      SourcerTestKit.TestListBasedObserver observer = new SourcerTestKit.TestListBasedObserver();
      sourcer.read(
          SourcerTestKit.TestReadRequest.builder()
              .count(100)
              .timeout(Duration.ofMillis(100))
              .build(),
          observer);
      if (observer.getMessages().isEmpty()) {
        return all;
      }
      all.addAll(observer.getMessages());
    }
  }

  private static void ack(PrometheusSourcer sourcer, List<Message> messages) {
    List<Offset> offsets = messages.stream().map(Message::getOffset).toList();
    sourcer.ack(SourcerTestKit.TestAckRequest.builder().offsets(offsets).build());
  }

  @Test
  void aReadWhoseObserverFailsMidBatchLosesNothing() {
    long now = END + DELAY.toMillis();
    List<Message> expected =
        readAll(
            sourcer(
                prometheus.url(),
                SPECS,
                freshOffsetStore(START - STEP),
                SourceFixtures.metrics(),
                now));
    PrometheusSourcer sourcer =
        sourcer(
            prometheus.url(), SPECS, freshOffsetStore(START - STEP), SourceFixtures.metrics(), now);
    // The SDK's gRPC stream can fail under the source while a batch is sent (the data plane went
    // away); no real server fails on cue, so the observer is a mock that takes three messages and
    // then throws.
    List<Message> delivered = new ArrayList<>();
    OutputObserver failing = mock(OutputObserver.class);
    AtomicInteger sends = new AtomicInteger();
    doAnswer(
            call -> {
              if (sends.incrementAndGet() > 3) {
                throw new IllegalStateException("stream cancelled");
              }
              delivered.add(call.getArgument(0));
              return null;
            })
        .when(failing)
        .send(any(Message.class));
    assertThrows(
        IllegalStateException.class,
        () ->
            sourcer.read(
                SourcerTestKit.TestReadRequest.builder()
                    .count(100)
                    .timeout(Duration.ofMillis(100))
                    .build(),
                failing));
    assertEquals(3, delivered.size());
    delivered.addAll(readAll(sourcer));
    assertEquals(
        expected.stream().map(m -> m.getOffset().getValue()).map(String::new).toList(),
        delivered.stream().map(m -> m.getOffset().getValue()).map(String::new).toList(),
        "the message whose send failed comes first in the next read; none lost, none repeated");
  }

  @Test
  void emittedSamplesMatchTheGeneratedSeriesWithGapsAsNull() {
    SourceMetrics metrics = SourceFixtures.metrics();
    PrometheusSourcer sourcer =
        sourcer(
            prometheus.url(),
            SPECS,
            freshOffsetStore(START - STEP),
            metrics,
            END + DELAY.toMillis());
    List<Message> messages = readAll(sourcer);

    Map<String, Sample> byKeyAndTime = new HashMap<>();
    for (Message message : messages) {
      Sample sample = SourceFixtures.decode(message);
      assertEquals(
          Instant.ofEpochMilli(sample.timestamp()),
          message.getEventTime(),
          "event time = sample time");
      assertEquals(List.of(sample.key().toKeys()), List.of(message.getKeys()));
      assertEquals(List.of("latency", "errors"), List.copyOf(sample.values().keySet()));
      assertNull(
          byKeyAndTime.put(sample.key() + "@" + sample.timestamp(), sample),
          "one sample per key and step");
    }
    int expectedCount = 0;
    for (ScoringKey key : KEYS) {
      for (int i = 0; i < STEPS; i++) {
        long t = START + i * STEP;
        Double latency = expected(key, "latency", t);
        Double errors = expected(key, "errors", t);
        Sample sample = byKeyAndTime.get(key + "@" + t);
        if (latency == null && errors == null) {
          assertNull(sample, key + " at step " + i + " has no data and must not be emitted");
          continue;
        }
        expectedCount++;
        assertTrue(sample != null, key + " at step " + i + " missing");
        assertEquals(latency, sample.values().get("latency"), key + " latency at step " + i);
        assertEquals(errors, sample.values().get("errors"), key + " errors at step " + i);
      }
    }
    assertEquals(expectedCount, messages.size());
    // the gap: forward-filled by Prometheus' lookback for 5 steps, then null
    assertEquals(
        0.1 + 0.01 + 39 * 0.001 + 0.5,
        byKeyAndTime.get(CHECKOUT_CANARY + "@" + (START + 44 * STEP)).values().get("latency"),
        1e-12);
    assertNull(
        byKeyAndTime.get(CHECKOUT_CANARY + "@" + (START + 45 * STEP)).values().get("latency"));
    assertNull(
        byKeyAndTime.get(CART_STABLE + "@" + (START + 10 * STEP)).values().get("errors"),
        "NaN is null");
    assertFalse(byKeyAndTime.keySet().stream().anyMatch(k -> k.contains("orphan")));
    assertEquals(STEPS, (long) metrics.stepsFetched.get());
    assertTrue(metrics.seriesSkipped.labelValues("missing_label").get() > 0);
    assertTrue(metrics.nonFiniteValues.get() >= 1);
  }

  @Test
  void restartResumesAfterTheAckedOffsetWithoutGapsOrDuplicates() {
    AckedOffsetStore store = freshOffsetStore(START - STEP);
    long now = END + DELAY.toMillis();
    PrometheusSourcer first =
        sourcer(prometheus.url(), SPECS, store, SourceFixtures.metrics(), now);
    List<Message> firstRead = readAll(first);
    long cut = START + 20 * STEP;
    List<Message> acked = new ArrayList<>();
    List<Message> partial = new ArrayList<>();
    for (Message m : firstRead) {
      long t = SourceFixtures.decode(m).timestamp();
      if (t < cut) {
        acked.add(m);
      } else if (t == cut && partial.isEmpty()) {
        partial.add(m);
      }
    }
    // acks arrive out of order and twice; the half-acked step 20 is not committed
    List<Message> reversed = new ArrayList<>(acked);
    java.util.Collections.reverse(reversed);
    ack(first, reversed);
    ack(first, partial);
    ack(first, acked);
    first.ack(
        SourcerTestKit.TestAckRequest.builder()
            .offsets(List.of(new Offset("garbage".getBytes(StandardCharsets.US_ASCII), 0)))
            .build());
    assertEquals(cut - STEP, first.ackedOffset());
    assertEquals(cut - STEP, store.load().getAsLong());

    // "crash": a new process with the same Redis key
    PrometheusSourcer second =
        sourcer(prometheus.url(), SPECS, store, SourceFixtures.metrics(), now);
    assertEquals(cut, second.nextStep());
    List<Message> secondRead = readAll(second);
    TreeSet<Long> firstSteps = new TreeSet<>();
    acked.forEach(m -> firstSteps.add(SourceFixtures.decode(m).timestamp()));
    TreeSet<Long> secondSteps = new TreeSet<>();
    secondRead.forEach(m -> secondSteps.add(SourceFixtures.decode(m).timestamp()));
    assertEquals(cut, secondSteps.first(), "resumes at the first unacked step");
    assertEquals(END, secondSteps.last());
    assertTrue(
        java.util.Collections.disjoint(firstSteps, secondSteps), "no acked step is read again");
    // together: every step once, and the re-read messages equal the first read's
    assertEquals(firstRead.size(), acked.size() + secondRead.size());
    ack(second, secondRead);
    assertEquals(END, second.ackedOffset());
    assertEquals(END, store.load().getAsLong());
  }

  @Test
  void anOffsetThatCannotBeSavedIsCountedAndSavedWithTheNextAck() {
    try (RedisServer own = RedisServer.start();
        JedisPooled ownJedis = RedisConnections.open(RedisSettings.of(own.url()))) {
      AckedOffsetStore store =
          new AckedOffsetStore(ownJedis, "rg-test:offset", Duration.ofHours(1));
      store.save(END - 4 * STEP);
      SourceMetrics metrics = SourceFixtures.metrics();
      PrometheusSourcer sourcer =
          sourcer(prometheus.url(), SPECS, store, metrics, END + DELAY.toMillis());
      List<Message> messages = readAll(sourcer);
      assertEquals(4 * KEYS.size(), messages.size());
      own.stop();
      ack(sourcer, messages.subList(0, KEYS.size()));
      assertEquals(END - 3 * STEP, sourcer.ackedOffset(), "advanced in memory");
      assertEquals(1, (long) metrics.offsetStoreErrors.get());
      own.restart();
      ack(sourcer, messages.subList(KEYS.size(), 2 * KEYS.size()));
      assertEquals(END - 2 * STEP, store.load().getAsLong());
    }
  }

  @Test
  void aBadQueryLeavesItsMetricNullAndTheOthersFlow() {
    SourceMetrics metrics = SourceFixtures.metrics();
    List<MetricSpec> specs =
        List.of(
            SourceFixtures.metric("latency", "max by ({{by}}) (rg_latency_seconds{{{selector}}}"),
            SourceFixtures.metric("errors", "rg_error_ratio{{{selector}}}"));
    PrometheusSourcer sourcer =
        sourcer(
            prometheus.url(),
            specs,
            freshOffsetStore(END - 5 * STEP),
            metrics,
            END + DELAY.toMillis());
    List<Message> messages = readAll(sourcer);
    assertEquals(5 * KEYS.size(), messages.size());
    for (Message m : messages) {
      Sample s = SourceFixtures.decode(m);
      assertNull(s.values().get("latency"));
      assertEquals(expected(s.key(), "errors", s.timestamp()), s.values().get("errors"));
    }
    assertTrue(metrics.prometheusErrors.labelValues("bad_query").get() >= 1);
  }

  @Test
  void unavailablePrometheusEmitsNothingAndDoesNotAdvance() {
    SourceMetrics metrics = SourceFixtures.metrics();
    URI closed = URI.create("http://127.0.0.1:" + closedPort());
    PrometheusSourcer sourcer =
        sourcer(closed, SPECS, freshOffsetStore(END - 5 * STEP), metrics, END + DELAY.toMillis());
    assertTrue(readAll(sourcer).isEmpty());
    assertEquals(END - 4 * STEP, sourcer.nextStep());
    assertEquals(END - 5 * STEP, sourcer.ackedOffset());
    assertTrue(metrics.prometheusErrors.labelValues("unavailable").get() >= 1);
    assertTrue(metrics.prometheusRetries.get() >= 1);
  }

  @Test
  void afterAnOutageTheSameStepsAreReadOnceThePrometheusIsBackAndTheBackoffIsOver()
      throws Exception {
    SourceMetrics metrics = SourceFixtures.metrics();
    int port = closedPort();
    SettableTicker backoffClock = new SettableTicker();
    PrometheusSourcer sourcer =
        new PrometheusSourcer(
            settings(50),
            SourceFixtures.fetcher(URI.create("http://127.0.0.1:" + port), SPECS, metrics),
            freshOffsetStore(END - 3 * STEP),
            metrics,
            new SettableClock(END + DELAY.toMillis()),
            backoffClock::read,
            0);
    assertTrue(readAll(sourcer).isEmpty());
    try (PrometheusServer back =
        PrometheusServer.builder().port(port).openMetrics(backfill).start()) {
      assertTrue(readAll(sourcer).isEmpty(), "no fetch before the failure back-off is over");
      backoffClock.advance(FAILURE_BACKOFF);
      List<Message> messages = readAll(sourcer);
      TreeSet<Long> steps = new TreeSet<>();
      messages.forEach(m -> steps.add(SourceFixtures.decode(m).timestamp()));
      assertEquals(List.of(END - 2 * STEP, END - STEP, END), List.copyOf(steps));
      assertEquals(3 * KEYS.size(), messages.size());
    }
  }

  @Test
  void pendingCountsBufferedAndReadyStepsAndTheTestKitServesPendingAndPartitions()
      throws Exception {
    SourceMetrics metrics = SourceFixtures.metrics();
    PrometheusSourcer sourcer =
        new PrometheusSourcer(
            settings(2),
            SourceFixtures.fetcher(prometheus.url(), SPECS, metrics),
            freshOffsetStore(END - 10 * STEP),
            metrics,
            new SettableClock(END + DELAY.toMillis()),
            0);
    assertEquals(
        10, sourcer.getPending(), "before the first fetch: one message per ready step at least");
    SourcerTestKit.TestListBasedObserver observer = new SourcerTestKit.TestListBasedObserver();
    sourcer.read(
        SourcerTestKit.TestReadRequest.builder().count(4).timeout(Duration.ofMillis(100)).build(),
        observer);
    assertEquals(4, observer.getMessages().size());
    // 2 steps fetched x 3 keys = 6, 4 read -> 2 buffered; 8 steps unfetched x 3 keys
    assertEquals(2 + 8 * 3, sourcer.getPending());

    SourcerTestKit kit =
        new SourcerTestKit(sourcer, GRPCConfig.newBuilder().isLocal(true).port(50150).build());
    kit.startServer();
    SourcerTestKit.Client client = new SourcerTestKit.Client("localhost", 50150);
    try {
      assertEquals(26, client.sendPendingRequest());
      assertEquals(List.of(0), client.sendGetPartitionsRequest());
    } finally {
      client.close();
      kit.stopServer();
    }
  }

  private static int closedPort() {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
