package io.rollguard.cli.bench;

import com.google.protobuf.Empty;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.kqueue.KQueue;
import io.netty.channel.kqueue.KQueueDomainSocketChannel;
import io.netty.channel.kqueue.KQueueEventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.numaproj.numaflow.map.v1.MapGrpc;
import io.numaproj.numaflow.map.v1.MapOuterClass.Handshake;
import io.numaproj.numaflow.map.v1.MapOuterClass.MapRequest;
import io.numaproj.numaflow.map.v1.MapOuterClass.MapResponse;
import io.numaproj.numaflow.map.v1.MapOuterClass.TransmissionStatus;
import io.numaproj.numaflow.mapper.Message;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * A load generator that speaks the map protocol the way Numaflow's data plane (numa, 1.4 and later)
 * does: one bidirectional {@code map.v1.Map/MapFn} stream, a handshake ({@code sot=true}) first,
 * then requests with unique ids; responses are matched by id. Against a unary map server numa keeps
 * up to N requests in flight ({@link #run}); against a batch-map server it sends a batch of N and
 * an end-of-transmission request, and the next batch once the server has answered all of them and
 * sent its end-of-transmission ({@link #runBatches}; numa 1.8 {@code mapper/map/batch.rs}). numa's
 * default N is 500 ({@code limits.readBatchSize}, which also bounds {@code concurrency}).
 *
 * <p>Transports: a Unix domain socket (what a vertex pod uses: the SDK's server listens on {@code
 * /var/run/numaflow/map.sock} through Netty epoll) or TCP on loopback (the SDK's local mode, which
 * its TestKit uses).
 *
 * <p>Latency of a message = from handing the request to the stream to receiving its response. The
 * responses arrive on the channel's single event-loop thread (direct executor), which also sends
 * the next request, so the client adds no thread hop of its own.
 */
final class MapStreamClient implements AutoCloseable {

  /** The results of one timed run. */
  record Run(int messages, double seconds, long[] latencyNanos) {
    double messagesPerSecond() {
      return messages / seconds;
    }

    Percentiles percentiles() {
      return Percentiles.of(latencyNanos, messages);
    }
  }

  private static final TransmissionStatus END_OF_TRANSMISSION =
      TransmissionStatus.newBuilder().setEot(true).build();

  /** Upper bound on the messages of one run (the latency array is allocated up front). */
  static final int MAX_MESSAGES_PER_RUN = 2_000_000;

  private final ManagedChannel channel;
  private final EventLoopGroup eventLoop;
  private StreamObserver<MapRequest> requests;
  private final Predicate<MapResponse> forwarded;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final CompletableFuture<Void> handshake = new CompletableFuture<>();

  // Per run; written by the sending thread before it starts, read by the event loop.
  private volatile RunState state;

  private MapStreamClient(
      ManagedChannel channel, EventLoopGroup eventLoop, Predicate<MapResponse> forwarded) {
    this.channel = channel;
    this.eventLoop = eventLoop;
    this.forwarded = forwarded;
  }

  /**
   * Connects to a map server on a Unix domain socket, as numa does in a vertex pod.
   *
   * @param forwarded whether a response is a real result (e.g. not a drop): a run fails on the
   *     first response that is not, since its figure would measure something else
   */
  static MapStreamClient unixSocket(Path socket, Predicate<MapResponse> forwarded) {
    EventLoopGroup group;
    NettyChannelBuilder builder =
        NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()));
    if (Epoll.isAvailable()) {
      group = new EpollEventLoopGroup(1, new DefaultThreadFactory("bench-client", true));
      builder.channelType(EpollDomainSocketChannel.class);
    } else if (KQueue.isAvailable()) {
      group = new KQueueEventLoopGroup(1, new DefaultThreadFactory("bench-client", true));
      builder.channelType(KQueueDomainSocketChannel.class);
    } else {
      throw new IllegalStateException(
          "a Unix domain socket needs Netty epoll (Linux) or kqueue (macOS); use --transport tcp");
    }
    return open(builder.eventLoopGroup(group), group, forwarded);
  }

  /** Connects to a map server in the SDK's local mode (TCP on loopback). */
  static MapStreamClient tcp(int port, Predicate<MapResponse> forwarded) {
    EventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory("bench-client", true));
    NettyChannelBuilder builder =
        NettyChannelBuilder.forAddress(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
            .channelType(NioSocketChannel.class)
            .eventLoopGroup(group);
    return open(builder, group, forwarded);
  }

  private static MapStreamClient open(
      NettyChannelBuilder builder, EventLoopGroup group, Predicate<MapResponse> forwarded) {
    ManagedChannel channel =
        builder
            .usePlaintext()
            .directExecutor()
            .maxInboundMessageSize(64 * 1024 * 1024) // numa's and the SDK's default
            .build();
    return new MapStreamClient(channel, group, forwarded);
  }

  /** The server's readiness probe ({@code IsReady}), which numa calls before streaming. */
  private boolean isReady() {
    return MapGrpc.newBlockingStub(channel)
        .withDeadlineAfter(1, TimeUnit.SECONDS)
        .isReady(Empty.getDefaultInstance())
        .getReady();
  }

  /**
   * Waits until {@code IsReady} answers true (the SDK writes its server-info file before it binds
   * the socket), then opens the stream, sends the handshake and waits for its echo.
   */
  void awaitReadyAndHandshake(long timeoutMillis) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (true) {
      try {
        if (isReady()) {
          break;
        }
      } catch (io.grpc.StatusRuntimeException e) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("map server not ready: " + e.getStatus(), e);
        }
      }
      Thread.sleep(50);
    }
    requests = MapGrpc.newStub(channel).mapFn(new Responses());
    requests.onNext(
        MapRequest.newBuilder().setHandshake(Handshake.newBuilder().setSot(true)).build());
    handshake.get(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
  }

  /**
   * Sends the inputs round-robin for {@code nanos}, keeping {@code inFlight} requests outstanding,
   * then waits for the last responses. Every send after the first {@code inFlight} happens in the
   * callback of a response, on the channel's event loop (a closed loop, as numa refills its
   * window), so the load generator adds no thread hand-off per message.
   */
  Run run(List<MapRequest.Request> inputs, int inFlight, long nanos) throws Exception {
    return run(inputs, inFlight, nanos, false);
  }

  /**
   * Sends the inputs round-robin for {@code nanos} as numa drives a batch-map server: a batch of
   * {@code batchSize} requests, then an end-of-transmission request; the next batch once every
   * response of this one and the server's end-of-transmission have arrived (numa maps one batch at
   * a time per pod). Latency is still per message, from its send to its response.
   */
  Run runBatches(List<MapRequest.Request> inputs, int batchSize, long nanos) throws Exception {
    return run(inputs, batchSize, nanos, true);
  }

  private Run run(List<MapRequest.Request> inputs, int inFlight, long nanos, boolean batches)
      throws Exception {
    if (requests == null) {
      throw new IllegalStateException("awaitReadyAndHandshake first");
    }
    if (inputs.isEmpty() || inFlight < 1) {
      throw new IllegalArgumentException("need inputs and inFlight >= 1");
    }
    RunState run = new RunState(inputs, nanos, batches ? inFlight : 0);
    state = run;
    eventLoop.execute(() -> run.start(inFlight));
    if (!run.done.await(nanos / 1_000_000 + 60_000, TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("map server did not answer within 60 s of the run's end");
    }
    throwIfFailed();
    if (run.received != run.sent) {
      throw new IllegalStateException("sent " + run.sent + " requests, got " + run.received);
    }
    return new Run(run.sent, (run.lastResponse - run.started) / 1e9, run.latency);
  }

  private void throwIfFailed() {
    Throwable t = failure.get();
    if (t != null) {
      throw new IllegalStateException("map stream failed: " + t.getMessage(), t);
    }
  }

  @Override
  public void close() {
    if (requests != null) {
      try {
        requests.onCompleted();
      } catch (IllegalStateException e) {
        // the stream already ended (server gone); nothing to complete
      }
    }
    try {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      eventLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * One run's state. Touched only on the channel's event loop (which also delivers the responses)
   * until {@link #done} opens, which publishes it to the caller.
   */
  private final class RunState {
    final List<MapRequest.Request> inputs;
    final long nanos;
    final int batchSize; // 0: unary, keep the window full
    final long[] latency = new long[MAX_MESSAGES_PER_RUN]; // send time until the response
    final CountDownLatch done = new CountDownLatch(1);
    long started;
    long end;
    long lastResponse;
    int sent;
    int received;
    boolean stopped;

    RunState(List<MapRequest.Request> inputs, long nanos, int batchSize) {
      this.inputs = inputs;
      this.nanos = nanos;
      this.batchSize = batchSize;
    }

    void start(int inFlight) {
      started = System.nanoTime();
      end = started + nanos;
      lastResponse = started;
      if (batchSize > 0) {
        sendBatch();
        return;
      }
      for (int i = 0; i < inFlight && sendNext(); i++) {
        // sendNext does the work
      }
      finishIfDrained();
    }

    /** A batch and its end-of-transmission marker, as numa's batch map client sends them. */
    void sendBatch() {
      int count = 0;
      while (count < batchSize && sendNext()) {
        count++;
      }
      if (count > 0) {
        requests.onNext(MapRequest.newBuilder().setStatus(END_OF_TRANSMISSION).build());
      }
      finishIfDrained();
    }

    /** The server's end of a batch: every response must be in, then the next batch goes. */
    void batchEnded() {
      if (received != sent) {
        failure.compareAndSet(
            null,
            new IllegalStateException(
                "end of transmission after " + received + " of " + sent + " responses"));
        abort();
        return;
      }
      sendBatch();
    }

    boolean sendNext() {
      long now = System.nanoTime();
      if (stopped || now >= end || sent == MAX_MESSAGES_PER_RUN) {
        stopped = true;
        return false;
      }
      latency[sent] = now;
      requests.onNext(
          MapRequest.newBuilder()
              .setRequest(inputs.get(sent % inputs.size()))
              .setId(Integer.toString(sent))
              .build());
      sent++;
      return true;
    }

    void answered(int id, long now) {
      latency[id] = now - latency[id];
      lastResponse = now;
      received++;
      if (batchSize == 0) {
        sendNext();
        finishIfDrained();
      }
    }

    void abort() {
      stopped = true;
      done.countDown();
    }

    private void finishIfDrained() {
      if (stopped && received == sent) {
        done.countDown();
      }
    }
  }

  private final class Responses implements StreamObserver<MapResponse> {
    @Override
    public void onNext(MapResponse response) {
      long now = System.nanoTime();
      if (response.hasHandshake()) {
        handshake.complete(null);
        return;
      }
      RunState run = Objects.requireNonNull(state, "response before any request");
      if (response.hasStatus() && response.getStatus().getEot()) {
        run.batchEnded();
        return;
      }
      int id = Integer.parseInt(response.getId());
      if (!forwarded.test(response)) {
        failure.compareAndSet(
            null,
            new IllegalStateException(
                "request " + id + " was not forwarded (dropped or rejected): " + response));
        run.stopped = true;
      }
      run.answered(id, now);
    }

    @Override
    public void onError(Throwable t) {
      failure.compareAndSet(null, t);
      handshake.completeExceptionally(t);
      RunState run = state;
      if (run != null) {
        run.abort();
      }
    }

    @Override
    public void onCompleted() {
      onError(new IllegalStateException("the server ended the map stream"));
    }
  }

  /** A response whose first result is neither empty nor tagged as a drop. */
  static boolean notDropped(MapResponse response) {
    if (response.getResultsCount() == 0) {
      return false;
    }
    MapResponse.Result first = response.getResults(0);
    return !first.getValue().isEmpty() && !first.getTagsList().contains(Message.DROP);
  }
}
