package io.rollguard.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The validator fails where it must: keys the schemas do not declare (which the CRD schemas alone
 * accept), type violations, missing required fields. Each case mutates a parsed copy of a shipped
 * manifest, so the unmutated manifest is the control.
 */
class StrictKeyCheckerTest {

  private static ManifestValidator validator;
  private static JsonNode pipeline;
  private static JsonNode analysisTemplate;
  private static JsonNode rollout;

  @BeforeAll
  static void parseOnce() {
    validator = new ManifestValidator(ManifestSchemas.get());
    pipeline = PipelinesDirectory.manifest("pipeline.yaml");
    analysisTemplate =
        PipelinesDirectory.manifest("argo-rollouts/analysistemplate-prometheus.yaml");
    rollout = PipelinesDirectory.manifest("argo-rollouts/rollout-example.yaml");
  }

  @Test
  void theUnmutatedManifestsAreValid() {
    assertEquals(List.of(), validator.validate(pipeline));
    assertEquals(List.of(), validator.validate(analysisTemplate));
    assertEquals(List.of(), validator.validate(rollout));
  }

  @Test
  void anUnknownVertexKeyFails() {
    ObjectNode copy = pipeline.deepCopy();
    vertex(copy, 0).putObject("udff");
    assertProblem(copy, "spec.vertices[0].udff: unknown key");
  }

  @Test
  void theCrdSchemaAloneAcceptsAnUnknownKeyWhichIsWhyTheStrictCheckExists() {
    ObjectNode copy = analysisTemplate.deepCopy();
    ObjectNode metric = (ObjectNode) copy.path("spec").path("metrics").get(0);
    metric.put("sucessCondition", "result[0] < 7");
    var schema =
        ManifestSchemas.get().forKind("argoproj.io/v1alpha1", "AnalysisTemplate").orElseThrow();
    assertTrue(
        schema.validator().validate(copy).isEmpty(), "the CRD schema itself accepts the typo");
    assertProblem(copy, "spec.metrics[0].sucessCondition: unknown key");
  }

  @Test
  void aWrongTypeFails() {
    ObjectNode copy = pipeline.deepCopy();
    vertex(copy, 1).put("partitions", "two");
    assertProblem(copy, "partitions");
    assertProblem(copy, "integer");
  }

  @Test
  void aWrongTypeInsideAnArgoTemplateFails() {
    ObjectNode copy = analysisTemplate.deepCopy();
    ((ObjectNode) copy.path("spec").path("metrics").get(0).path("provider").path("prometheus"))
        .put("timeout", "thirty");
    assertProblem(copy, "timeout");
  }

  @Test
  void aMissingRequiredFieldFails() {
    ObjectNode copy = pipeline.deepCopy();
    vertex(copy, 0).remove("name");
    assertProblem(copy, "name");
  }

  @Test
  void aKeyUnderAnObjectWithoutDeclaredFieldsFails() {
    ObjectNode copy = pipeline.deepCopy();
    ObjectNode store = vertex(copy, 6);
    ((ObjectNode) store.path("sink").path("fallback").path("log")).put("verbose", true);
    assertProblem(
        copy, "spec.vertices[6].sink.fallback.log.verbose: key not declared by the schema");
  }

  @Test
  void aMisspeltMetadataFieldFails() {
    ObjectNode copy = pipeline.deepCopy();
    ((ObjectNode) copy.path("metadata")).putObject("lables").put("a", "b");
    assertProblem(copy, "metadata.lables: unknown key");
  }

  @Test
  void anInvalidNameFails() {
    ObjectNode copy = pipeline.deepCopy();
    ((ObjectNode) copy.path("metadata")).put("name", "Rollguard_Pipeline");
    assertProblem(copy, "metadata: ");
  }

  @Test
  void labelsAnnotationsAndResourceQuantitiesAreFreeForm() {
    ObjectNode copy = rollout.deepCopy();
    ObjectNode podMetadata = (ObjectNode) copy.path("spec").path("template").path("metadata");
    podMetadata.putObject("annotations").put("example.com/any-key", "any value");
    ((ObjectNode) podMetadata.path("labels")).put("tier", "web");
    ObjectNode container =
        (ObjectNode) copy.path("spec").path("template").path("spec").path("containers").get(0);
    ((ObjectNode) container.path("resources").path("limits")).put("ephemeral-storage", "1Gi");
    assertEquals(List.of(), validator.validate(copy));
  }

  /**
   * Argo Rollouts v1.9.1 leaves the pod template's volumes undeclared (preserve-unknown-fields).
   */
  @Test
  void anElementOfAnUndeclaredListFails() {
    ObjectNode copy = rollout.deepCopy();
    ObjectNode podSpec = (ObjectNode) copy.path("spec").path("template").path("spec");
    podSpec.putArray("volumes").addObject().put("name", "data").putObject("emptyDir");
    assertProblem(copy, "spec.template.spec.volumes[0]: the schema declares no element type");
  }

  @Test
  void anUnknownKindFails() {
    ObjectNode copy = pipeline.deepCopy();
    copy.put("kind", "Pipelin");
    assertProblem(copy, "no schema for numaflow.numaproj.io/v1alpha1/Pipelin");
  }

  private static ObjectNode vertex(ObjectNode pipelineCopy, int index) {
    ArrayNode vertices = (ArrayNode) pipelineCopy.path("spec").path("vertices");
    return (ObjectNode) vertices.get(index);
  }

  private static void assertProblem(JsonNode manifest, String expectedFragment) {
    List<String> problems = validator.validate(manifest);
    assertTrue(
        problems.stream().anyMatch(p -> p.contains(expectedFragment)),
        "expected a problem containing '" + expectedFragment + "', got " + problems);
  }
}
