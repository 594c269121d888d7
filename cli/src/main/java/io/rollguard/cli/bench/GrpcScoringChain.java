package io.rollguard.cli.bench;

import io.numaproj.numaflow.mapper.GRPCConfig;
import io.numaproj.numaflow.mapper.Mapper;
import io.numaproj.numaflow.mapper.MapperTestKit;
import io.numaproj.numaflow.mapper.Message;
import io.numaproj.numaflow.mapper.MessageList;
import io.numaproj.numaflow.mapper.Server;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rollguard.common.config.RollguardConfig;
import io.rollguard.common.payload.PayloadCodec;
import io.rollguard.common.payload.Window;
import io.rollguard.inference.InferenceMapper;
import io.rollguard.postprocess.PostprocessMapper;
import io.rollguard.preprocess.PreprocessMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * preprocess -> inference -> postprocess through the vertices' real gRPC servers (the SDK's Mapper
 * {@link Server}, TCP on loopback) with the SDK's own client, the way numa would call them: one
 * encoded payload in, the tagged messages out, the {@code score}-tagged one forwarded.
 */
final class GrpcScoringChain implements AutoCloseable {

  private final List<Server> servers;
  private final List<MapperTestKit.Client> clients;

  private GrpcScoringChain(List<Server> servers, List<MapperTestKit.Client> clients) {
    this.servers = servers;
    this.clients = clients;
  }

  static GrpcScoringChain start(RollguardConfig config, ScoringPipeline stages) throws Exception {
    PrometheusRegistry metrics = new PrometheusRegistry();
    List<Mapper> mappers =
        List.of(
            new PreprocessMapper(stages.preprocessor(), metrics),
            new InferenceMapper(stages.inferencer(), config.metrics(), metrics),
            new PostprocessMapper(stages.postprocessor(), metrics));
    Server[] servers = new Server[mappers.size()];
    MapperTestKit.Client[] clients = new MapperTestKit.Client[mappers.size()];
    for (int i = 0; i < servers.length; i++) {
      int port = freePort();
      servers[i] =
          new Server(mappers.get(i), GRPCConfig.newBuilder().isLocal(true).port(port).build());
      servers[i].start();
      SdkServerExit.serverStarted();
      clients[i] = new MapperTestKit.Client("localhost", port);
    }
    return new GrpcScoringChain(Arrays.asList(servers), Arrays.asList(clients));
  }

  /**
   * Scores one window through the three servers; returns the encoded AnomalyRecord, or null if
   * dropped.
   */
  byte[] score(Window window) throws Exception {
    byte[] payload = PayloadCodec.shared().encode(window);
    String[] keys = window.key().toKeys();
    for (MapperTestKit.Client client : clients) {
      MessageList out =
          client.sendRequest(
              keys,
              MapperTestKit.TestDatum.builder()
                  .value(payload)
                  .eventTime(Instant.ofEpochMilli(window.end() - 1))
                  .watermark(Instant.ofEpochMilli(window.end() - 1))
                  .build());
      payload = forwarded(out);
      if (payload == null) {
        return null;
      }
    }
    return payload;
  }

  /**
   * The message the pipeline forwards to the next scoring vertex: untagged or tagged {@code score}.
   */
  private static byte[] forwarded(MessageList out) {
    for (Message m : out.getMessages()) {
      String[] tags = m.getTags();
      if (tags == null
          || tags.length == 0
          || Arrays.asList(tags).contains(InferenceMapper.TAG_SCORE)) {
        return Arrays.asList(tags == null ? new String[0] : tags).contains(Message.DROP)
            ? null
            : m.getValue();
      }
    }
    return null;
  }

  @Override
  public void close() {
    try {
      for (MapperTestKit.Client client : clients) {
        client.close();
      }
      for (Server server : servers) {
        server.stop();
      }
    } catch (InterruptedException e) {
      // The benchmark is ending anyway; keep the interrupt for the caller.
      Thread.currentThread().interrupt();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
