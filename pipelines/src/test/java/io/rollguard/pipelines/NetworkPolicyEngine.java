package io.rollguard.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decides whether a set of {@code networking.k8s.io/v1} NetworkPolicies lets one endpoint open a
 * connection to another, by the rules of the Kubernetes documentation ("Network Policies"):
 *
 * <ul>
 *   <li>a pod is isolated for a direction when a policy of its namespace selects it with that
 *       policy type ({@code policyTypes} defaults to Ingress, plus Egress when {@code egress} is
 *       set); a pod that is not isolated allows everything in that direction;
 *   <li>a connection needs the source's egress and the destination's ingress to allow it; policies
 *       add up (any rule of any selecting policy suffices);
 *   <li>a rule without {@code ports} allows every port, without {@code from}/{@code to} every peer;
 *       a port entry defaults to TCP, a missing port number means every port of the protocol, and a
 *       named port is resolved against the destination pod's container ports;
 *   <li>a peer with {@code podSelector} alone means pods of the policy's namespace; with {@code
 *       namespaceSelector} (and optionally {@code podSelector}) pods of the matching namespaces;
 *       {@code ipBlock} is matched against addresses outside the cluster only (whether it applies
 *       to pod IPs is left to the network plugin).
 * </ul>
 *
 * Namespaces carry the label {@code kubernetes.io/metadata.name} only, which the API server sets on
 * every namespace. Traffic from a pod's own node (probes) is always allowed and is not modelled.
 */
final class NetworkPolicyEngine {

  static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

  private final List<JsonNode> policies;

  NetworkPolicyEngine(List<JsonNode> policies) {
    for (JsonNode policy : policies) {
      if (namespaceOf(policy).isEmpty()) {
        throw new IllegalArgumentException(
            "NetworkPolicy " + policy.path("metadata").path("name").asText() + " has no namespace");
      }
    }
    this.policies = List.copyOf(policies);
  }

  boolean allows(NetworkEndpoint from, NetworkEndpoint to, int port, String protocol) {
    return egressAllows(from, to, port, protocol) && ingressAllows(from, to, port, protocol);
  }

  /** The policies that isolate the pod for the direction ("Ingress" or "Egress"). */
  List<JsonNode> isolating(NetworkEndpoint pod, String policyType) {
    List<JsonNode> result = new ArrayList<>();
    if (!pod.isPod()) {
      return result;
    }
    for (JsonNode policy : policies) {
      if (namespaceOf(policy).equals(pod.namespace())
          && selects(policy.path("spec").path("podSelector"), pod.labels())
          && policyTypes(policy).contains(policyType)) {
        result.add(policy);
      }
    }
    return result;
  }

  private boolean egressAllows(
      NetworkEndpoint from, NetworkEndpoint to, int port, String protocol) {
    return sideAllows(from, "Egress", "egress", "to", to, to, port, protocol);
  }

  private boolean ingressAllows(
      NetworkEndpoint from, NetworkEndpoint to, int port, String protocol) {
    return sideAllows(to, "Ingress", "ingress", "from", from, to, port, protocol);
  }

  /**
   * One side of a connection: some rule of a policy isolating {@code subject} in that direction
   * covers the {@code other} end and the port (resolved on the {@code destination}).
   */
  private boolean sideAllows(
      NetworkEndpoint subject,
      String policyType,
      String rulesField,
      String peersField,
      NetworkEndpoint other,
      NetworkEndpoint destination,
      int port,
      String protocol) {
    List<JsonNode> selecting = isolating(subject, policyType);
    if (selecting.isEmpty()) {
      return true;
    }
    for (JsonNode policy : selecting) {
      for (JsonNode rule : policy.path("spec").path(rulesField)) {
        if (portsAllow(rule.get("ports"), destination, port, protocol)
            && peersMatch(rule.get(peersField), namespaceOf(policy), other)) {
          return true;
        }
      }
    }
    return false;
  }

  static List<String> policyTypes(JsonNode policy) {
    JsonNode spec = policy.path("spec");
    List<String> types = new ArrayList<>();
    if (spec.has("policyTypes")) {
      spec.path("policyTypes").forEach(t -> types.add(t.asText()));
    } else {
      types.add("Ingress");
      if (spec.has("egress")) {
        types.add("Egress");
      }
    }
    return types;
  }

  static String namespaceOf(JsonNode policy) {
    return policy.path("metadata").path("namespace").asText("");
  }

  /** Whether a rule's port list covers the port on the destination. */
  static boolean portsAllow(
      JsonNode ports, NetworkEndpoint destination, int port, String protocol) {
    if (ports == null || ports.isEmpty()) {
      return true;
    }
    for (JsonNode entry : ports) {
      if (!entry.path("protocol").asText("TCP").equals(protocol)) {
        continue;
      }
      JsonNode number = entry.get("port");
      if (number == null) {
        return true;
      }
      if (number.isInt()) {
        int low = number.asInt();
        int high = entry.has("endPort") ? entry.path("endPort").asInt() : low;
        if (port >= low && port <= high) {
          return true;
        }
      } else if (Integer.valueOf(port).equals(destination.namedPorts().get(number.asText()))) {
        return true;
      }
    }
    return false;
  }

  /** Whether a rule's peer list ({@code from} or {@code to}) covers the other endpoint. */
  static boolean peersMatch(JsonNode peers, String policyNamespace, NetworkEndpoint other) {
    if (peers == null || peers.isEmpty()) {
      return true;
    }
    for (JsonNode peer : peers) {
      if (peerMatches(peer, policyNamespace, other)) {
        return true;
      }
    }
    return false;
  }

  static boolean peerMatches(JsonNode peer, String policyNamespace, NetworkEndpoint other) {
    if (peer.has("ipBlock")) {
      return !other.isPod() && inIpBlock(other.ip(), peer.path("ipBlock"));
    }
    if (!other.isPod()) {
      return false;
    }
    JsonNode namespaceSelector = peer.get("namespaceSelector");
    JsonNode podSelector = peer.get("podSelector");
    boolean namespaceMatches =
        namespaceSelector == null
            ? other.namespace().equals(policyNamespace)
            : selects(namespaceSelector, Map.of(NAMESPACE_NAME_LABEL, other.namespace()));
    return namespaceMatches && (podSelector == null || selects(podSelector, other.labels()));
  }

  /** A label selector: every matchLabels pair and every matchExpressions requirement holds. */
  static boolean selects(JsonNode selector, Map<String, String> labels) {
    for (var it = selector.path("matchLabels").fields(); it.hasNext(); ) {
      var entry = it.next();
      if (!entry.getValue().asText().equals(labels.get(entry.getKey()))) {
        return false;
      }
    }
    for (JsonNode requirement : selector.path("matchExpressions")) {
      String key = requirement.path("key").asText();
      List<String> values = new ArrayList<>();
      requirement.path("values").forEach(v -> values.add(v.asText()));
      boolean has = labels.containsKey(key);
      boolean holds =
          switch (requirement.path("operator").asText()) {
            case "In" -> has && values.contains(labels.get(key));
            case "NotIn" -> !has || !values.contains(labels.get(key));
            case "Exists" -> has;
            case "DoesNotExist" -> !has;
            default ->
                throw new IllegalArgumentException(
                    "unknown selector operator " + requirement.path("operator").asText());
          };
      if (!holds) {
        return false;
      }
    }
    return true;
  }

  static boolean inIpBlock(String ip, JsonNode ipBlock) {
    if (!inCidr(ip, ipBlock.path("cidr").asText())) {
      return false;
    }
    for (JsonNode except : ipBlock.path("except")) {
      if (inCidr(ip, except.asText())) {
        return false;
      }
    }
    return true;
  }

  /** Whether a literal IPv4 or IPv6 address lies in a CIDR block (no name is ever resolved). */
  static boolean inCidr(String ip, String cidr) {
    int slash = cidr.indexOf('/');
    byte[] address = literal(ip);
    byte[] network = literal(cidr.substring(0, slash));
    int prefix = Integer.parseInt(cidr.substring(slash + 1));
    if (address.length != network.length || prefix > address.length * 8) {
      return false;
    }
    for (int bit = 0; bit < prefix; bit++) {
      int mask = 0x80 >>> (bit % 8);
      if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) {
        return false;
      }
    }
    return true;
  }

  private static byte[] literal(String address) {
    if (!address.matches("[0-9a-fA-F.:]+")) {
      throw new IllegalArgumentException(address + " is not an IP address literal");
    }
    try {
      return InetAddress.getByName(address).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(address + " is not an IP address literal", e);
    }
  }
}
