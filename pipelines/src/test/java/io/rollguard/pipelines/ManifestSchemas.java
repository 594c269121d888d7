package io.rollguard.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The schema of every kind that may appear under {@code pipelines/}, keyed by {@code
 * apiVersion/kind}: the upstream CRDs copied under {@code src/test/resources/schemas/} (their
 * {@code openAPIV3Schema}; see the README there for origin, version and checksums) and minimal
 * hand-written schemas for the core Kubernetes and Prometheus Operator kinds (the NetworkPolicy one
 * checked against the upstream API types, {@code NetworkPolicySchemaTest}).
 *
 * <p>The CRD files are large (up to 650 KB), so they are parsed and compiled once per JVM, on first
 * use, and shared by every test class.
 */
final class ManifestSchemas {

  /** One kind's schema: the raw tree (for the strict key walk) and the compiled validator. */
  record KindSchema(String key, String origin, JsonNode schema, JsonSchema validator) {}

  private static final String[] CRDS = {
    "/schemas/numaflow/numaflow.numaproj.io_pipelines.yaml",
    "/schemas/numaflow/numaflow.numaproj.io_interstepbufferservices.yaml",
    "/schemas/argo-rollouts/analysis-template-crd.yaml",
    "/schemas/argo-rollouts/cluster-analysis-template-crd.yaml",
    "/schemas/argo-rollouts/rollout-crd.yaml",
  };

  private static final Map<String, String> CORE =
      Map.of(
          "v1/ConfigMap", "/schemas/core/v1-configmap.yaml",
          "v1/Secret", "/schemas/core/v1-secret.yaml",
          "v1/Service", "/schemas/core/v1-service.yaml",
          "apps/v1/Deployment", "/schemas/core/apps-v1-deployment.yaml",
          "networking.k8s.io/v1/NetworkPolicy", "/schemas/core/networking-v1-networkpolicy.yaml",
          "monitoring.coreos.com/v1/PodMonitor", "/schemas/core/monitoring-v1-podmonitor.yaml",
          "monitoring.coreos.com/v1/PrometheusRule",
              "/schemas/core/monitoring-v1-prometheusrule.yaml");

  private static final JsonSchemaFactory FACTORY =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4);

  private final Map<String, KindSchema> kinds;
  private final KindSchema objectMeta;

  private ManifestSchemas() {
    Map<String, KindSchema> byKey = new LinkedHashMap<>();
    for (String crd : CRDS) {
      KindSchema kind = fromCrd(crd);
      byKey.put(kind.key(), kind);
    }
    CORE.forEach(
        (key, resource) ->
            byKey.put(
                key, compile(key, resource, withLocalReferencesInlined(Yaml.resource(resource)))));
    this.kinds = Map.copyOf(byKey);
    this.objectMeta =
        compile(
            "ObjectMeta",
            "/schemas/core/objectmeta.yaml",
            Yaml.resource("/schemas/core/objectmeta.yaml"));
  }

  private static final class Holder {
    static final ManifestSchemas INSTANCE = new ManifestSchemas();
  }

  static ManifestSchemas get() {
    return Holder.INSTANCE;
  }

  Optional<KindSchema> forKind(String apiVersion, String kind) {
    return Optional.ofNullable(kinds.get(apiVersion + "/" + kind));
  }

  KindSchema objectMeta() {
    return objectMeta;
  }

  java.util.Set<String> knownKinds() {
    return new java.util.TreeSet<>(kinds.keySet());
  }

  /** The key is read from the CRD itself (group, served version, kind), not assumed. */
  private static KindSchema fromCrd(String resource) {
    JsonNode crd = Yaml.resource(resource);
    JsonNode spec = crd.path("spec");
    JsonNode versions = spec.path("versions");
    if (!crd.path("kind").asText().equals("CustomResourceDefinition") || versions.size() != 1) {
      throw new IllegalStateException(
          resource + " is not a single-version CustomResourceDefinition");
    }
    JsonNode version = versions.get(0);
    JsonNode schema = version.path("schema").path("openAPIV3Schema");
    if (!schema.isObject()) {
      throw new IllegalStateException(resource + " has no openAPIV3Schema");
    }
    String key =
        spec.path("group").asText()
            + "/"
            + version.path("name").asText()
            + "/"
            + spec.path("names").path("kind").asText();
    return compile(key, resource, schema);
  }

  private static KindSchema compile(String key, String origin, JsonNode schema) {
    return new KindSchema(
        key, origin, schema, FACTORY.getSchema(withoutKubernetesExtensions(schema)));
  }

  /**
   * A copy in which every {@code $ref: '#/definitions/<name>'} is replaced by that definition, and
   * without the {@code definitions}: a hand-written schema may name a shape it uses several times
   * (a label selector), and the {@link StrictKeyChecker} walks plain {@code properties} only.
   */
  static JsonNode withLocalReferencesInlined(JsonNode schema) {
    JsonNode definitions = schema.path("definitions");
    JsonNode copy = inline(schema, definitions, 0);
    if (copy.isObject()) {
      ((ObjectNode) copy).remove("definitions");
    }
    return copy;
  }

  private static JsonNode inline(JsonNode node, JsonNode definitions, int depth) {
    if (depth > 32) {
      throw new IllegalStateException("a schema's $ref chain is too deep (a cycle?)");
    }
    if (node.isObject()) {
      JsonNode ref = node.get("$ref");
      if (ref != null && ref.asText().startsWith("#/definitions/")) {
        String name = ref.asText().substring("#/definitions/".length());
        JsonNode target = definitions.get(name);
        if (target == null || node.size() != 1) {
          throw new IllegalStateException("unresolvable or decorated $ref " + ref.asText());
        }
        return inline(target, definitions, depth + 1);
      }
      ObjectNode copy = ((ObjectNode) node).objectNode();
      node.fields()
          .forEachRemaining(e -> copy.set(e.getKey(), inline(e.getValue(), definitions, depth)));
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = ((ArrayNode) node).arrayNode();
      node.forEach(item -> copy.add(inline(item, definitions, depth)));
      return copy;
    }
    return node;
  }

  /**
   * A copy without the {@code x-kubernetes-*} keys: they are not JSON Schema keywords (the
   * validator would log each as unknown) and carry nothing it could check; int-or-string fields are
   * already expressed as {@code anyOf} in these CRDs.
   */
  static JsonNode withoutKubernetesExtensions(JsonNode schema) {
    JsonNode copy = schema.deepCopy();
    strip(copy);
    return copy;
  }

  private static void strip(JsonNode node) {
    if (node.isObject()) {
      ObjectNode object = (ObjectNode) node;
      for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
        if (names.next().startsWith("x-kubernetes-")) {
          names.remove();
        }
      }
      object.forEach(ManifestSchemas::strip);
    } else if (node.isArray()) {
      node.forEach(ManifestSchemas::strip);
    }
  }
}
