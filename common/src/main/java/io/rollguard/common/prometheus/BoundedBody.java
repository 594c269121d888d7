package io.rollguard.common.prometheus;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A response body read under two bounds: at most {@code maxBytes} bytes, and nothing after the
 * request's deadline. Past the byte cap a read throws {@link TooLarge}; at the deadline a watchdog
 * closes the underlying stream, which ends a read blocked on a server that trickles its body (the
 * JDK client's own timeout covers the headers only), and {@link #expired()} turns true. The first
 * bytes are kept for error messages ({@link #head()}).
 */
final class BoundedBody extends FilterInputStream {

  /** Thrown by a read that would pass the byte cap. */
  static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    TooLarge(long maxBytes) {
      super("more than " + maxBytes + " bytes");
    }
  }

  private static final int HEAD_BYTES = 300;

  /** One daemon thread closes the bodies that outlive their deadline, for every client. */
  private static final ScheduledExecutorService WATCHDOG = watchdog();

  private final long maxBytes;
  private final ScheduledFuture<?> deadline;
  private final byte[] head = new byte[HEAD_BYTES];
  private int headLength;
  private long count;
  private volatile boolean expired;

  /** Starts the deadline watchdog: {@code remainingNanos} from now. */
  BoundedBody(InputStream in, long maxBytes, long remainingNanos) {
    super(in);
    this.maxBytes = maxBytes;
    this.deadline =
        WATCHDOG.schedule(this::expire, Math.max(0, remainingNanos), TimeUnit.NANOSECONDS);
  }

  private static ScheduledExecutorService watchdog() {
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "prometheus-body-deadline");
              t.setDaemon(true);
              return t;
            });
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }

  private void expire() {
    expired = true;
    try {
      in.close();
    } catch (IOException e) {
      // closing is all that matters: the reader gets an error or an end of stream
    }
  }

  /** Whether the deadline passed while the body was read (whatever the read then reported). */
  boolean expired() {
    return expired;
  }

  /** The first bytes read, as text, for an error message. */
  String head() {
    return new String(head, 0, headLength, StandardCharsets.UTF_8);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (count >= maxBytes) {
      // At the cap: one more byte means too large; the end of the stream means it just fit.
      int probe = super.read();
      if (probe < 0) {
        return -1;
      }
      throw new TooLarge(maxBytes);
    }
    int n = super.read(b, off, (int) Math.min(len, maxBytes - count));
    if (n > 0) {
      if (headLength < HEAD_BYTES) {
        int keep = Math.min(n, HEAD_BYTES - headLength);
        System.arraycopy(b, off, head, headLength, keep);
        headLength += keep;
      }
      count += n;
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] buffer = new byte[(int) Math.min(8192, Math.max(1, n))];
    long skipped = 0;
    while (skipped < n) {
      int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
      if (r < 0) {
        break;
      }
      skipped += r;
    }
    return skipped;
  }

  /** Reads at most {@code limit} more bytes as text (an error body; the rest is left unread). */
  String readText(int limit) throws IOException {
    return new String(readNBytes(limit), StandardCharsets.UTF_8);
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public void close() throws IOException {
    deadline.cancel(false);
    super.close();
  }
}
