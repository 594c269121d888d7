package io.rollguard.testsupport;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.numaproj.numaflow.batchmapper.BatchMapper;
import io.numaproj.numaflow.batchmapper.GRPCConfig;
import io.numaproj.numaflow.map.v1.MapGrpc;
import io.numaproj.numaflow.map.v1.MapOuterClass.Handshake;
import io.numaproj.numaflow.map.v1.MapOuterClass.MapRequest;
import io.numaproj.numaflow.map.v1.MapOuterClass.MapResponse;
import io.numaproj.numaflow.map.v1.MapOuterClass.TransmissionStatus;
import io.numaproj.numaflow.mapper.Message;
import io.numaproj.numaflow.mapper.MessageList;
import io.rollguard.common.vertex.batchmap.BatchMapServer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * numaflow-java 0.9.2 has no TestKit for batch map, so this is one in the SDK TestKits' shape: the
 * real {@link BatchMapServer} in local mode (TCP on localhost, a distinct port per test class) and
 * a {@link Client} that speaks the map protocol exactly as numa's batch-map client does (numa 1.8
 * {@code rust/numaflow-core/src/mapper/map/batch.rs}): one stream, a handshake, then per batch the
 * requests with unique ids and an end-of-transmission request, one response per id and the server's
 * end-of-transmission back, and the next batch on the same stream.
 */
public final class BatchMapTestKit implements AutoCloseable {

  private final BatchMapServer server;
  private final List<Throwable> failures = new ArrayList<>();

  public BatchMapTestKit(BatchMapper mapper, int port) throws Exception {
    this.server =
        new BatchMapServer(
            mapper, GRPCConfig.newBuilder().isLocal(true).port(port).build(), failures::add);
    server.start();
  }

  /** Batches that failed the stream and stopped the server (none, in a healthy test). */
  public List<Throwable> failures() {
    return failures;
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }

  /** One input message: keys and value (event time and watermark are "now"). */
  public record Input(String[] keys, byte[] value) {}

  /** A client on one long-lived stream, as numa keeps one per pod. */
  public static final class Client implements AutoCloseable {

    private static final long TIMEOUT_SECONDS = 30;

    private final ManagedChannel channel;
    private final StreamObserver<MapRequest> requests;
    private final BlockingQueue<Object> responses = new LinkedBlockingQueue<>();
    private final AtomicInteger nextId = new AtomicInteger();

    public Client(int port) {
      channel = ManagedChannelBuilder.forAddress("localhost", port).usePlaintext().build();
      requests =
          MapGrpc.newStub(channel)
              .mapFn(
                  new StreamObserver<>() {
                    @Override
                    public void onNext(MapResponse response) {
                      responses.add(response);
                    }

                    @Override
                    public void onError(Throwable t) {
                      responses.add(t);
                    }

                    @Override
                    public void onCompleted() {
                      responses.add(new IllegalStateException("the server ended the map stream"));
                    }
                  });
      requests.onNext(
          MapRequest.newBuilder().setHandshake(Handshake.newBuilder().setSot(true)).build());
      MapResponse handshake = take();
      if (!handshake.hasHandshake() || !handshake.getHandshake().getSot()) {
        throw new IllegalStateException("no handshake echo: " + handshake);
      }
    }

    /** A batch of one. */
    public MessageList sendRequest(String[] keys, byte[] value) {
      return sendRequest(keys, value, Instant.now());
    }

    /** A batch of one with this event time and watermark. */
    public MessageList sendRequest(String[] keys, byte[] value, Instant time) {
      return sendBatch(List.of(new Input(keys, value)), time).get(0);
    }

    /** {@link #sendBatch(List, Instant)} with event time and watermark "now". */
    public List<MessageList> sendBatch(List<Input> batch) {
      return sendBatch(batch, Instant.now());
    }

    /**
     * Sends one batch and its end-of-transmission, waits for every response and the server's
     * end-of-transmission; returns each input's messages, in input order.
     */
    public List<MessageList> sendBatch(List<Input> batch, Instant eventTime) {
      com.google.protobuf.Timestamp time =
          com.google.protobuf.Timestamp.newBuilder()
              .setSeconds(eventTime.getEpochSecond())
              .setNanos(eventTime.getNano())
              .build();
      List<String> ids = new ArrayList<>(batch.size());
      for (Input input : batch) {
        String id = "m" + nextId.getAndIncrement();
        ids.add(id);
        requests.onNext(
            MapRequest.newBuilder()
                .setId(id)
                .setRequest(
                    MapRequest.Request.newBuilder()
                        .addAllKeys(List.of(input.keys()))
                        .setValue(com.google.protobuf.ByteString.copyFrom(input.value()))
                        .setEventTime(time)
                        .setWatermark(time))
                .build());
      }
      requests.onNext(
          MapRequest.newBuilder().setStatus(TransmissionStatus.newBuilder().setEot(true)).build());
      Map<String, MessageList> byId = new HashMap<>();
      while (true) {
        MapResponse response = take();
        if (response.hasStatus() && response.getStatus().getEot()) {
          break;
        }
        if (byId.put(response.getId(), messages(response)) != null) {
          throw new IllegalStateException("two responses for id " + response.getId());
        }
      }
      List<MessageList> out = new ArrayList<>(ids.size());
      for (String id : ids) {
        MessageList messages = byId.remove(id);
        if (messages == null) {
          throw new IllegalStateException("no response for id " + id + " before the batch's end");
        }
        out.add(messages);
      }
      if (!byId.isEmpty()) {
        throw new IllegalStateException("responses for unknown ids " + byId.keySet());
      }
      return out;
    }

    private static MessageList messages(MapResponse response) {
      MessageList.MessageListBuilder list = MessageList.newBuilder();
      for (MapResponse.Result result : response.getResultsList()) {
        list.addMessage(
            new Message(
                result.getValue().toByteArray(),
                result.getKeysList().toArray(new String[0]),
                result.getTagsList().toArray(new String[0])));
      }
      return list.build();
    }

    private MapResponse take() {
      Object next;
      try {
        next = responses.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for a response", e);
      }
      if (next == null) {
        throw new IllegalStateException("no response within " + TIMEOUT_SECONDS + " s");
      }
      if (next instanceof Throwable t) {
        throw new IllegalStateException("map stream failed: " + t, t);
      }
      return (MapResponse) next;
    }

    @Override
    public void close() throws InterruptedException {
      requests.onCompleted();
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
