package io.rollguard.window;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.numaproj.numaflow.reduce.v1.ReduceGrpc;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceRequest;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceRequest.WindowOperation.Event;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Speaks the reduce protocol the way Numaflow's Rust data plane does (numaflow v1.8.3 {@code
 * rust/numaflow-core/src/reduce/reducer/aligned/user_defined.rs} and {@code reducer.rs}): one
 * {@code ReduceFn} stream per window, no window headers, the window in every request's {@code
 * operation.windows} (one entry, slot "0"), OPEN with the window's first message then APPEND,
 * messages of every key multiplexed on the window's stream, and half-close (no CLOSE request) as
 * the close of book.
 */
final class RustStyleReduceClient {

  private final ReduceGrpc.ReduceStub stub;

  RustStyleReduceClient(ManagedChannel channel) {
    this.stub = ReduceGrpc.newStub(channel);
  }

  /** Opens the stream of one window; no metadata is attached. */
  WindowStream open(long windowStart, long windowEnd) {
    return new WindowStream(windowStart, windowEnd);
  }

  static Timestamp timestamp(long epochMillis) {
    return Timestamp.newBuilder()
        .setSeconds(Math.floorDiv(epochMillis, 1000))
        .setNanos(Math.floorMod(epochMillis, 1000) * 1_000_000)
        .build();
  }

  static long epochMillis(Timestamp t) {
    return t.getSeconds() * 1000 + t.getNanos() / 1_000_000;
  }

  final class WindowStream {
    final long start;
    final long end;
    private final List<ReduceResponse> responses = Collections.synchronizedList(new ArrayList<>());
    private final CompletableFuture<List<ReduceResponse>> done = new CompletableFuture<>();
    private final StreamObserver<ReduceRequest> requests;
    private boolean opened;

    private WindowStream(long start, long end) {
      this.start = start;
      this.end = end;
      this.requests =
          stub.reduceFn(
              new StreamObserver<>() {
                @Override
                public void onNext(ReduceResponse response) {
                  responses.add(response);
                }

                @Override
                public void onError(Throwable t) {
                  done.completeExceptionally(t);
                }

                @Override
                public void onCompleted() {
                  done.complete(List.copyOf(responses));
                }
              });
    }

    /** Sends one message: OPEN for the window's first, APPEND afterwards. */
    void send(String[] keys, byte[] value, long eventTime, long watermark) {
      ReduceOuterClass.Window window =
          ReduceOuterClass.Window.newBuilder()
              .setStart(timestamp(start))
              .setEnd(timestamp(end))
              .setSlot("0")
              .build();
      ReduceRequest request =
          ReduceRequest.newBuilder()
              .setPayload(
                  ReduceRequest.Payload.newBuilder()
                      .addAllKeys(List.of(keys))
                      .setValue(ByteString.copyFrom(value))
                      .setEventTime(timestamp(eventTime))
                      .setWatermark(timestamp(watermark)))
              .setOperation(
                  ReduceRequest.WindowOperation.newBuilder()
                      .setEvent(opened ? Event.APPEND : Event.OPEN)
                      .addWindows(window))
              .build();
      opened = true;
      requests.onNext(request);
    }

    /** Sends a raw request as is (for protocol-violation tests). */
    void sendRaw(ReduceRequest request) {
      requests.onNext(request);
    }

    /** Close of book: half-closes the stream. */
    void close() {
      requests.onCompleted();
    }

    /** Every response until the server completed the stream; throws what the server failed with. */
    List<ReduceResponse> responses(long timeout, TimeUnit unit) throws Exception {
      return done.get(timeout, unit);
    }
  }
}
