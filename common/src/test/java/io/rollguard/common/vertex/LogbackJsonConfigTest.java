package io.rollguard.common.vertex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rollguard.common.payload.ScoringKey;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.slf4j.event.KeyValuePair;

/** The shipped logback.xml writes one JSON object per line, with the MDC and key-value pairs. */
class LogbackJsonConfigTest {

  @Test
  @SuppressWarnings("try") // the resource is the MDC scope itself
  void shippedConfigurationEncodesOneJsonObjectPerLineWithMdcAndKeyValues() throws Exception {
    // A private context configured from the shipped file, so that a test-only logback config on
    // the classpath cannot change what is checked. It shares SLF4J's MDC (the one ScoringKeyMdc
    // uses).
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(MDC.getMDCAdapter());
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    URL config = getClass().getClassLoader().getResource("logback.xml");
    assertNotNull(config, "logback.xml on the classpath");
    configurator.doConfigure(config);
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    assertEquals(Level.INFO, root.getLevel());
    ConsoleAppender<ILoggingEvent> stdout =
        (ConsoleAppender<ILoggingEvent>) root.getAppender("STDOUT");
    assertNotNull(stdout, "STDOUT appender on the root logger");
    Encoder<ILoggingEvent> encoder = stdout.getEncoder();

    String line;
    try (ScoringKeyMdc ignored =
        ScoringKeyMdc.put(new ScoringKey("shop", "checkout", "canary", "7d9f8c"))) {
      LoggingEvent event =
          new LoggingEvent(
              Logger.FQCN,
              context.getLogger("io.rollguard.window"),
              Level.WARN,
              "dropped window: coverage {}",
              null,
              new Object[] {0.42});
      event.addKeyValuePair(new KeyValuePair("suppressed", 3L));
      event.prepareForDeferredProcessing();
      line = new String(encoder.encode(event), StandardCharsets.UTF_8);
    } finally {
      context.stop();
    }

    assertTrue(line.endsWith("\n"), "line-terminated");
    assertEquals(line.length() - 1, line.indexOf('\n'), "exactly one line: " + line);
    JsonNode json = new ObjectMapper().readTree(line);
    assertEquals("WARN", json.path("level").asText());
    assertEquals("io.rollguard.window", json.path("loggerName").asText());
    assertEquals("dropped window: coverage 0.42", json.path("formattedMessage").asText());
    assertTrue(json.path("timestamp").asLong() > 0, line);
    assertEquals("canary", json.path("mdc").path("role").asText(), line);
    assertEquals("7d9f8c", json.path("mdc").path("podTemplateHash").asText(), line);
    assertTrue(line.contains("\"suppressed\""), "key-value pairs kept: " + line);
    assertFalse(json.has("context"), "per-line logger context left out: " + line);
    assertFalse(json.has("sequenceNumber"), line);
  }
}
