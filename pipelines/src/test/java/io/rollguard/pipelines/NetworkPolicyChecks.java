package io.rollguard.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the NetworkPolicies of a rendering (pipelines/network-policy/ and an overlay's patches) must
 * do for its Pipeline, checked connection by connection with the {@link NetworkPolicyEngine} on the
 * pods of the {@link ClusterModel}: every pod of the pipeline is isolated both ways; the
 * connections the pipeline and Numaflow need are allowed; everything else that matters is denied
 * (the anomaly store's port from other namespaces, DNS other than the cluster's, the internet,
 * vertex to vertex); and every selector selects some pod, so that a misspelt label cannot hide.
 */
final class NetworkPolicyChecks {

  /** Numaflow v1.8.3 pkg/apis/numaflow/v1alpha1/const.go. */
  static final int VERTEX_METRICS_PORT = 2469;

  static final int VERTEX_MONITOR_PORT = 2470;
  static final int DAEMON_PORT = 4327;

  /** Numaflow v1.8.3 pkg/reconciler/isbsvc/installer/jetstream.go. */
  static final int JETSTREAM_CLIENT_PORT = 4222;

  static final String STORE_VERTEX = "anomaly-store";
  static final String STORE_PORT_NAME = "http";

  private NetworkPolicyChecks() {}

  /**
   * Problems, one line each; empty when the rendering has no NetworkPolicy or no Pipeline (nothing
   * to check against), or when the policies do what they should.
   */
  static List<String> problems(List<JsonNode> docs) {
    List<JsonNode> policies = RenderedPipelineChecks.ofKind(docs, "NetworkPolicy");
    Optional<ClusterModel> found = ClusterModel.of(docs);
    if (policies.isEmpty() || found.isEmpty()) {
      return List.of();
    }
    ClusterModel model = found.get();
    NetworkPolicyEngine engine = new NetworkPolicyEngine(policies);
    List<String> problems = new ArrayList<>();
    if (model.isbPods().isEmpty()) {
      problems.add("the rendering has no InterStepBufferService for the Pipeline to check against");
    }
    isolation(model, engine, problems);
    requiredConnections(docs, model, engine, problems);
    forbiddenConnections(docs, model, engine, problems);
    dnsOnlyToTheClusterDns(model, engine, problems);
    deadSelectors(policies, model, problems);
    return problems;
  }

  private static void isolation(ClusterModel model, NetworkPolicyEngine engine, List<String> out) {
    for (NetworkEndpoint pod : model.pipelinePods()) {
      for (String direction : List.of("Ingress", "Egress")) {
        if (engine.isolating(pod, direction).isEmpty()) {
          out.add(pod + " is not isolated for " + direction + ": no policy denies by default");
        }
      }
    }
  }

  private static void requiredConnections(
      List<JsonNode> docs, ClusterModel model, NetworkPolicyEngine engine, List<String> out) {
    for (NetworkEndpoint pod : model.pipelinePods()) {
      for (NetworkEndpoint isb : model.isbPods()) {
        require(engine, pod, isb, JETSTREAM_CLIENT_PORT, "TCP", "the inter-step buffer", out);
      }
      require(engine, pod, ClusterModel.KUBE_DNS, 53, "UDP", "name resolution", out);
      require(engine, pod, ClusterModel.KUBE_DNS, 53, "TCP", "name resolution", out);
    }
    NetworkEndpoint daemon = model.daemon();
    for (NetworkEndpoint numaflow :
        List.of(ClusterModel.NUMAFLOW_CONTROLLER, ClusterModel.NUMAFLOW_SERVER)) {
      require(engine, numaflow, daemon, DAEMON_PORT, "TCP", "Numaflow's daemon API", out);
    }
    List<ClusterModel.Destination> servers = new ArrayList<>();
    for (String key : List.of("REDIS_URL", "PROMETHEUS_URL")) {
      endpoint(docs, key).ifPresent(url -> servers.add(model.resolve(url)));
    }
    for (NetworkEndpoint vertex : model.vertexPods().values()) {
      require(engine, daemon, vertex, VERTEX_METRICS_PORT, "TCP", "the daemon's metrics", out);
      require(engine, daemon, vertex, VERTEX_MONITOR_PORT, "TCP", "the daemon's runtime", out);
      for (var port : vertex.namedPorts().entrySet()) {
        require(
            engine,
            ClusterModel.PROMETHEUS,
            vertex,
            port.getValue(),
            "TCP",
            "scraping port " + port.getKey(),
            out);
      }
      for (ClusterModel.Destination server : servers) {
        if (server.outsideTheCluster()) {
          requireIpBlock(engine, vertex, server, out);
        } else {
          for (NetworkEndpoint pod : server.pods()) {
            require(engine, vertex, pod, server.port(), "TCP", server.url(), out);
          }
        }
      }
    }
    NetworkEndpoint store = model.vertexPods().get(STORE_VERTEX);
    if (store == null) {
      out.add("the Pipeline has no vertex " + STORE_VERTEX);
    } else {
      require(
          engine,
          ClusterModel.ARGO_ROLLOUTS_CONTROLLER,
          store,
          storePort(store),
          "TCP",
          "the verdict API",
          out);
    }
  }

  /**
   * A server outside the cluster: every vertex pod may reach the first address of an IP block on
   * the URL's port, and no rule on that port opens the whole address space.
   */
  private static void requireIpBlock(
      NetworkPolicyEngine engine,
      NetworkEndpoint vertex,
      ClusterModel.Destination server,
      List<String> out) {
    NetworkEndpoint anywhere = NetworkEndpoint.outside("any address", "0.0.0.0");
    List<String> blocks = new ArrayList<>();
    for (JsonNode policy : engine.isolating(vertex, "Egress")) {
      for (JsonNode rule : policy.path("spec").path("egress")) {
        if (!NetworkPolicyEngine.portsAllow(rule.get("ports"), anywhere, server.port(), "TCP")) {
          continue;
        }
        for (JsonNode peer : rule.path("to")) {
          if (peer.has("ipBlock")) {
            blocks.add(peer.path("ipBlock").path("cidr").asText());
          }
        }
      }
    }
    if (blocks.isEmpty()) {
      out.add(
          vertex
              + " has no IP block to reach "
              + server.url()
              + " (outside the cluster) on port "
              + server.port());
    }
    for (String cidr : blocks) {
      String first = cidr.substring(0, cidr.indexOf('/'));
      require(
          engine,
          vertex,
          NetworkEndpoint.outside(cidr, first),
          server.port(),
          "TCP",
          server.url(),
          out);
      if (cidr.endsWith("/0")) {
        out.add(vertex + " may reach every address on port " + server.port() + " (" + cidr + ")");
      }
    }
  }

  private static void forbiddenConnections(
      List<JsonNode> docs, ClusterModel model, NetworkPolicyEngine engine, List<String> out) {
    for (NetworkEndpoint pod : model.pipelinePods()) {
      for (NetworkEndpoint bystander : ClusterModel.BYSTANDERS) {
        for (int port : List.of(53, 80, 443, 8080)) {
          for (String protocol : List.of("TCP", "UDP")) {
            forbid(engine, pod, bystander, port, protocol, out);
          }
        }
      }
    }
    // Only the vertices use Redis and Prometheus.
    for (String key : List.of("REDIS_URL", "PROMETHEUS_URL")) {
      Optional<ClusterModel.Destination> server = endpoint(docs, key).map(model::resolve);
      if (server.isPresent() && !server.get().outsideTheCluster()) {
        for (NetworkEndpoint notAVertex : List.of(model.daemon(), model.bufferJob())) {
          for (NetworkEndpoint pod : server.get().pods()) {
            forbid(engine, notAVertex, pod, server.get().port(), "TCP", out);
          }
        }
      }
    }
    for (NetworkEndpoint from : model.vertexPods().values()) {
      for (NetworkEndpoint to : model.vertexPods().values()) {
        if (from != to) {
          for (int port : to.namedPorts().values()) {
            forbid(engine, from, to, port, "TCP", out);
          }
        }
      }
    }
    List<NetworkEndpoint> strangers = new ArrayList<>(ClusterModel.BYSTANDERS);
    strangers.addAll(model.isbPods());
    strangers.addAll(model.deploymentPods());
    strangers.add(model.daemon());
    strangers.add(model.bufferJob());
    strangers.add(ClusterModel.KUBE_DNS);
    NetworkEndpoint store = model.vertexPods().get(STORE_VERTEX);
    for (NetworkEndpoint stranger : strangers) {
      if (store != null) {
        forbid(engine, stranger, store, storePort(store), "TCP", out);
      }
      forbid(engine, stranger, model.daemon(), DAEMON_PORT, "TCP", out);
      for (NetworkEndpoint vertex : model.vertexPods().values()) {
        if (stranger != model.daemon()) {
          forbid(engine, stranger, vertex, VERTEX_METRICS_PORT, "TCP", out);
        }
      }
    }
  }

  /** Port 53 leads to the cluster DNS only: no other pod and no address outside the cluster. */
  private static void dnsOnlyToTheClusterDns(
      ClusterModel model, NetworkPolicyEngine engine, List<String> out) {
    List<NetworkEndpoint> others = new ArrayList<>(model.allPods());
    others.remove(ClusterModel.KUBE_DNS);
    others.add(NetworkEndpoint.outside("a DNS server outside the cluster (8.8.8.8)", "8.8.8.8"));
    for (NetworkEndpoint pod : model.pipelinePods()) {
      for (NetworkEndpoint other : others) {
        for (String protocol : List.of("UDP", "TCP")) {
          if (other != pod && engine.allows(pod, other, 53, protocol)) {
            out.add(
                pod
                    + " may send DNS (53/"
                    + protocol
                    + ") to "
                    + other
                    + ", not only to the cluster DNS");
          }
        }
      }
    }
  }

  /**
   * Every policy selects at least one pod of the pipeline, and every peer selector at least one
   * modelled pod: a selector that selects nothing is a misspelt label or a stale name.
   */
  private static void deadSelectors(List<JsonNode> policies, ClusterModel model, List<String> out) {
    for (JsonNode policy : policies) {
      String name = policy.path("metadata").path("name").asText();
      String ns = NetworkPolicyEngine.namespaceOf(policy);
      if (model.pipelinePods().stream()
          .noneMatch(
              p ->
                  p.namespace().equals(ns)
                      && NetworkPolicyEngine.selects(
                          policy.path("spec").path("podSelector"), p.labels()))) {
        out.add(name + ": spec.podSelector selects no pod of the Pipeline " + model.pipelineName());
      }
      for (String direction : List.of("ingress", "egress")) {
        String peersField = direction.equals("ingress") ? "from" : "to";
        int i = 0;
        for (JsonNode rule : policy.path("spec").path(direction)) {
          int j = 0;
          for (JsonNode peer : rule.path(peersField)) {
            if (!peer.has("ipBlock")
                && model.allPods().stream()
                    .noneMatch(p -> NetworkPolicyEngine.peerMatches(peer, ns, p))) {
              out.add(
                  name
                      + ": spec."
                      + direction
                      + "["
                      + i
                      + "]."
                      + peersField
                      + "["
                      + j
                      + "] selects no pod the pipeline runs with: "
                      + peer);
            }
            j++;
          }
          i++;
        }
      }
    }
  }

  private static void require(
      NetworkPolicyEngine engine,
      NetworkEndpoint from,
      NetworkEndpoint to,
      int port,
      String protocol,
      String why,
      List<String> out) {
    if (!engine.allows(from, to, port, protocol)) {
      out.add(
          from
              + " -> "
              + to
              + " "
              + port
              + "/"
              + protocol
              + " is denied, but needed ("
              + why
              + ")");
    }
  }

  private static void forbid(
      NetworkPolicyEngine engine,
      NetworkEndpoint from,
      NetworkEndpoint to,
      int port,
      String protocol,
      List<String> out) {
    if (engine.allows(from, to, port, protocol)) {
      out.add(from + " -> " + to + " " + port + "/" + protocol + " is allowed, but must not be");
    }
  }

  static int storePort(NetworkEndpoint store) {
    Integer port = store.namedPorts().get(STORE_PORT_NAME);
    if (port == null) {
      throw new IllegalStateException(store + " declares no port named " + STORE_PORT_NAME);
    }
    return port;
  }

  /** A key of the rendered ConfigMap rollguard-endpoints(-hash). */
  static Optional<String> endpoint(List<JsonNode> docs, String key) {
    for (JsonNode configMap : RenderedPipelineChecks.ofKind(docs, "ConfigMap")) {
      if (configMap.path("metadata").path("name").asText().startsWith("rollguard-endpoints")
          && configMap.path("data").has(key)) {
        return Optional.of(configMap.path("data").path(key).asText());
      }
    }
    return Optional.empty();
  }
}
