package io.rollguard.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Fails on every key a manifest uses that its schema does not declare.
 *
 * <p>Why: the CRD schemas never set {@code additionalProperties: false}, so a JSON Schema validator
 * accepts a misspelt key ({@code sucessCondition}, {@code udff}), and the API server would then
 * prune it silently: the manifest applies, and the setting is simply gone.
 *
 * <p>Rules, walking the document and the schema together:
 *
 * <ul>
 *   <li>an object whose schema lists {@code properties} (including those of {@code anyOf}/{@code
 *       allOf}/{@code oneOf} branches) may only use those keys;
 *   <li>an object whose schema has a schema-valued {@code additionalProperties} is a typed map
 *       (e.g. {@code nodeSelector}): any key, each value checked against that schema;
 *   <li>an object whose schema declares nothing ({@code type: object} alone, or {@code
 *       x-kubernetes-preserve-unknown-fields}) may hold keys only where the field is a known
 *       free-form map ({@link #FREE_FORM_MAPS}); anywhere else a key there is unverifiable and
 *       reported;
 *   <li>the root's {@code metadata} (an undeclared object in every CRD) is checked against a small
 *       ObjectMeta schema: {@code name}, {@code namespace}, {@code labels}, {@code annotations}.
 * </ul>
 *
 * Types and required fields are not this class's job: {@link ManifestValidator} runs a JSON Schema
 * validator as well.
 */
final class StrictKeyChecker {

  /**
   * Schema-less objects whose keys are data, not fields, as {@code parent.field}: labels and
   * annotations, and resource quantities (left undeclared in the Argo Rollouts CRDs).
   */
  static final Set<String> FREE_FORM_MAPS =
      Set.of("metadata.labels", "metadata.annotations", "resources.limits", "resources.requests");

  private final JsonNode objectMetaSchema;

  StrictKeyChecker(JsonNode objectMetaSchema) {
    this.objectMetaSchema = objectMetaSchema;
  }

  /** Problems, one line each ({@code path: message}); empty when every key is declared. */
  List<String> check(JsonNode document, JsonNode rootSchema) {
    List<String> problems = new ArrayList<>();
    walk(document, rootSchema, "", "", "", problems, true);
    return problems;
  }

  private void walk(
      JsonNode data,
      JsonNode schema,
      String path,
      String parentField,
      String field,
      List<String> problems,
      boolean root) {
    if (data == null || schema == null) {
      return;
    }
    if (data.isArray()) {
      JsonNode items = schema.get("items");
      if (items == null) {
        // A list the schema leaves undeclared (x-kubernetes-preserve-unknown-fields): nothing in
        // its elements can be verified, so an element with fields is reported.
        for (int i = 0; i < data.size(); i++) {
          if (data.get(i).isObject() && data.get(i).size() > 0) {
            problems.add(
                path
                    + "["
                    + i
                    + "]: the schema declares no element type for "
                    + display(path)
                    + ", so its fields cannot be verified");
          }
        }
        return;
      }
      for (int i = 0; i < data.size(); i++) {
        // An array element keeps the array's field name, so that free-form rules see "labels".
        walk(data.get(i), items, path + "[" + i + "]", parentField, field, problems, false);
      }
      return;
    }
    if (!data.isObject()) {
      return;
    }
    Map<String, JsonNode> declared = declaredProperties(schema);
    JsonNode additional = schema.get("additionalProperties");
    for (Iterator<Map.Entry<String, JsonNode>> it = data.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String key = entry.getKey();
      String childPath = path.isEmpty() ? key : path + "." + key;
      JsonNode childSchema = declared.get(key);
      if (root && key.equals("metadata") && childSchema != null && declaresNothing(childSchema)) {
        childSchema = objectMetaSchema;
      }
      if (childSchema != null) {
        walk(entry.getValue(), childSchema, childPath, field, key, problems, false);
      } else if (additional != null && additional.isObject()) {
        walk(entry.getValue(), additional, childPath, field, key, problems, false);
      } else if (additional != null && additional.asBoolean(false)) {
        // additionalProperties: true: an explicitly open map.
      } else if (declared.isEmpty() && isFreeForm(parentField, field)) {
        // labels, annotations, resource quantities: keys are data.
      } else if (declared.isEmpty()) {
        problems.add(
            childPath
                + ": key not declared by the schema (the object at "
                + display(path)
                + " has no declared fields, so a key there cannot be verified)");
      } else {
        problems.add(
            childPath + ": unknown key (expected one of " + new TreeSet<>(declared.keySet()) + ")");
      }
    }
  }

  private static String display(String path) {
    return path.isEmpty() ? "the root" : path;
  }

  private static boolean isFreeForm(String parentField, String field) {
    return FREE_FORM_MAPS.contains(parentField + "." + field);
  }

  private static boolean declaresNothing(JsonNode schema) {
    return declaredProperties(schema).isEmpty() && !schema.has("additionalProperties");
  }

  /** The properties of the schema and of its anyOf/allOf/oneOf branches. */
  static Map<String, JsonNode> declaredProperties(JsonNode schema) {
    Map<String, JsonNode> result = new LinkedHashMap<>();
    collect(schema, result);
    return result;
  }

  private static void collect(JsonNode schema, Map<String, JsonNode> into) {
    if (schema == null || !schema.isObject()) {
      return;
    }
    JsonNode properties = schema.get("properties");
    if (properties != null) {
      properties.fields().forEachRemaining(e -> into.putIfAbsent(e.getKey(), e.getValue()));
    }
    for (String combinator : List.of("allOf", "anyOf", "oneOf")) {
      JsonNode branches = schema.get(combinator);
      if (branches != null) {
        branches.forEach(branch -> collect(branch, into));
      }
    }
  }
}
