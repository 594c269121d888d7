package io.rollguard.pipelines;

import java.util.Map;

/**
 * One end of a connection as a NetworkPolicy sees it: a pod (its namespace, labels and named
 * container ports) or an address outside the cluster ({@code namespace} null, {@code ip} set).
 */
record NetworkEndpoint(
    String description,
    String namespace,
    Map<String, String> labels,
    Map<String, Integer> namedPorts,
    String ip) {

  NetworkEndpoint {
    labels = Map.copyOf(labels);
    namedPorts = Map.copyOf(namedPorts);
  }

  static NetworkEndpoint pod(
      String description,
      String namespace,
      Map<String, String> labels,
      Map<String, Integer> namedPorts) {
    return new NetworkEndpoint(description, namespace, labels, namedPorts, null);
  }

  static NetworkEndpoint outside(String description, String ip) {
    return new NetworkEndpoint(description, null, Map.of(), Map.of(), ip);
  }

  boolean isPod() {
    return namespace != null;
  }

  @Override
  public String toString() {
    return description;
  }
}
