package io.rollguard.store;

import static io.rollguard.store.StoreFixtures.CANARY;
import static io.rollguard.store.StoreFixtures.datum;
import static io.rollguard.store.StoreFixtures.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.numaproj.numaflow.sinker.Datum;
import io.numaproj.numaflow.sinker.DatumIterator;
import io.numaproj.numaflow.sinker.Response;
import io.numaproj.numaflow.sinker.ResponseList;
import io.numaproj.numaflow.sinker.SinkerTestKit;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.config.RedisSettings;
import io.rollguard.common.redis.RedisConnections;
import io.rollguard.testsupport.Poll;
import io.rollguard.testsupport.PrometheusServer;
import io.rollguard.testsupport.RedisServer;
import io.rollguard.testsupport.SettableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/** Redis stopped in the middle of a batch, and while serving HTTP. */
class RedisOutageTest {

  /** A batch that arrives over time, ended by an explicit marker like Numaflow's end of batch. */
  private static final class StreamingIterator implements DatumIterator {
    private static final Datum END = StoreFixtures.datum("end-of-batch", new byte[0]);
    private final BlockingQueue<Datum> queue = new LinkedBlockingQueue<>();

    void addDatum(Datum datum) {
      queue.add(datum);
    }

    void end() {
      queue.add(END);
    }

    @Override
    public Datum next() throws InterruptedException {
      Datum next = queue.take();
      return next == END ? null : next;
    }
  }

  private static final long NOW = 1_800_000_000_000L;

  @Test
  void redisStoppedMidBatchFailsTheUnwrittenRecordsAndSucceedsAfterRestart() throws Exception {
    try (RedisServer redis = RedisServer.start();
        JedisPooled jedis = RedisConnections.open(RedisSettings.of(redis.url()))) {
      StoreMetrics metrics = new StoreMetrics(new PrometheusRegistry());
      StoreKeys keys = new StoreKeys("rg:");
      AnomalyStoreSink sink =
          new AnomalyStoreSink(
              new AnomalyStoreWriter(
                  jedis, keys, 100, Duration.ofHours(1), new SettableClock(NOW), metrics),
              StoreFixtures.METRICS,
              MalformedRecordPolicy.FAILURE,
              metrics,
              10);

      // Not the SDK's TestBlockingIterator: its close() drops a datum still in its queue.
      StreamingIterator iterator = new StreamingIterator();
      CompletableFuture<ResponseList> batch =
          CompletableFuture.supplyAsync(() -> sink.processMessages(iterator));
      for (int i = 0; i < 10; i++) {
        iterator.addDatum(datum("a" + i, record(CANARY, NOW - i * 60_000L, 5.0, "cpu")));
      }
      // the first chunk of 10 is written as soon as it is complete
      Poll.until(
          "the first chunk written",
          Duration.ofSeconds(10),
          () -> metrics.records.labelValues("written").get() >= 10);
      assertEquals(10, (long) metrics.records.labelValues("written").get());
      redis.stop();
      List<SinkerTestKit.TestDatum> late = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        SinkerTestKit.TestDatum d =
            datum("b" + i, record(CANARY, NOW - (10 + i) * 60_000L, 5.0, "cpu"));
        late.add(d);
        iterator.addDatum(d);
      }
      iterator.end();
      List<Response> responses = batch.get(30, TimeUnit.SECONDS).getResponses();
      assertEquals(20, responses.size());
      for (Response r : responses) {
        if (r.getId().startsWith("a")) {
          assertTrue(r.getSuccess(), r.getId());
        } else {
          assertFalse(r.getSuccess(), r.getId());
          assertTrue(r.getErr().contains("Redis unavailable"), r.getErr());
        }
      }
      assertEquals(10, (long) metrics.records.labelValues("failed").get());
      assertTrue(metrics.redisConnectionErrors.get() >= 1);

      // Numaflow re-sends the failed records once Redis is back
      redis.restart();
      SinkerTestKit.TestListIterator retry = new SinkerTestKit.TestListIterator();
      late.forEach(retry::addDatum);
      List<Response> retried = sink.processMessages(retry).getResponses();
      assertEquals(10, retried.size());
      retried.forEach(r -> assertTrue(r.getSuccess(), r.getId() + ": " + r.getErr()));
      assertEquals(
          10,
          new AnomalyStoreReader(jedis, keys).history(CANARY, 0, Long.MAX_VALUE).size(),
          "the restarted Redis is empty; it now holds exactly the re-sent records");
    }
  }

  @Test
  void withRedisDownMetricsStillServeOperationalMetricsAndVerdictIs503() throws Exception {
    try (RedisServer redis = RedisServer.start();
        JedisPooled jedis = RedisConnections.open(RedisSettings.of(redis.url()))) {
      PrometheusRegistry operational = new PrometheusRegistry();
      StoreMetrics metrics = new StoreMetrics(operational);
      SettableClock clock = new SettableClock(NOW);
      AnomalyStoreReader reader = new AnomalyStoreReader(jedis, new StoreKeys("rg:"));
      StoreHttpServer http =
          new StoreHttpServer(
              0,
              StoreVertexMain.storeRegistry(
                  operational,
                  new AnomalyScoreCollector(reader, Duration.ofMinutes(3), clock, metrics)),
              new VerdictService(reader, clock, StoreFixtures.judge()),
              metrics);
      try {
        redis.stop();
        var page = StoreFixtures.get(http.port(), "/metrics");
        assertEquals(200, page.statusCode());
        assertFalse(page.body().contains("rollguard_anomaly_score{"));
        assertTrue(
            page.body().contains("rollguard_store_read_errors_total{endpoint=\"metrics\"} 1"),
            page.body());
        assertEquals(0, PrometheusServer.checkMetrics(page.body()).exitCode());
        var verdict =
            StoreFixtures.get(
                http.port(), "/api/v1/verdict?namespace=shop&app=checkout&hash=c4n4ry");
        assertEquals(503, verdict.statusCode());
        assertTrue(verdict.body().contains("anomaly store unavailable"), verdict.body());
      } finally {
        http.stop();
      }
    }
  }
}
