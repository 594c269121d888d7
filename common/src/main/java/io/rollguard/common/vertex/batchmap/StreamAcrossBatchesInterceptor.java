package io.rollguard.common.vertex.batchmap;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.numaproj.numaflow.map.v1.MapGrpc;
import io.numaproj.numaflow.map.v1.MapOuterClass.Handshake;
import io.numaproj.numaflow.map.v1.MapOuterClass.MapRequest;
import io.numaproj.numaflow.map.v1.MapOuterClass.MapResponse;

/**
 * Keeps numaflow-java 0.9.2's batch-map stream open across batches, as Numaflow's data plane needs.
 *
 * <p><b>Why.</b> numa (1.4 and later, Rust) opens one {@code map.v1.Map/MapFn} stream per vertex
 * pod and sends on it, batch after batch: the requests of a batch, then an end-of-transmission
 * request ({@code status.eot}); it expects one response per request id, then an EOT response, and
 * the stream to stay open for the next batch. 0.9.2's batch-map service answers a batch correctly
 * and then completes the stream ({@code onCompleted()} after the EOT response), so numa fails every
 * later batch ("receiver stream dropped", then "batch mapper closed") and the vertex stops. Fixed
 * in numaflow-java 0.10.0 (PR #190, "remove onCompleted() call in batch mapper service").
 *
 * <p><b>How.</b> The client's one stream is served as a series of SDK streams, one per batch: the
 * SDK's handler runs on a {@link BatchSegment} of the real call, which forwards everything except
 * the SDK's "stream completed" after a batch. When a batch is done, the next segment starts at once
 * and gets the handshake the SDK expects at the start of each of its streams; its echo is not
 * forwarded (numa got one, for the real stream). Flow control stays as the SDK sets it: one request
 * asked for at a time; the requests a new segment asks for while it is set up are not forwarded, so
 * the credit does not grow with each batch. Errors and the end of the client's stream pass through
 * unchanged: a failed batch closes the real stream with the SDK's status, and when numa half-closes
 * the stream, the SDK's completion ends it. {@code IsReady} passes through untouched.
 *
 * <p><b>Delete</b> with {@link BatchMapServer} when moving to numaflow-java >= 0.10.0 and use the
 * SDK's {@code batchmapper.Server}. {@code BatchMapServerTest} proves the need until then.
 */
final class StreamAcrossBatchesInterceptor implements ServerInterceptor {

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    boolean mapStream =
        MapGrpc.getMapFnMethod()
            .getFullMethodName()
            .equals(call.getMethodDescriptor().getFullMethodName());
    if (!mapStream) {
      return next.startCall(call, headers);
    }
    return new StreamOfBatches<>(call, headers, next);
  }

  /**
   * The client's stream. gRPC delivers the callbacks of one call one at a time, and the SDK answers
   * a batch synchronously inside the callback of its EOT request, so no locking is needed.
   */
  private static final class StreamOfBatches<ReqT, RespT> extends ServerCall.Listener<ReqT> {

    private final ServerCall<ReqT, RespT> call;
    private final Metadata headers;
    private final ServerCallHandler<ReqT, RespT> next;
    private boolean headersSent;
    private boolean halfClosed;
    private boolean closed;
    private BatchSegment segment;
    private ServerCall.Listener<ReqT> sdk;

    StreamOfBatches(
        ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
      this.call = call;
      this.headers = headers;
      this.next = next;
      this.segment = new BatchSegment(false);
      // The client's own handshake reaches this first segment and its echo is forwarded.
      this.sdk = next.startCall(segment, headers);
      segment.setUpDone();
    }

    @Override
    public void onMessage(ReqT message) {
      if (closed) {
        return;
      }
      sdk.onMessage(message);
      if (segment.batchDone && !closed) {
        startNextSegment();
      }
    }

    @SuppressWarnings("unchecked") // ReqT is MapRequest: the interceptor only wraps MapFn
    private void startNextSegment() {
      segment = new BatchSegment(true);
      sdk = next.startCall(segment, headers);
      sdk.onMessage(
          (ReqT)
              MapRequest.newBuilder()
                  .setHandshake(Handshake.newBuilder().setSot(true).build())
                  .build());
      segment.setUpDone();
      if (call.isReady()) {
        sdk.onReady();
      }
    }

    @Override
    public void onHalfClose() {
      halfClosed = true;
      sdk.onHalfClose();
    }

    @Override
    public void onCancel() {
      closed = true;
      sdk.onCancel();
    }

    @Override
    public void onComplete() {
      sdk.onComplete();
    }

    @Override
    public void onReady() {
      sdk.onReady();
    }

    /** The real call as one SDK stream sees it: it lives for one batch. */
    private final class BatchSegment
        extends ForwardingServerCall.SimpleForwardingServerCall<ReqT, RespT> {

      private final boolean dropHandshakeEcho;
      private boolean settingUp = true;
      private boolean batchDone;

      BatchSegment(boolean dropHandshakeEcho) {
        super(call);
        this.dropHandshakeEcho = dropHandshakeEcho;
      }

      void setUpDone() {
        settingUp = false;
      }

      @Override
      public void request(int numMessages) {
        // The first segment's initial request is the stream's first credit; a later segment's
        // requests during set-up would add one credit per batch.
        if (!(settingUp && dropHandshakeEcho)) {
          super.request(numMessages);
        }
      }

      @Override
      public void sendHeaders(Metadata responseHeaders) {
        if (!headersSent) {
          headersSent = true;
          super.sendHeaders(responseHeaders);
        }
      }

      @Override
      public void sendMessage(RespT message) {
        if (dropHandshakeEcho && ((MapResponse) message).hasHandshake()) {
          return;
        }
        super.sendMessage(message);
      }

      @Override
      public void close(Status status, Metadata trailers) {
        if (status.isOk() && !halfClosed) {
          // The SDK's completion after a batch's EOT response: the client's stream goes on.
          batchDone = true;
          return;
        }
        if (!closed) {
          closed = true;
          super.close(status, trailers);
        }
      }
    }
  }
}
