package io.rollguard.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rollguard.testsupport.RedisServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import redis.clients.jedis.JedisPooled;

/**
 * {@code rollguard run --redis-url}: the Redis registry and the Redis store of a real redis-server.
 */
class RunWithRedisTest {

  @TempDir Path tmp;

  @Test
  void registryAndStoreLiveInRedis() throws Exception {
    try (RedisServer redis = RedisServer.start()) {
      StringWriter out = new StringWriter();
      CommandLine cl = new CommandLine(new RunCommand());
      cl.setOut(new PrintWriter(out, true));
      cl.setErr(new PrintWriter(out, true));
      int code =
          cl.execute(
              "--redis-url",
              redis.url().toString(),
              "--history-days",
              "2",
              "--canary-minutes",
              "40",
              "--expect",
              "fail",
              "--work-dir",
              tmp.resolve("work").toString(),
              "--report",
              tmp.resolve("r.html").toString());

      assertEquals(0, code, out.toString());
      assertTrue(out.toString().contains("Redis registry and Redis store at"), out.toString());
      assertTrue(Files.notExists(tmp.resolve("work").resolve("registry")), "no directory registry");
      try (JedisPooled jedis = new JedisPooled(redis.url())) {
        assertTrue(
            jedis.exists("rollguard:model:{demo:checkout}:latest"),
            "the trainer saved to the Redis registry");
        long canaryHistory =
            jedis.zcard("rollguard:store:history:demo:checkout:canary:" + LocalRun.CANARY_HASH);
        assertTrue(
            canaryHistory >= 30,
            "every canary window's record is in the Redis store: " + canaryHistory);
      }
    }
  }
}
