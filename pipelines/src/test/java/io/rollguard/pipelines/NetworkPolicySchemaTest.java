package io.rollguard.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The hand-written NetworkPolicy schema declares exactly the fields of the Kubernetes 1.32 API
 * types copied in {@code src/test/resources/schemas/kubernetes/} (their JSON names and enums), so
 * the strict key check neither misses a misspelt field nor rejects a real one; and it does reject
 * the mistakes it is there for.
 */
class NetworkPolicySchemaTest {

  private static final Path KUBERNETES =
      PipelinesDirectory.root().resolve("src/test/resources/schemas/kubernetes");

  private static JsonNode schema() {
    return ManifestSchemas.get()
        .forKind("networking.k8s.io/v1", "NetworkPolicy")
        .orElseThrow()
        .schema();
  }

  @Test
  void theSchemaDeclaresExactlyTheFieldsOfTheApiTypes() throws Exception {
    String networking = Files.readString(KUBERNETES.resolve("networking-v1-types.go"));
    String meta = Files.readString(KUBERNETES.resolve("meta-v1-types.go"));
    JsonNode root = schema();
    JsonNode spec = root.at("/properties/spec");
    JsonNode ingress = spec.at("/properties/ingress/items");
    JsonNode egress = spec.at("/properties/egress/items");
    assertFields(networking, "NetworkPolicy", root);
    assertFields(networking, "NetworkPolicySpec", spec);
    assertFields(networking, "NetworkPolicyIngressRule", ingress);
    assertFields(networking, "NetworkPolicyEgressRule", egress);
    for (JsonNode rule : List.of(ingress, egress)) {
      assertFields(networking, "NetworkPolicyPort", rule.at("/properties/ports/items"));
      JsonNode peer = rule.at("/properties/" + (rule == ingress ? "from" : "to") + "/items");
      assertFields(networking, "NetworkPolicyPeer", peer);
      assertFields(networking, "IPBlock", peer.at("/properties/ipBlock"));
      for (JsonNode selector :
          List.of(peer.at("/properties/podSelector"), peer.at("/properties/namespaceSelector"))) {
        assertFields(meta, "LabelSelector", selector);
        assertFields(
            meta, "LabelSelectorRequirement", selector.at("/properties/matchExpressions/items"));
        assertEquals(
            constants(meta, "LabelSelectorOperator"),
            strings(selector.at("/properties/matchExpressions/items/properties/operator/enum")));
      }
    }
    assertFields(meta, "LabelSelector", spec.at("/properties/podSelector"));
    assertEquals(
        constants(networking, "PolicyType"),
        strings(spec.at("/properties/policyTypes/items/enum")));
  }

  @Test
  void theStrictCheckRejectsAMisspeltFieldDeepInAPolicy() {
    JsonNode policy =
        Yaml.documents(
                "apiVersion: networking.k8s.io/v1\n"
                    + "kind: NetworkPolicy\n"
                    + "metadata: {name: p, namespace: rollguard}\n"
                    + "spec:\n"
                    + "  podSelector: {}\n"
                    + "  egress:\n"
                    + "    - to: [{namespaceSelector: {matchLabel: {a: b}}}]\n"
                    + "      ports: [{protocol: TCP, port: 70000}]\n",
                "test policy")
            .get(0);
    List<String> problems = new ManifestValidator(ManifestSchemas.get()).validate(policy);
    assertTrue(
        problems.stream()
            .anyMatch(
                p ->
                    p.startsWith("spec.egress[0].to[0].namespaceSelector.matchLabel: unknown key")),
        String.join("\n", problems));
    assertTrue(
        problems.stream()
            .anyMatch(p -> p.contains("ports[0].port: must have a maximum value of 65535")),
        String.join("\n", problems));
  }

  @Test
  void thePodSelectorMustBeExplicit() {
    JsonNode policy =
        Yaml.documents(
                "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
                    + "metadata: {name: p}\nspec: {policyTypes: [Ingress]}\n",
                "test policy")
            .get(0);
    List<String> problems = new ManifestValidator(ManifestSchemas.get()).validate(policy);
    assertFalse(problems.isEmpty());
    assertTrue(problems.toString().contains("podSelector"), problems.toString());
  }

  /** The JSON names of a Go struct's fields; an inline TypeMeta contributes apiVersion and kind. */
  static Set<String> jsonFields(String source, String struct) {
    Matcher body =
        Pattern.compile("(?ms)^type " + struct + " struct \\{\\n(.*?)^\\}").matcher(source);
    if (!body.find()) {
      throw new AssertionError("no struct " + struct + " in the upstream source");
    }
    Set<String> names = new TreeSet<>();
    Matcher field =
        Pattern.compile("(?m)^\\s*(?:(\\w+)\\s+)?([\\w.\\[\\]*]+)\\s+`json:\"([^\"]*)\"")
            .matcher(body.group(1));
    while (field.find()) {
      String tag = field.group(3);
      String name = tag.split(",", -1)[0];
      if (tag.contains(",inline")) {
        if (!field.group(2).equals("metav1.TypeMeta")) {
          throw new AssertionError(struct + " inlines " + field.group(2));
        }
        names.addAll(List.of("apiVersion", "kind"));
      } else if (!name.equals("-")) {
        names.add(name);
      }
    }
    return names;
  }

  /** The values of a Go string enum's constants: {@code X Type = "value"}. */
  static Set<String> constants(String source, String type) {
    Matcher constant =
        Pattern.compile("(?m)^\\s*\\w+\\s+" + type + "\\s*=\\s*\"([^\"]+)\"").matcher(source);
    Set<String> values = new TreeSet<>();
    while (constant.find()) {
      values.add(constant.group(1));
    }
    assertFalse(values.isEmpty(), "no constants of type " + type);
    return values;
  }

  private static void assertFields(String source, String struct, JsonNode schema) {
    assertFalse(schema.isMissingNode(), "the schema has no object for " + struct);
    assertEquals(
        jsonFields(source, struct),
        new TreeSet<>(StrictKeyChecker.declaredProperties(schema).keySet()),
        struct);
  }

  private static Set<String> strings(JsonNode array) {
    Set<String> values = new TreeSet<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }
}
