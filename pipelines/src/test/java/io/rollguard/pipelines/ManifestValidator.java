package io.rollguard.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.ValidationMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Validates one Kubernetes manifest: against its kind's schema (types, enums, patterns, required
 * fields), its metadata against ObjectMeta, and with the {@link StrictKeyChecker} for keys the
 * schema does not declare.
 */
final class ManifestValidator {

  private final ManifestSchemas schemas;
  private final StrictKeyChecker strict;

  ManifestValidator(ManifestSchemas schemas) {
    this.schemas = schemas;
    this.strict = new StrictKeyChecker(schemas.objectMeta().schema());
  }

  /** Problems, one line each; empty when the manifest is valid. */
  List<String> validate(JsonNode manifest) {
    List<String> problems = new ArrayList<>();
    if (!manifest.isObject()) {
      problems.add("a manifest must be a mapping");
      return problems;
    }
    String apiVersion = manifest.path("apiVersion").asText("");
    String kind = manifest.path("kind").asText("");
    if (apiVersion.isEmpty() || kind.isEmpty()) {
      problems.add("apiVersion and kind are required");
      return problems;
    }
    Optional<ManifestSchemas.KindSchema> schema = schemas.forKind(apiVersion, kind);
    if (schema.isEmpty()) {
      problems.add(
          "no schema for "
              + apiVersion
              + "/"
              + kind
              + " (known: "
              + schemas.knownKinds()
              + "); add its CRD or a minimal schema under src/test/resources/schemas/");
      return problems;
    }
    for (ValidationMessage message : schema.get().validator().validate(manifest)) {
      problems.add("schema " + schema.get().origin() + ": " + message.getMessage());
    }
    JsonNode metadata = manifest.path("metadata");
    if (!metadata.isObject()) {
      problems.add("metadata: required, with a name");
    } else {
      for (ValidationMessage message : schemas.objectMeta().validator().validate(metadata)) {
        problems.add("metadata: " + message.getMessage());
      }
    }
    problems.addAll(strict.check(manifest, schema.get().schema()));
    return problems;
  }
}
