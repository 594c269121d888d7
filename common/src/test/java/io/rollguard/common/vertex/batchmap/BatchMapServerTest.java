package io.rollguard.common.vertex.batchmap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.numaproj.numaflow.batchmapper.GRPCConfig;
import io.numaproj.numaflow.mapper.Datum;
import io.numaproj.numaflow.mapper.Mapper;
import io.numaproj.numaflow.mapper.Message;
import io.numaproj.numaflow.mapper.MessageList;
import io.rollguard.testsupport.BatchMapTestKit;
import io.rollguard.testsupport.BatchMapTestKit.Input;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link BatchMapServer} through real gRPC (local mode, TCP), driven as numa 1.8 drives a batch-map
 * UDF: several batches on one stream.
 */
@Timeout(60)
class BatchMapServerTest {

  static final int PORT = 50180;
  static final int SDK_ONLY_PORT = 50181;
  static final int FAILING_PORT = 50182;

  /** Upper-cases the value; "drop" is dropped; keys pass through. */
  static final Mapper UPPER_CASE =
      new Mapper() {
        @Override
        public MessageList processMessage(String[] keys, Datum datum) {
          String value = new String(datum.getValue(), StandardCharsets.UTF_8);
          Message out =
              value.equals("drop")
                  ? Message.toDrop()
                  : new Message(value.toUpperCase().getBytes(StandardCharsets.UTF_8), keys);
          return MessageList.newBuilder().addMessage(out).build();
        }
      };

  private static Input input(String key, String value) {
    return new Input(new String[] {key}, value.getBytes(StandardCharsets.UTF_8));
  }

  private static String value(MessageList out) {
    return new String(out.getMessages().get(0).getValue(), StandardCharsets.UTF_8);
  }

  @Test
  void batchAfterBatchOnOneStreamEachMessageGetsItsOwnResponse() throws Exception {
    try (BatchMapTestKit kit = new BatchMapTestKit(new PerMessageBatchMapper(UPPER_CASE), PORT);
        BatchMapTestKit.Client client = new BatchMapTestKit.Client(PORT)) {
      for (int size : new int[] {1, 500, 3, 1, 250}) {
        List<Input> batch = new ArrayList<>();
        for (int i = 0; i < size; i++) {
          batch.add(input("k" + i, i == 1 ? "drop" : "v" + size + "-" + i));
        }
        List<MessageList> out = client.sendBatch(batch);
        assertEquals(size, out.size());
        for (int i = 0; i < size; i++) {
          assertEquals(1, out.get(i).getMessages().size());
          Message message = out.get(i).getMessages().get(0);
          if (i == 1) {
            assertArrayEquals(new String[] {Message.DROP}, message.getTags());
          } else {
            assertEquals("V" + size + "-" + i, value(out.get(i)));
            assertArrayEquals(new String[] {"k" + i}, message.getKeys());
          }
        }
      }
      assertTrue(kit.failures().isEmpty(), kit.failures()::toString);
    }
  }

  @Test
  void withoutTheInterceptorTheSdkEndsTheStreamAfterTheFirstBatch() throws Exception {
    // numaflow-java 0.9.2 as shipped: the reason StreamAcrossBatchesInterceptor exists. When this
    // test fails on an SDK upgrade, delete the interceptor and BatchMapServer.
    BatchMapServer sdkOnly =
        new BatchMapServer(
            new PerMessageBatchMapper(UPPER_CASE),
            GRPCConfig.newBuilder().isLocal(true).port(SDK_ONLY_PORT).build(),
            e -> {},
            false);
    sdkOnly.start();
    try (BatchMapTestKit.Client client = new BatchMapTestKit.Client(SDK_ONLY_PORT)) {
      assertEquals("A", value(client.sendBatch(List.of(input("k", "a"))).get(0)));
      IllegalStateException second =
          assertThrows(
              IllegalStateException.class, () -> client.sendBatch(List.of(input("k", "b"))));
      assertTrue(second.getMessage().contains("ended the map stream"), second.getMessage());
    } finally {
      sdkOnly.stop();
    }
  }

  @Test
  void anExceptionTheMapperLetsEscapeFailsTheStreamAndStopsTheServer() throws Exception {
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    Mapper throwing =
        new Mapper() {
          @Override
          public MessageList processMessage(String[] keys, Datum datum) {
            throw new IllegalArgumentException("boom");
          }
        };
    BatchMapServer server =
        new BatchMapServer(
            new PerMessageBatchMapper(throwing),
            GRPCConfig.newBuilder().isLocal(true).port(FAILING_PORT).build(),
            failures::add);
    server.start();
    try (BatchMapTestKit.Client client = new BatchMapTestKit.Client(FAILING_PORT)) {
      IllegalStateException failed =
          assertThrows(
              IllegalStateException.class, () -> client.sendBatch(List.of(input("k", "a"))));
      assertTrue(failed.getMessage().contains("boom"), failed.getMessage());
      long deadline = System.currentTimeMillis() + 10_000;
      while (failures.isEmpty() && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(1, failures.size());
    } finally {
      server.stop();
    }
  }
}
