package io.rollguard.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The NetworkPolicies of pipelines/network-policy/, as the overlays render them, do what {@link
 * NetworkPolicyChecks} requires; and each check fails on a policy that is wrong in the way it
 * guards against (a copy of the rendering, changed in one place).
 */
class NetworkPolicyTest {

  private static List<JsonNode> render(String dir) {
    return Kustomize.render(ProjectLayout.repoRoot().resolve(dir));
  }

  @Test
  void bothOverlaysRenderThePoliciesAndTheyHold() {
    for (String overlay : List.of("overlays/local", "overlays/production")) {
      List<JsonNode> docs = render(overlay);
      Set<String> names = new TreeSet<>();
      RenderedPipelineChecks.ofKind(docs, "NetworkPolicy")
          .forEach(p -> names.add(p.path("metadata").path("name").asText()));
      assertEquals(
          Set.of(
              "rollguard-default-deny",
              "rollguard-dns",
              "rollguard-isb",
              "rollguard-numaflow-daemon",
              "rollguard-vertices-from-daemon",
              "rollguard-redis",
              "rollguard-prometheus",
              "rollguard-anomaly-store"),
          names,
          overlay);
      List<String> problems = NetworkPolicyChecks.problems(docs);
      assertEquals(List.of(), problems, overlay + ":\n  " + String.join("\n  ", problems));
    }
  }

  /** The defaults match the shipped addresses: the development Redis and the base's Prometheus. */
  @Test
  void theDefaultsReachTheShippedRedisAndPrometheus() {
    List<JsonNode> docs = render("overlays/local");
    ClusterModel model = ClusterModel.of(docs).orElseThrow();
    NetworkPolicyEngine engine =
        new NetworkPolicyEngine(RenderedPipelineChecks.ofKind(docs, "NetworkPolicy"));
    ClusterModel.Destination redis =
        model.resolve(NetworkPolicyChecks.endpoint(docs, "REDIS_URL").orElseThrow());
    assertEquals(1, redis.pods().size(), "the development Redis: " + redis);
    assertEquals(6379, redis.port());
    ClusterModel.Destination prometheus =
        model.resolve(NetworkPolicyChecks.endpoint(docs, "PROMETHEUS_URL").orElseThrow());
    assertEquals(List.of(ClusterModel.PROMETHEUS), prometheus.pods());
    for (NetworkEndpoint vertex : model.vertexPods().values()) {
      assertTrue(engine.allows(vertex, redis.pods().get(0), 6379, "TCP"), vertex.toString());
      assertTrue(engine.allows(vertex, ClusterModel.PROMETHEUS, 9090, "TCP"), vertex.toString());
    }
    assertEquals(7, model.vertexPods().size(), "six vertices and the trainer");
    assertTrue(model.vertexPods().containsKey("trainer"));
  }

  /** production reaches its Redis and Prometheus outside the cluster through IP blocks. */
  @Test
  void productionReachesItsServersThroughIpBlocksOnTheUrlsPorts() {
    List<JsonNode> docs = render("overlays/production");
    ClusterModel model = ClusterModel.of(docs).orElseThrow();
    ClusterModel.Destination redis =
        model.resolve(NetworkPolicyChecks.endpoint(docs, "REDIS_URL").orElseThrow());
    assertTrue(redis.outsideTheCluster(), redis.toString());
    assertEquals(6380, redis.port());
    NetworkPolicyEngine engine =
        new NetworkPolicyEngine(RenderedPipelineChecks.ofKind(docs, "NetworkPolicy"));
    NetworkEndpoint source = model.vertexPods().get("source");
    assertTrue(engine.allows(source, NetworkEndpoint.outside("redis", "192.0.2.10"), 6380, "TCP"));
    assertFalse(engine.allows(source, NetworkEndpoint.outside("redis", "192.0.2.10"), 6379, "TCP"));
    assertFalse(engine.allows(source, NetworkEndpoint.outside("other", "192.0.2.11"), 6380, "TCP"));
    assertTrue(engine.allows(source, NetworkEndpoint.outside("prom", "192.0.2.20"), 9090, "TCP"));
  }

  @Test
  void aPipelinePodWithoutDefaultDenyIsCaught() {
    List<String> problems =
        problemsAfter(docs -> docs.removeIf(d -> name(d).equals("rollguard-default-deny")));
    assertTrue(
        problems.stream()
            .anyMatch(
                p -> p.startsWith("buffer Job pod") && p.contains("not isolated for Ingress")),
        String.join("\n", problems));
  }

  @Test
  void aMisspeltBufferLabelIsCaught() {
    List<String> problems =
        problemsAfter(
            docs ->
                matchLabels(policy(docs, "rollguard-isb").at("/spec/egress/0/to/0/podSelector"))
                    .put("numaflow.numaproj.io/isbsvc-name", "defualt"));
    assertTrue(
        problems.stream().anyMatch(p -> p.contains("JetStream pod") && p.contains("is denied")),
        String.join("\n", problems));
    assertTrue(
        problems.stream()
            .anyMatch(p -> p.startsWith("rollguard-isb: spec.egress[0].to[0] selects no pod")),
        String.join("\n", problems));
  }

  @Test
  void aPolicyForAnotherPipelineNameIsCaught() {
    List<String> problems =
        problemsAfter(
            docs ->
                matchLabels(policy(docs, "rollguard-redis").at("/spec/podSelector"))
                    .put(ClusterModel.PIPELINE_NAME, "rollgaurd"));
    assertTrue(
        problems.contains(
            "rollguard-redis: spec.podSelector selects no pod of the Pipeline rollguard"),
        String.join("\n", problems));
    assertTrue(
        problems.stream()
            .anyMatch(p -> p.contains("rollguard-redis:6379") && p.contains("is denied")),
        String.join("\n", problems));
  }

  @Test
  void theStorePortOpenToEveryNamespaceIsCaught() {
    List<String> problems =
        problemsAfter(
            docs -> {
              ObjectNode peer =
                  (ObjectNode) policy(docs, "rollguard-anomaly-store").at("/spec/ingress/0/from/0");
              peer.remove("podSelector");
              peer.putObject("namespaceSelector");
            });
    assertTrue(
        problems.contains(
            "an application pod (namespace shop) -> vertex pod anomaly-store (rollguard) 8080/TCP"
                + " is allowed, but must not be"),
        String.join("\n", problems));
  }

  @Test
  void theStorePortOpenToEveryPodOfTheArgoNamespaceIsCaught() {
    List<String> problems =
        problemsAfter(
            docs ->
                ((ObjectNode) policy(docs, "rollguard-anomaly-store").at("/spec/ingress/0/from/0"))
                    .remove("podSelector"));
    assertTrue(
        problems.stream()
            .anyMatch(
                p ->
                    p.startsWith(
                            "the Argo Rollouts dashboard (argo-rollouts) -> vertex pod anomaly-store")
                        && p.endsWith("is allowed, but must not be")),
        String.join("\n", problems));
  }

  @Test
  void dnsToEveryPodOfKubeSystemIsCaught() {
    List<String> problems =
        problemsAfter(
            docs ->
                ((ObjectNode) policy(docs, "rollguard-dns").at("/spec/egress/0/to/0"))
                    .remove("podSelector"));
    assertTrue(
        problems.stream()
            .anyMatch(
                p ->
                    p.contains(
                        "may send DNS (53/UDP) to a pod in kube-system that is not the DNS")),
        String.join("\n", problems));
  }

  @Test
  void dnsToAnyDestinationIsCaught() {
    List<String> problems =
        problemsAfter(
            docs -> ((ObjectNode) policy(docs, "rollguard-dns").at("/spec/egress/0")).remove("to"));
    assertTrue(
        problems.stream()
            .anyMatch(p -> p.contains("may send DNS (53/UDP) to a DNS server outside the cluster")),
        String.join("\n", problems));
  }

  @Test
  void aPrometheusPolicyOnTheWrongPortIsCaught() {
    List<String> problems =
        problemsAfter(
            docs ->
                ((ObjectNode) policy(docs, "rollguard-prometheus").at("/spec/egress/0/ports/0"))
                    .put("port", 9091));
    assertTrue(
        problems.stream()
            .anyMatch(
                p ->
                    p.startsWith("vertex pod source (rollguard) -> Prometheus")
                        && p.contains("9090/TCP is denied")),
        String.join("\n", problems));
  }

  @Test
  void aScrapePortMissingFromThePrometheusPolicyIsCaught() {
    List<String> problems =
        problemsAfter(
            docs ->
                ((ArrayNode) policy(docs, "rollguard-prometheus").at("/spec/ingress/0/ports"))
                    .remove(2));
    assertEquals(
        List.of(
            "Prometheus (monitoring, app.kubernetes.io/name=prometheus) -> vertex pod anomaly-store"
                + " (rollguard) 8080/TCP is denied, but needed (scraping port http)"),
        problems);
  }

  /** The daemon's two policies, both widened to every pod of the pipeline. */
  @Test
  void vertexToVertexTrafficIsCaught() {
    List<String> problems =
        problemsAfter(
            docs -> {
              matchLabels(policy(docs, "rollguard-numaflow-daemon").at("/spec/podSelector"))
                  .remove("app.kubernetes.io/component");
              matchLabels(
                      policy(docs, "rollguard-vertices-from-daemon")
                          .at("/spec/ingress/0/from/0/podSelector"))
                  .remove("app.kubernetes.io/component");
            });
    assertTrue(
        problems.contains(
            "vertex pod source (rollguard) -> vertex pod window (rollguard) 2469/TCP is allowed,"
                + " but must not be"),
        String.join("\n", problems));
  }

  @Test
  void anOutsideServerReachableOnEveryAddressIsCaught() {
    List<JsonNode> docs = render("overlays/production");
    ((ObjectNode) policy(docs, "rollguard-redis").at("/spec/egress/0/to/0/ipBlock"))
        .put("cidr", "0.0.0.0/0");
    List<String> problems = NetworkPolicyChecks.problems(docs);
    assertTrue(
        problems.stream()
            .anyMatch(p -> p.endsWith("may reach every address on port 6380 (0.0.0.0/0)")),
        String.join("\n", problems));
  }

  @Test
  void anOutsideServerOnAnotherPortThanTheUrlIsCaught() {
    List<JsonNode> docs = render("overlays/production");
    ((ObjectNode) policy(docs, "rollguard-redis").at("/spec/egress/0/ports/0")).put("port", 6379);
    List<String> problems = NetworkPolicyChecks.problems(docs);
    assertTrue(
        problems.stream()
            .anyMatch(
                p -> p.contains("has no IP block to reach rediss://redis.example.internal:6380")),
        String.join("\n", problems));
  }

  // --- the engine's reading of the NetworkPolicy rules ---

  private static final NetworkEndpoint WEB =
      NetworkEndpoint.pod(
          "web",
          "a",
          java.util.Map.of("app", "web", "tier", "front"),
          java.util.Map.of("http", 8080));
  private static final NetworkEndpoint DB =
      NetworkEndpoint.pod("db", "a", java.util.Map.of("app", "db"), java.util.Map.of("pg", 5432));
  private static final NetworkEndpoint OTHER_NS =
      NetworkEndpoint.pod("other", "b", java.util.Map.of("app", "web"), java.util.Map.of());

  private static JsonNode policyOf(String yaml) {
    try {
      return Yaml.MAPPER.readTree(yaml);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void anUnselectedPodAllowsEverything() {
    NetworkPolicyEngine engine =
        new NetworkPolicyEngine(
            List.of(
                policyOf(
                    "metadata: {name: p, namespace: a}\n"
                        + "spec: {podSelector: {matchLabels: {app: db}}, policyTypes: [Ingress]}")));
    assertTrue(engine.allows(DB, WEB, 8080, "TCP"), "db is isolated for ingress only");
    assertFalse(engine.allows(WEB, DB, 5432, "TCP"));
    assertTrue(engine.allows(OTHER_NS, WEB, 8080, "TCP"));
  }

  @Test
  void policyTypesDefaultToIngressAndEgressWhenEgressIsSet() {
    JsonNode ingressOnly = policyOf("metadata: {name: p, namespace: a}\nspec: {podSelector: {}}");
    JsonNode withEgress =
        policyOf("metadata: {name: p, namespace: a}\nspec: {podSelector: {}, egress: []}");
    assertEquals(List.of("Ingress"), NetworkPolicyEngine.policyTypes(ingressOnly));
    assertEquals(List.of("Ingress", "Egress"), NetworkPolicyEngine.policyTypes(withEgress));
  }

  @Test
  void aPeerWithBothSelectorsNeedsBothWhileTwoPeersNeedEither() {
    JsonNode both =
        policyOf(
            "{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: b}},"
                + " podSelector: {matchLabels: {app: web}}}");
    assertTrue(NetworkPolicyEngine.peerMatches(both, "a", OTHER_NS));
    assertFalse(NetworkPolicyEngine.peerMatches(both, "a", WEB), "namespace a is not b");
    JsonNode podOnly = policyOf("{podSelector: {matchLabels: {app: web}}}");
    assertTrue(NetworkPolicyEngine.peerMatches(podOnly, "a", WEB));
    assertFalse(
        NetworkPolicyEngine.peerMatches(podOnly, "a", OTHER_NS), "the policy's namespace only");
    JsonNode everyNamespace = policyOf("{namespaceSelector: {}}");
    assertTrue(NetworkPolicyEngine.peerMatches(everyNamespace, "a", OTHER_NS));
    assertTrue(NetworkPolicyEngine.peersMatch(null, "a", OTHER_NS), "no peers: everyone");
  }

  @Test
  void selectorOperators() {
    var labels = java.util.Map.of("app", "web", "tier", "front");
    assertTrue(NetworkPolicyEngine.selects(policyOf("{}"), labels));
    assertTrue(
        NetworkPolicyEngine.selects(
            policyOf("{matchExpressions: [{key: app, operator: In, values: [web, api]}]}"),
            labels));
    assertFalse(
        NetworkPolicyEngine.selects(
            policyOf("{matchExpressions: [{key: app, operator: NotIn, values: [web]}]}"), labels));
    assertTrue(
        NetworkPolicyEngine.selects(
            policyOf("{matchExpressions: [{key: zone, operator: NotIn, values: [x]}]}"), labels));
    assertTrue(
        NetworkPolicyEngine.selects(
            policyOf("{matchExpressions: [{key: tier, operator: Exists}]}"), labels));
    assertFalse(
        NetworkPolicyEngine.selects(
            policyOf("{matchExpressions: [{key: tier, operator: DoesNotExist}]}"), labels));
    assertFalse(
        NetworkPolicyEngine.selects(policyOf("{matchLabels: {app: web, tier: back}}"), labels));
  }

  @Test
  void portsProtocolsRangesAndNames() {
    JsonNode ports =
        policyOf("[{port: 53, protocol: UDP}, {port: 8000, endPort: 8050}, {port: http}]");
    assertTrue(NetworkPolicyEngine.portsAllow(ports, DB, 53, "UDP"));
    assertFalse(NetworkPolicyEngine.portsAllow(ports, DB, 53, "TCP"), "TCP is not listed for 53");
    assertTrue(NetworkPolicyEngine.portsAllow(ports, DB, 8050, "TCP"), "in the range");
    assertFalse(NetworkPolicyEngine.portsAllow(ports, DB, 8051, "TCP"));
    assertTrue(NetworkPolicyEngine.portsAllow(ports, WEB, 8080, "TCP"), "web's port named http");
    assertFalse(
        NetworkPolicyEngine.portsAllow(ports, DB, 8080, "TCP"), "db has no port named http");
    assertTrue(NetworkPolicyEngine.portsAllow(null, DB, 1, "SCTP"), "no ports: every port");
  }

  @Test
  void ipBlocksWithExceptions() {
    JsonNode block = policyOf("{cidr: 10.0.0.0/8, except: [10.1.0.0/16]}");
    assertTrue(NetworkPolicyEngine.inIpBlock("10.2.3.4", block));
    assertFalse(NetworkPolicyEngine.inIpBlock("10.1.3.4", block));
    assertFalse(NetworkPolicyEngine.inIpBlock("11.0.0.1", block));
    assertTrue(NetworkPolicyEngine.inCidr("2001:db8::1", "2001:db8::/32"));
    assertFalse(NetworkPolicyEngine.inCidr("192.0.2.1", "2001:db8::/32"));
    assertTrue(NetworkPolicyEngine.inCidr("203.0.113.7", "0.0.0.0/0"));
    assertFalse(
        NetworkPolicyEngine.peerMatches(policyOf("{ipBlock: {cidr: 0.0.0.0/0}}"), "a", WEB),
        "IP blocks are matched against addresses outside the cluster only");
  }

  // --- helpers ---

  private static List<String> problemsAfter(Consumer<List<JsonNode>> change) {
    List<JsonNode> docs = new ArrayList<>(render("overlays/local"));
    assertEquals(List.of(), NetworkPolicyChecks.problems(docs), "the unchanged rendering holds");
    change.accept(docs);
    List<String> problems = NetworkPolicyChecks.problems(docs);
    assertFalse(problems.isEmpty(), "the change went unnoticed");
    return problems;
  }

  private static JsonNode policy(List<JsonNode> docs, String name) {
    return RenderedPipelineChecks.ofKind(docs, "NetworkPolicy").stream()
        .filter(p -> name(p).equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no NetworkPolicy " + name));
  }

  private static ObjectNode matchLabels(JsonNode selector) {
    return (ObjectNode) selector.path("matchLabels");
  }

  private static String name(JsonNode doc) {
    return doc.path("metadata").path("name").asText();
  }
}
