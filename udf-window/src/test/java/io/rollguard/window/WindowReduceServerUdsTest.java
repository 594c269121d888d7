package io.rollguard.window;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Empty;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.numaproj.numaflow.reduce.v1.ReduceGrpc;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceResponse;
import io.numaproj.numaflow.reducer.GRPCConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Pod mode: the Unix socket and server-info file numa waits for, as numaflow-java writes them. */
@Timeout(30)
class WindowReduceServerUdsTest {

  /** What numaflow-java 0.9.2's reducer Server writes (measured, numaflow-sdk notes 2.2). */
  static final String SDK_SERVER_INFO =
      "{\"protocol\":\"uds\",\"language\":\"java\",\"minimum_numaflow_version\":\"1.4.0-z\","
          + "\"version\":\"0.9.2\",\"metadata\":{}}U+005C__END__";

  @Test
  void choosesTheSdkDefaultsFromNumaflowPod() {
    GRPCConfig pod = WindowReduceServer.configFor(Map.of("NUMAFLOW_POD", "p-udf-window-0"));
    GRPCConfig local = WindowReduceServer.configFor(Map.of());

    assertFalse(pod.isLocal());
    assertEquals("/var/run/numaflow/reduce.sock", pod.getSocketPath());
    assertEquals("/var/run/numaflow/reducer-server-info", pod.getInfoFilePath());
    assertEquals(64 * 1024 * 1024, pod.getMaxMessageSize());
    assertTrue(local.isLocal());
    assertEquals(50051, local.getPort());
  }

  @Test
  void servesRustStyleStreamsOverAUnixSocketAfterWritingTheServerInfo(@TempDir Path dir)
      throws Exception {
    Path socket = dir.resolve("reduce.sock");
    Path info = dir.resolve("reducer-server-info");
    GRPCConfig config =
        GRPCConfig.newBuilder()
            .isLocal(false)
            .socketPath(socket.toString())
            .infoFilePath(info.toString())
            .build();
    WindowReducerFactory factory =
        new WindowReducerFactory(
            RustReduceWireTest.SETTINGS, RustReduceWireTest.METRICS, new PrometheusRegistry());
    WindowReduceServer server = new WindowReduceServer(factory, config);
    EpollEventLoopGroup clientLoop = new EpollEventLoopGroup(1);
    ManagedChannel channel =
        NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
            .eventLoopGroup(clientLoop)
            .channelType(EpollDomainSocketChannel.class)
            .usePlaintext()
            .build();
    server.start();
    try {
      assertEquals(SDK_SERVER_INFO, Files.readString(info, StandardCharsets.UTF_8).strip());
      assertTrue(
          ReduceGrpc.newBlockingStub(channel).isReady(Empty.getDefaultInstance()).getReady());

      RustStyleReduceClient.WindowStream window =
          new RustStyleReduceClient(channel)
              .open(RustReduceWireTest.A_START, RustReduceWireTest.A_END);
      RustReduceWireTest.feed(window);
      window.close();
      List<ReduceResponse> responses = window.responses(20, TimeUnit.SECONDS);

      assertEquals(
          Map.of("canary", 1.0, "stable", 4.0 / 6.0),
          Map.of(
              "canary",
              RustReduceWireTest.windowsByRole(
                      responses, RustReduceWireTest.A_START, RustReduceWireTest.A_END)
                  .get("canary")
                  .coverage(),
              "stable",
              RustReduceWireTest.windowsByRole(
                      responses, RustReduceWireTest.A_START, RustReduceWireTest.A_END)
                  .get("stable")
                  .coverage()));
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      clientLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      server.stop();
    }
  }
}
