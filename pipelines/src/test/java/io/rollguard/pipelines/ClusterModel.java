package io.rollguard.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pods a rendered kustomization puts in a cluster, with the labels and ports they will carry,
 * and the cluster's own parts the NetworkPolicies assume: what the policies are checked against.
 *
 * <p>Pods of the rendering: Numaflow creates the pods of a Pipeline and of an
 * InterStepBufferService, so their labels are those Numaflow v1.8.3 sets (cited per pod below); the
 * pods of a rendered Deployment carry its template's labels.
 *
 * <p>The cluster around it, as each project's own installation labels it (the defaults that
 * pipelines/network-policy/ documents), and bystanders that must not get through.
 */
final class ClusterModel {

  /** Where a URL of rollguard-endpoints leads: pods of the cluster, or a host outside it. */
  record Destination(String url, List<NetworkEndpoint> pods, int port, String externalHost) {
    boolean outsideTheCluster() {
      return externalHost != null;
    }
  }

  private static final String PART_OF = "app.kubernetes.io/part-of";
  private static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  private static final String COMPONENT = "app.kubernetes.io/component";
  private static final String APP_NAME = "app.kubernetes.io/name";
  static final String PIPELINE_NAME = "numaflow.numaproj.io/pipeline-name";
  static final String VERTEX_NAME = "numaflow.numaproj.io/vertex-name";

  /** CoreDNS as the Kubernetes add-on installs it (cluster/addons/dns/coredns). */
  static final NetworkEndpoint KUBE_DNS =
      NetworkEndpoint.pod(
          "the cluster DNS (kube-system, k8s-app=kube-dns)",
          "kube-system",
          Map.of("k8s-app", "kube-dns"),
          Map.of("dns", 53, "dns-tcp", 53, "metrics", 9153));

  /**
   * A Prometheus of the Prometheus Operator in {@code monitoring} (kube-prometheus-stack's usual
   * namespace, the base's PROMETHEUS_URL): prometheus-operator
   * pkg/prometheus/server/statefulset.go.
   */
  static final NetworkEndpoint PROMETHEUS =
      NetworkEndpoint.pod(
          "Prometheus (monitoring, app.kubernetes.io/name=prometheus)",
          "monitoring",
          Map.of(
              APP_NAME,
              "prometheus",
              MANAGED_BY,
              "prometheus-operator",
              "app.kubernetes.io/instance",
              "k8s",
              "prometheus",
              "k8s",
              "operator.prometheus.io/name",
              "k8s",
              "operator.prometheus.io/shard",
              "0"),
          Map.of("web", 9090));

  /** Argo Rollouts v1.9.1 manifests/install.yaml: namespace argo-rollouts. */
  static final NetworkEndpoint ARGO_ROLLOUTS_CONTROLLER =
      NetworkEndpoint.pod(
          "the Argo Rollouts controller (argo-rollouts)",
          "argo-rollouts",
          Map.of(APP_NAME, "argo-rollouts"),
          Map.of("metrics", 8090, "healthz", 8080));

  /** Numaflow v1.8.3 config/install.yaml: the controller and the UI server in numaflow-system. */
  static final NetworkEndpoint NUMAFLOW_CONTROLLER =
      NetworkEndpoint.pod(
          "the Numaflow controller (numaflow-system)",
          "numaflow-system",
          Map.of(
              COMPONENT, "controller-manager", APP_NAME, "controller-manager", PART_OF, "numaflow"),
          Map.of());

  static final NetworkEndpoint NUMAFLOW_SERVER =
      NetworkEndpoint.pod(
          "the Numaflow UI server (numaflow-system)",
          "numaflow-system",
          Map.of(COMPONENT, "numaflow-ux", APP_NAME, "numaflow-ux", PART_OF, "numaflow"),
          Map.of());

  /** Pods and addresses that no policy may let through. */
  static final List<NetworkEndpoint> BYSTANDERS =
      List.of(
          NetworkEndpoint.pod(
              "an application pod (namespace shop)",
              "shop",
              Map.of("app", "checkout", "role", "canary"),
              Map.of("http", 8080)),
          NetworkEndpoint.pod(
              "Grafana (monitoring)",
              "monitoring",
              Map.of(APP_NAME, "grafana"),
              Map.of("grafana", 3000)),
          NetworkEndpoint.pod(
              "the Argo Rollouts dashboard (argo-rollouts)",
              "argo-rollouts",
              Map.of(APP_NAME, "argo-rollouts-dashboard"),
              Map.of()),
          NetworkEndpoint.pod(
              "the Numaflow dex server (numaflow-system)",
              "numaflow-system",
              Map.of(COMPONENT, "dex-server", APP_NAME, "numaflow-dex-server", PART_OF, "numaflow"),
              Map.of()),
          NetworkEndpoint.pod(
              "a pod in kube-system that is not the DNS",
              "kube-system",
              Map.of("k8s-app", "metrics-server"),
              Map.of()),
          NetworkEndpoint.outside("a host on the internet (203.0.113.7)", "203.0.113.7"),
          NetworkEndpoint.outside(
              "a DNS server outside the cluster (198.51.100.53)", "198.51.100.53"));

  /** Known in-cluster Services the rendering refers to but does not contain. */
  private static final Map<String, NetworkEndpoint> KNOWN_SERVICES =
      Map.of("prometheus-operated.monitoring", PROMETHEUS);

  private final String namespace;
  private final String pipelineName;
  private final Map<String, NetworkEndpoint> vertexPods;
  private final NetworkEndpoint daemon;
  private final NetworkEndpoint bufferJob;
  private final List<NetworkEndpoint> isbPods;
  private final List<NetworkEndpoint> deploymentPods;
  private final List<JsonNode> docs;

  private ClusterModel(List<JsonNode> docs, JsonNode pipeline) {
    this.docs = docs;
    this.namespace = pipeline.path("metadata").path("namespace").asText("default");
    this.pipelineName = pipeline.path("metadata").path("name").asText();
    this.vertexPods = new LinkedHashMap<>();
    for (JsonNode vertex : pipeline.path("spec").path("vertices")) {
      vertexPods.put(vertex.path("name").asText(), vertexPod(vertex));
    }
    this.daemon = daemonPod();
    this.bufferJob = bufferJobPod();
    this.isbPods = isbPods(pipeline);
    this.deploymentPods = podsOfDeployments();
  }

  /** The model of a rendering with exactly one Pipeline; empty without one. */
  static Optional<ClusterModel> of(List<JsonNode> docs) {
    List<JsonNode> pipelines = RenderedPipelineChecks.ofKind(docs, "Pipeline");
    if (pipelines.size() > 1) {
      throw new IllegalArgumentException("more than one Pipeline in one rendering");
    }
    return pipelines.stream().findFirst().map(p -> new ClusterModel(docs, p));
  }

  String namespace() {
    return namespace;
  }

  String pipelineName() {
    return pipelineName;
  }

  Map<String, NetworkEndpoint> vertexPods() {
    return vertexPods;
  }

  NetworkEndpoint daemon() {
    return daemon;
  }

  NetworkEndpoint bufferJob() {
    return bufferJob;
  }

  List<NetworkEndpoint> isbPods() {
    return isbPods;
  }

  List<NetworkEndpoint> deploymentPods() {
    return deploymentPods;
  }

  /** Every pod Numaflow creates for the Pipeline: its vertices, its daemon, its buffer Jobs. */
  List<NetworkEndpoint> pipelinePods() {
    List<NetworkEndpoint> pods = new ArrayList<>(vertexPods.values());
    pods.add(daemon);
    pods.add(bufferJob);
    return pods;
  }

  /** Every pod the model knows, in the pipeline's namespace and elsewhere. */
  List<NetworkEndpoint> allPods() {
    List<NetworkEndpoint> pods = new ArrayList<>(pipelinePods());
    pods.addAll(isbPods);
    pods.addAll(deploymentPods);
    pods.addAll(
        List.of(
            KUBE_DNS, PROMETHEUS, ARGO_ROLLOUTS_CONTROLLER, NUMAFLOW_CONTROLLER, NUMAFLOW_SERVER));
    BYSTANDERS.stream().filter(NetworkEndpoint::isPod).forEach(pods::add);
    return pods;
  }

  /**
   * A vertex pod: the vertex's metadata.labels, then Numaflow's own (v1.8.3
   * pkg/reconciler/vertex/controller.go, where the pods are created; the Vertex object is named
   * {@code <pipeline>-<vertex>}, pkg/reconciler/pipeline/controller.go buildVertices). Ports: the
   * numa container's {@code metrics} 2469 (pkg/apis/numaflow/v1alpha1/vertex_types.go) and the user
   * containers' declared ports.
   */
  private NetworkEndpoint vertexPod(JsonNode vertex) {
    String name = vertex.path("name").asText();
    Map<String, String> labels = labelsOf(vertex.path("metadata"));
    labels.put(PART_OF, "numaflow");
    labels.put(MANAGED_BY, "vertex-controller");
    labels.put(COMPONENT, "vertex");
    labels.put(APP_NAME, pipelineName + "-" + name);
    labels.put(PIPELINE_NAME, pipelineName);
    labels.put(VERTEX_NAME, name);
    Map<String, Integer> ports = new LinkedHashMap<>();
    ports.put("metrics", 2469);
    for (JsonNode container :
        List.of(
            vertex.path("source").path("udsource").path("container"),
            vertex.path("udf").path("container"),
            vertex.path("sink").path("udsink").path("container"),
            vertex.path("sink").path("fallback").path("udsink").path("container"))) {
      addPorts(container, ports);
    }
    return NetworkEndpoint.pod(
        "vertex pod " + name + " (" + namespace + ")", namespace, labels, ports);
  }

  /** Numaflow v1.8.3 pkg/apis/numaflow/v1alpha1/pipeline_types.go GetDaemonDeploymentObj. */
  private NetworkEndpoint daemonPod() {
    return NetworkEndpoint.pod(
        "daemon pod " + pipelineName + "-daemon (" + namespace + ")",
        namespace,
        Map.of(
            PART_OF, "numaflow",
            MANAGED_BY, "pipeline-controller",
            COMPONENT, "daemon",
            APP_NAME, pipelineName + "-daemon",
            PIPELINE_NAME, pipelineName),
        Map.of());
  }

  /**
   * Numaflow v1.8.3 pkg/reconciler/pipeline/controller.go buildISBBatchJob (create and clean up).
   */
  private NetworkEndpoint bufferJobPod() {
    return NetworkEndpoint.pod(
        "buffer Job pod of " + pipelineName + " (" + namespace + ")",
        namespace,
        Map.of(
            PART_OF, "numaflow",
            MANAGED_BY, "pipeline-controller",
            COMPONENT, "job",
            PIPELINE_NAME, pipelineName),
        Map.of());
  }

  /**
   * The JetStream pods of the InterStepBufferService the Pipeline names: the service's
   * jetstream.metadata.labels, then Numaflow v1.8.3's (pkg/reconciler/isbsvc/installer/installer.go
   * getInstaller; ports in pkg/apis/numaflow/v1alpha1/jetstream_buffer_service.go). None when the
   * rendering does not contain that service.
   */
  private List<NetworkEndpoint> isbPods(JsonNode pipeline) {
    String isbName = pipeline.path("spec").path("interStepBufferServiceName").asText("default");
    List<NetworkEndpoint> pods = new ArrayList<>();
    for (JsonNode isb : RenderedPipelineChecks.ofKind(docs, "InterStepBufferService")) {
      if (!isb.path("metadata").path("name").asText().equals(isbName)
          || !isb.path("metadata").path("namespace").asText("default").equals(namespace)) {
        continue;
      }
      Map<String, String> labels = labelsOf(isb.path("spec").path("jetstream").path("metadata"));
      labels.put(PART_OF, "numaflow");
      labels.put(MANAGED_BY, "isbsvc-controller");
      labels.put(COMPONENT, "isbsvc");
      labels.put("numaflow.numaproj.io/isbsvc-name", isbName);
      labels.put("numaflow.numaproj.io/isbsvc-type", "jetstream");
      pods.add(
          NetworkEndpoint.pod(
              "JetStream pod of the buffer " + isbName + " (" + namespace + ")",
              namespace,
              labels,
              Map.of("client", 4222, "cluster", 6222, "monitor", 8222)));
    }
    return pods;
  }

  private List<NetworkEndpoint> podsOfDeployments() {
    List<NetworkEndpoint> pods = new ArrayList<>();
    for (JsonNode deployment : RenderedPipelineChecks.ofKind(docs, "Deployment")) {
      JsonNode template = deployment.path("spec").path("template");
      Map<String, String> labels = labelsOf(template.path("metadata"));
      Map<String, Integer> ports = new LinkedHashMap<>();
      for (JsonNode container : template.path("spec").path("containers")) {
        addPorts(container, ports);
      }
      String ns = deployment.path("metadata").path("namespace").asText("default");
      pods.add(
          NetworkEndpoint.pod(
              "pod of Deployment "
                  + deployment.path("metadata").path("name").asText()
                  + " ("
                  + ns
                  + ")",
              ns,
              labels,
              ports));
    }
    return pods;
  }

  private static Map<String, String> labelsOf(JsonNode metadata) {
    Map<String, String> labels = new LinkedHashMap<>();
    metadata
        .path("labels")
        .fields()
        .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    return labels;
  }

  /** A container's named ports (a NetworkPolicy resolves a port name against these). */
  private static void addPorts(JsonNode container, Map<String, Integer> ports) {
    for (JsonNode port : container.path("ports")) {
      if (port.has("name")) {
        ports.put(port.path("name").asText(), port.path("containerPort").asInt());
      }
    }
  }

  /**
   * Where a URL leads. A host naming a Service ({@code name}, {@code name.namespace}, {@code
   * name.namespace.svc[.cluster.local]}) of the rendering leads to the pods it selects, at its
   * target port (the port a NetworkPolicy sees, after the Service); a known cluster Service to the
   * modelled pod; any other host is outside the cluster, at the URL's port.
   */
  Destination resolve(String url) {
    URI uri = URI.create(url);
    int port = uri.getPort() != -1 ? uri.getPort() : defaultPort(uri.getScheme());
    String host = uri.getHost();
    String[] parts = host.split("\\.");
    boolean clusterName =
        parts.length == 1
            || parts.length == 2
            || host.endsWith(".svc")
            || host.endsWith(".svc.cluster.local");
    if (!clusterName) {
      return new Destination(url, List.of(), port, host);
    }
    String service = parts[0];
    String serviceNamespace = parts.length >= 2 ? parts[1] : namespace;
    for (JsonNode s : RenderedPipelineChecks.ofKind(docs, "Service")) {
      if (s.path("metadata").path("name").asText().equals(service)
          && s.path("metadata").path("namespace").asText("default").equals(serviceNamespace)) {
        return serviceDestination(url, s, port);
      }
    }
    NetworkEndpoint known = KNOWN_SERVICES.get(service + "." + serviceNamespace);
    if (known != null) {
      return new Destination(url, List.of(known), port, null);
    }
    throw new IllegalArgumentException(
        url
            + " names the Service "
            + service
            + "."
            + serviceNamespace
            + ", which neither the rendering nor the model contains");
  }

  private Destination serviceDestination(String url, JsonNode service, int port) {
    String ns = service.path("metadata").path("namespace").asText("default");
    List<NetworkEndpoint> pods = new ArrayList<>();
    for (NetworkEndpoint pod : allPods()) {
      boolean selected =
          pod.namespace().equals(ns) && !service.path("spec").path("selector").isEmpty();
      for (var it = service.path("spec").path("selector").fields(); it.hasNext(); ) {
        var e = it.next();
        selected &= e.getValue().asText().equals(pod.labels().get(e.getKey()));
      }
      if (selected) {
        pods.add(pod);
      }
    }
    for (JsonNode servicePort : service.path("spec").path("ports")) {
      if (servicePort.path("port").asInt() != port) {
        continue;
      }
      JsonNode target = servicePort.path("targetPort");
      if (target.isMissingNode() || target.isInt()) {
        return new Destination(url, pods, target.isInt() ? target.asInt() : port, null);
      }
      List<NetworkEndpoint> resolved = new ArrayList<>();
      Integer number = null;
      for (NetworkEndpoint pod : pods) {
        Integer p = pod.namedPorts().get(target.asText());
        if (p != null) {
          resolved.add(pod);
          number = p;
        }
      }
      if (number != null) {
        return new Destination(url, resolved, number, null);
      }
    }
    throw new IllegalArgumentException(
        url
            + ": the Service "
            + service.path("metadata").path("name").asText()
            + " has no port "
            + port
            + " that leads to a pod of the rendering");
  }

  private static int defaultPort(String scheme) {
    return switch (scheme) {
      case "redis", "rediss" -> 6379;
      case "http" -> 80;
      case "https" -> 443;
      default -> throw new IllegalArgumentException("no default port for scheme " + scheme);
    };
  }
}
