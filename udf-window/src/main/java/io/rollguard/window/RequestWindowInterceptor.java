package io.rollguard.window;

import com.google.protobuf.Timestamp;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.numaproj.numaflow.reduce.v1.ReduceGrpc;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceRequest;
import io.numaproj.numaflow.shared.GrpcServerUtils;

/**
 * Makes numaflow-java 0.9.2's reducer work on the Rust data plane (Numaflow >= 1.6).
 *
 * <p><b>Why.</b> The SDK's {@code reducer.Service.reduceFn} runs when a stream starts and builds
 * the window from two {@link Context} keys ({@link GrpcServerUtils#WINDOW_START_TIME}, {@link
 * GrpcServerUtils#WINDOW_END_TIME}: epoch-millisecond strings), which the SDK's server interceptor
 * copies from the request headers {@code x-numaflow-win-start-time} / {@code
 * x-numaflow-win-end-time}. Only the Go data plane (Numaflow <= 1.5) sends those headers. The Rust
 * data plane opens one stream per window and puts the window only inside every request ({@code
 * operation.windows[0]}); 0.9.2 then fails with {@code NumberFormatException: For input string:
 * ""}, seen by numa as gRPC {@code UNKNOWN}.
 *
 * <p><b>How.</b> When a {@code ReduceFn} stream arrives without the headers, this interceptor does
 * not start the SDK's handler yet: it asks for the first request, reads {@code
 * operation.windows[0]}, then starts the SDK's handler inside a {@link Context} carrying exactly
 * the two values the SDK reads, and hands it that first request and everything after. Streams with
 * the headers (Go data plane, the SDK's ReducerTestKit) and {@code IsReady} pass through untouched.
 * The SDK asks for one more message when it starts; that extra flow-control credit is harmless.
 *
 * <p>It must be installed inside the SDK's own server interceptor (as a service interceptor), since
 * that one overwrites the two context keys from the headers.
 *
 * <p><b>Delete</b> this class and {@link WindowReduceServer} in favour of the SDK's {@code Server}
 * when moving to numaflow-java >= 0.10.1, whose reducer reads the window from the request
 * (numaflow-java PR #195). {@code RustReduceWireTest} keeps proving the need until then.
 */
final class RequestWindowInterceptor implements ServerInterceptor {

  static final Metadata.Key<String> WIN_START_HEADER = GrpcServerUtils.DATUM_METADATA_WIN_START;
  static final Metadata.Key<String> WIN_END_HEADER = GrpcServerUtils.DATUM_METADATA_WIN_END;

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    boolean reduceStream =
        ReduceGrpc.getReduceFnMethod()
            .getFullMethodName()
            .equals(call.getMethodDescriptor().getFullMethodName());
    if (!reduceStream
        || (headers.containsKey(WIN_START_HEADER) && headers.containsKey(WIN_END_HEADER))) {
      return next.startCall(call, headers);
    }
    call.request(1);
    return new WindowFromFirstRequest<>(call, headers, next);
  }

  /**
   * Holds the SDK's handler back until the first request names the window. gRPC delivers listener
   * callbacks of one call one at a time, so no locking is needed.
   */
  private static final class WindowFromFirstRequest<ReqT, RespT> extends ServerCall.Listener<ReqT> {

    private final ServerCall<ReqT, RespT> call;
    private final Metadata headers;
    private final ServerCallHandler<ReqT, RespT> next;
    private ServerCall.Listener<ReqT> sdk;
    private boolean rejected;

    WindowFromFirstRequest(
        ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
      this.call = call;
      this.headers = headers;
      this.next = next;
    }

    @Override
    public void onMessage(ReqT message) {
      if (sdk != null) {
        sdk.onMessage(message);
        return;
      }
      if (rejected) {
        return;
      }
      ReduceRequest request = (ReduceRequest) message;
      if (request.getOperation().getWindowsCount() == 0) {
        reject(
            "the first reduce request carries no window (operation.windows) and the stream has"
                + " no window headers");
        return;
      }
      ReduceOuterClass.Window window = request.getOperation().getWindows(0);
      Context withWindow =
          Context.current()
              .withValues(
                  GrpcServerUtils.WINDOW_START_TIME, Long.toString(epochMillis(window.getStart())),
                  GrpcServerUtils.WINDOW_END_TIME, Long.toString(epochMillis(window.getEnd())));
      sdk = Contexts.interceptCall(withWindow, call, headers, next);
      if (call.isReady()) {
        sdk.onReady();
      }
      sdk.onMessage(message);
    }

    @Override
    public void onHalfClose() {
      if (sdk != null) {
        sdk.onHalfClose();
      } else if (!rejected) {
        reject("the reduce stream ended before any request named its window");
      }
    }

    @Override
    public void onCancel() {
      if (sdk != null) {
        sdk.onCancel();
      }
    }

    @Override
    public void onComplete() {
      if (sdk != null) {
        sdk.onComplete();
      }
    }

    @Override
    public void onReady() {
      if (sdk != null) {
        sdk.onReady();
      }
    }

    private void reject(String why) {
      rejected = true;
      call.close(Status.INVALID_ARGUMENT.withDescription(why), new Metadata());
    }

    private static long epochMillis(Timestamp t) {
      return t.getSeconds() * 1000L + t.getNanos() / 1_000_000;
    }
  }
}
