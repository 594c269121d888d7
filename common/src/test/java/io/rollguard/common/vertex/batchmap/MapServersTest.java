package io.rollguard.common.vertex.batchmap;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.numaproj.numaflow.mapper.Datum;
import io.numaproj.numaflow.mapper.Mapper;
import io.numaproj.numaflow.mapper.Message;
import io.numaproj.numaflow.mapper.MessageList;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MapServersTest {

  private static final Mapper ECHO =
      new Mapper() {
        @Override
        public MessageList processMessage(String[] keys, Datum datum) {
          return MessageList.newBuilder().addMessage(new Message(datum.getValue())).build();
        }
      };

  @Test
  void batchMapIsTheDefault() {
    assertInstanceOf(BatchMapServer.class, MapServers.forMapper(ECHO, Map.of(), t -> {}));
    assertInstanceOf(
        BatchMapServer.class,
        MapServers.forMapper(ECHO, Map.of(MapServers.ENV, " Batch "), t -> {}));
  }

  @Test
  void unaryIsTheSdksPlainMapServer() {
    assertFalse(
        MapServers.forMapper(ECHO, Map.of(MapServers.ENV, "unary"), t -> {})
            instanceof BatchMapServer);
  }

  @Test
  void anyOtherValueFailsNamingTheVariable() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> MapServers.forMapper(ECHO, Map.of(MapServers.ENV, "stream"), t -> {}));
    assertTrue(
        e.getMessage().startsWith("ROLLGUARD_MAP_SERVER must be batch or unary"), e.getMessage());
  }
}
