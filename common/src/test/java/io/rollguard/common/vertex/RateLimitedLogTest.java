package io.rollguard.common.vertex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.rollguard.common.LogValues;
import io.rollguard.testsupport.SettableTicker;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

class RateLimitedLogTest {

  private static final Duration INTERVAL = Duration.ofSeconds(60);

  private final SettableTicker clock = new SettableTicker();
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private Logger logger;

  @BeforeEach
  void captureLogger() {
    clock.advance(Duration.ofSeconds(1));
    logger = (Logger) LoggerFactory.getLogger("rollguard.test.ratelimited." + System.nanoTime());
    logger.setAdditive(false);
    logger.setLevel(Level.INFO);
    appender.start();
    logger.addAppender(appender);
  }

  @AfterEach
  void detach() {
    logger.detachAppender(appender);
  }

  private RateLimitedLog limiter(int maxKeys) {
    return new RateLimitedLog(logger, INTERVAL, maxKeys, clock::read);
  }

  private void advance(Duration d) {
    clock.advance(d);
  }

  @Test
  void firstOccurrenceIsLoggedAndRepeatsWithinTheIntervalAreSuppressed() {
    RateLimitedLog log = limiter(10);

    assertTrue(log.warn("bad-json", "malformed payload: {}", "unexpected token"));
    assertFalse(log.warn("bad-json", "malformed payload: {}", "unexpected token"));
    advance(INTERVAL.minusSeconds(1));
    assertFalse(log.warn("bad-json", "malformed payload: {}", "eof"));

    List<ILoggingEvent> events = appender.list;
    assertEquals(1, events.size());
    assertEquals(Level.WARN, events.get(0).getLevel());
    assertEquals("malformed payload: unexpected token", events.get(0).getFormattedMessage());
    assertEquals("bad-json", keyValues(events.get(0)).get("logKey"));
    assertFalse(keyValues(events.get(0)).containsKey("suppressed"));
  }

  @Test
  void afterTheIntervalTheNextLineCarriesTheSuppressedCount() {
    RateLimitedLog log = limiter(10);
    log.warn("bad-json", "malformed payload {}", 1);
    log.warn("bad-json", "malformed payload {}", 2);
    log.warn("bad-json", "malformed payload {}", 3);

    advance(INTERVAL);
    assertTrue(log.warn("bad-json", "malformed payload {}", 4));
    advance(INTERVAL);
    assertTrue(log.warn("bad-json", "malformed payload {}", 5));

    List<ILoggingEvent> events = appender.list;
    assertEquals(3, events.size());
    assertEquals("malformed payload 4", events.get(1).getFormattedMessage());
    assertEquals(2L, keyValues(events.get(1)).get("suppressed"));
    assertFalse(keyValues(events.get(2)).containsKey("suppressed"), "count was reset");
  }

  @Test
  void keysAreLimitedIndependently() {
    RateLimitedLog log = limiter(10);

    assertTrue(log.warn("missing-metric:latency", "metric {} missing", "latency"));
    assertTrue(log.warn("missing-metric:errors", "metric {} missing", "errors"));
    assertFalse(log.warn("missing-metric:latency", "metric {} missing", "latency"));

    assertEquals(2, appender.list.size());
  }

  @Test
  void levelsAreKeptAndATrailingThrowableIsTheCause() {
    RateLimitedLog log = limiter(10);
    IllegalArgumentException cause = new IllegalArgumentException("bad window");

    log.error("reduce-failed", "window for {} failed", "ns/app", cause);
    log.info("config-note", "using default step");

    ILoggingEvent error = appender.list.get(0);
    assertEquals(Level.ERROR, error.getLevel());
    assertEquals("window for ns/app failed", error.getFormattedMessage());
    assertNotNull(error.getThrowableProxy());
    assertEquals("bad window", error.getThrowableProxy().getMessage());
    assertEquals(Level.INFO, appender.list.get(1).getLevel());
  }

  @Test
  void theLeastRecentlySeenKeyIsForgottenBeyondMaxKeys() {
    RateLimitedLog log = limiter(2);
    log.warn("a", "a");
    log.warn("b", "b");
    log.warn("c", "c"); // forgets "a"

    assertTrue(log.warn("a", "a"), "forgotten key logs again");
    assertFalse(log.warn("c", "c"), "remembered key stays limited");
  }

  @Test
  void aDisabledLevelLogsNothingAndKeepsNoState() {
    logger.setLevel(Level.ERROR);
    RateLimitedLog log = limiter(10);

    assertFalse(log.warn("bad-json", "ignored"));
    logger.setLevel(Level.INFO);
    assertTrue(log.warn("bad-json", "first real line"));
    assertFalse(keyValues(appender.list.get(0)).containsKey("suppressed"));
  }

  @Test
  void everyArgumentIsBoundedAndNumbersAndTheCauseStayAsTheyAre() {
    RateLimitedLog log = limiter(10);
    String huge = "v".repeat(1_000_000);
    IllegalStateException cause = new IllegalStateException("boom");

    log.warn("malformed_json", "value {} count {} flag {}", huge, 42L, true, cause);

    ILoggingEvent event = appender.list.get(0);
    String message = event.getFormattedMessage();
    assertTrue(message.length() < LogValues.MAX_DETAIL_CHARS + 100, message.length() + " chars");
    assertTrue(message.contains("…(1000000 chars)"), "says how long the value was");
    assertTrue(message.endsWith(" count 42 flag true"), message.substring(message.length() - 30));
    assertEquals("boom", event.getThrowableProxy().getMessage());
  }

  @Test
  void invalidSettingsAreRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new RateLimitedLog(logger, Duration.ZERO, 10, clock::read));
    assertThrows(
        IllegalArgumentException.class, () -> new RateLimitedLog(logger, INTERVAL, 0, clock::read));
  }

  private static Map<String, Object> keyValues(ILoggingEvent event) {
    Map<String, Object> map = new HashMap<>();
    List<KeyValuePair> pairs = event.getKeyValuePairs();
    if (pairs != null) {
      pairs.forEach(kv -> map.put(kv.key, kv.value));
    }
    return map;
  }
}
