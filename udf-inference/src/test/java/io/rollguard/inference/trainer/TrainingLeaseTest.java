package io.rollguard.inference.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rollguard.common.config.RedisSettings;
import io.rollguard.common.redis.RedisConnections;
import io.rollguard.common.registry.EntityId;
import io.rollguard.testsupport.Poll;
import io.rollguard.testsupport.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/** Against a real redis-server: "replicas" with their own connections race for one entity. */
class TrainingLeaseTest {

  private static final EntityId SHOP = new EntityId("shop", "checkout");
  private static RedisServer server;
  private static JedisPooled jedisA;
  private static JedisPooled jedisB;

  @BeforeAll
  static void start() {
    server = RedisServer.start();
    jedisA = RedisConnections.open(RedisSettings.of(server.url()));
    jedisB = RedisConnections.open(RedisSettings.of(server.url()));
  }

  @AfterAll
  static void stop() {
    jedisA.close();
    jedisB.close();
    server.close();
  }

  @Test
  void racingTrainersOnlyOneWins() throws Exception {
    List<TrainingLease> replicas =
        List.of(
            new TrainingLease(jedisA, "race:", "pod-a"),
            new TrainingLease(jedisB, "race:", "pod-b"),
            new TrainingLease(jedisA, "race:", "pod-c"),
            new TrainingLease(jedisB, "race:", "pod-d"));
    ExecutorService pool = Executors.newFixedThreadPool(replicas.size());
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Optional<TrainingLease.Held>>> attempts = new ArrayList<>();
    for (TrainingLease replica : replicas) {
      attempts.add(
          pool.submit(
              () -> {
                go.await();
                return replica.tryAcquire(SHOP, Duration.ofSeconds(30));
              }));
    }
    go.countDown();
    int winners = 0;
    for (Future<Optional<TrainingLease.Held>> attempt : attempts) {
      winners += attempt.get().isPresent() ? 1 : 0;
    }
    pool.shutdown();
    assertEquals(1, winners);
  }

  @Test
  void releaseLetsTheNextTrainerInButAnExpiredHolderCannotRemoveItsSuccessor() throws Exception {
    TrainingLease podA = new TrainingLease(jedisA, "rel:", "pod-a");
    TrainingLease podB = new TrainingLease(jedisB, "rel:", "pod-b");

    TrainingLease.Held a = podA.tryAcquire(SHOP, Duration.ofSeconds(30)).orElseThrow();
    assertTrue(podB.tryAcquire(SHOP, Duration.ofSeconds(30)).isEmpty(), "held by A");
    // A's lease expires (e.g. A stalled in a GC pause). Expiry runs on the Redis server's clock:
    // the rest of the TTL is cut to 1 ms rather than waited out.
    assertEquals(1L, jedisA.pexpire(podA.key(SHOP), 1));
    Poll.until("A's lease expired", Duration.ofSeconds(10), () -> podA.holder(SHOP).isEmpty());

    TrainingLease.Held b = podB.tryAcquire(SHOP, Duration.ofSeconds(30)).orElseThrow();
    a.close(); // late release by the old holder: must not delete B's lease
    assertFalse(a.renew(Duration.ofSeconds(30)), "A lost its lease");
    assertEquals(Optional.of(b.token()), podA.holder(SHOP));
    assertTrue(b.token().startsWith("pod-b:"));

    b.close();
    assertTrue(podA.holder(SHOP).isEmpty());
    try (TrainingLease.Held again = podA.tryAcquire(SHOP, Duration.ofSeconds(30)).orElseThrow()) {
      assertTrue(again.renew(Duration.ofSeconds(60)));
    }
  }
}
