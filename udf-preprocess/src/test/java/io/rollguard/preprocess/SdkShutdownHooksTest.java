package io.rollguard.preprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.numaproj.numaflow.mapper.Datum;
import io.numaproj.numaflow.mapper.GRPCConfig;
import io.numaproj.numaflow.mapper.Mapper;
import io.numaproj.numaflow.mapper.MapperTestKit;
import io.numaproj.numaflow.mapper.Message;
import io.numaproj.numaflow.mapper.MessageList;
import io.rollguard.testsupport.SdkShutdownHooks;
import org.junit.jupiter.api.Test;

/**
 * The test-jar's {@link SdkShutdownHooks}, here because this module has the SDK on its classpath.
 */
class SdkShutdownHooksTest {

  /** Distinct from every other TestKit port of the build. */
  private static final int PORT = 50190;

  @Test
  void removesTheHookAStartedSdkServerRegistered() throws Exception {
    MapperTestKit kit =
        new MapperTestKit(
            new Mapper() {
              @Override
              public MessageList processMessage(String[] keys, Datum datum) {
                return MessageList.newBuilder().addMessage(new Message(datum.getValue())).build();
              }
            },
            GRPCConfig.newBuilder().isLocal(true).port(PORT).build());
    kit.startServer();
    kit.stopServer();

    assertTrue(SdkShutdownHooks.removeAll() >= 1, "the server's exit hook was found and removed");
    assertEquals(0, SdkShutdownHooks.removeAll(), "nothing of the SDK's is left");
  }
}
