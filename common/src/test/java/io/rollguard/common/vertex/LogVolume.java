package io.rollguard.common.vertex;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.LoggerFactory;

/**
 * Measures what a vertex would write to stdout: attached to the root logger, it encodes every event
 * with the production encoder settings (logback.xml's {@link JsonEncoder}) and counts lines and
 * bytes, without keeping them (a flood test on an unfixed build must not exhaust the heap).
 *
 * <pre>{@code
 * try (LogVolume logs = LogVolume.attach()) {
 *   ... // feed hostile input
 *   assertTrue(logs.bytes() < 64 * 1024);
 * }
 * }</pre>
 */
public final class LogVolume extends AppenderBase<ILoggingEvent> implements AutoCloseable {

  private final JsonEncoder encoder = new JsonEncoder();
  private final AtomicLong lines = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong largestLine = new AtomicLong();

  private LogVolume() {}

  /** Starts counting everything logged through the root logger. */
  public static LogVolume attach() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    LogVolume volume = new LogVolume();
    volume.setContext(context);
    volume.setName("log-volume");
    volume.encoder.setContext(context);
    volume.encoder.setWithSequenceNumber(false);
    volume.encoder.setWithNanoseconds(false);
    volume.encoder.setWithContext(false);
    volume.encoder.setWithMarkers(false);
    volume.encoder.setWithMessage(false);
    volume.encoder.setWithArguments(false);
    volume.encoder.setWithFormattedMessage(true);
    volume.encoder.start();
    volume.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(volume);
    return volume;
  }

  @Override
  protected void append(ILoggingEvent event) {
    long size = encoder.encode(event).length;
    lines.incrementAndGet();
    bytes.addAndGet(size);
    largestLine.accumulateAndGet(size, Math::max);
  }

  private static final byte[] HOSTILE = new byte[1 << 20];

  /**
   * A distinct hostile value of 1 MiB (ASCII): {@code i} in front, then filler. Each call allocates
   * a new string, as a decoder would for each bad message (one copy, not three: tests make 10 000).
   */
  public static synchronized String megabyteValue(int i) {
    java.util.Arrays.fill(HOSTILE, 0, 32, (byte) 'x');
    if (HOSTILE[HOSTILE.length - 1] != 'x') {
      java.util.Arrays.fill(HOSTILE, (byte) 'x');
    }
    byte[] prefix = ("hostile-" + i + "-").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    System.arraycopy(prefix, 0, HOSTILE, 0, prefix.length);
    return new String(HOSTILE, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  public long lines() {
    return lines.get();
  }

  public long bytes() {
    return bytes.get();
  }

  public long largestLine() {
    return largestLine.get();
  }

  @Override
  public String toString() {
    return lines() + " line(s), " + bytes() + " bytes, largest line " + largestLine() + " bytes";
  }

  @Override
  public void close() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(this);
    stop();
  }
}
