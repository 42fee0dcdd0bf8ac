package dev.gantry.helm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks a custom object against its CRD's structural {@code openAPIV3Schema}, the subset of it the
 * API server applies: types, enums, numeric bounds, patterns, closed objects. The point is the last
 * one: the API server silently prunes fields a structural schema does not declare, so a misspelt
 * key in a rendered GantryProxyConfig would vanish on apply; here it is an error. (No JSON-schema
 * library helps: in plain JSON Schema an object without {@code additionalProperties: false} is
 * open, the opposite of a CRD.)
 */
final class CrdSchemaCheck {

  private CrdSchemaCheck() {}

  /**
   * Fields of the root the API server keeps and checks itself whatever the schema says (a generated
   * schema, like the crd-generator's, leaves them out).
   */
  private static final java.util.Set<String> ROOT_FIELDS =
      java.util.Set.of("apiVersion", "kind", "metadata");

  static List<String> violations(JsonNode value, JsonNode schema, String path) {
    List<String> out = new ArrayList<>();
    if (value.isObject()) {
      com.fasterxml.jackson.databind.node.ObjectNode rest =
          ((com.fasterxml.jackson.databind.node.ObjectNode) value).deepCopy();
      rest.remove(ROOT_FIELDS);
      value = rest;
    }
    check(value, schema, path, out);
    return out;
  }

  private static void check(JsonNode value, JsonNode schema, String path, List<String> out) {
    if (schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
      return;
    }
    if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
      if (!value.isIntegralNumber() && !value.isTextual()) {
        out.add(path + ": " + value + " (expected: an integer or a string)");
      }
      checkPattern(value, schema, path, out);
      return;
    }
    String type = schema.path("type").asText("");
    switch (type) {
      case "object" -> checkObject(value, schema, path, out);
      case "array" -> {
        if (!value.isArray()) {
          out.add(path + ": " + value + " (expected: an array)");
          return;
        }
        for (int i = 0; i < value.size(); i++) {
          check(value.get(i), schema.path("items"), path + "[" + i + "]", out);
        }
      }
      case "string" -> {
        if (!value.isTextual()) {
          out.add(path + ": " + value + " (expected: a string)");
          return;
        }
        if (schema.has("minLength") && value.asText().length() < schema.get("minLength").asInt()) {
          out.add(
              path
                  + ": \""
                  + value.asText()
                  + "\" (expected: at least "
                  + schema.get("minLength")
                  + " characters)");
        }
        checkPattern(value, schema, path, out);
      }
      case "integer" -> {
        if (!value.isIntegralNumber()) {
          out.add(path + ": " + value + " (expected: an integer)");
          return;
        }
        checkBounds(value, schema, path, out);
      }
      case "number" -> {
        if (!value.isNumber()) {
          out.add(path + ": " + value + " (expected: a number)");
          return;
        }
        checkBounds(value, schema, path, out);
      }
      case "boolean" -> {
        if (!value.isBoolean()) {
          out.add(path + ": " + value + " (expected: true or false)");
        }
      }
      default ->
          out.add(path + ": schema type \"" + type + "\" (expected: a structural schema type)");
    }
    if (schema.has("enum")) {
      boolean listed = false;
      for (JsonNode allowed : schema.get("enum")) {
        listed |= allowed.equals(value);
      }
      if (!listed) {
        out.add(path + ": " + value + " (expected: one of " + schema.get("enum") + ")");
      }
    }
  }

  private static void checkObject(JsonNode value, JsonNode schema, String path, List<String> out) {
    if (!value.isObject()) {
      out.add(path + ": " + value + " (expected: an object)");
      return;
    }
    JsonNode properties = schema.path("properties");
    JsonNode additional = schema.path("additionalProperties");
    for (Iterator<Map.Entry<String, JsonNode>> it = value.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String child = path + "." + field.getKey();
      if (properties.has(field.getKey())) {
        check(field.getValue(), properties.get(field.getKey()), child, out);
      } else if (additional.isObject()) {
        check(field.getValue(), additional, child, out);
      } else if (!path.endsWith(".metadata")) {
        // metadata is checked by the API server as ObjectMeta; a CRD schema only says "type:
        // object" there.
        out.add(
            child
                + ": present (expected: a field of the CRD schema; the API server would prune it)");
      }
    }
    for (JsonNode required : schema.path("required")) {
      if (!value.has(required.asText())) {
        out.add(
            path + "." + required.asText() + ": missing (expected: present, the CRD requires it)");
      }
    }
  }

  private static void checkBounds(JsonNode value, JsonNode schema, String path, List<String> out) {
    if (schema.has("minimum") && value.asDouble() < schema.get("minimum").asDouble()) {
      out.add(path + ": " + value + " (expected: >= " + schema.get("minimum") + ")");
    }
    if (schema.has("maximum") && value.asDouble() > schema.get("maximum").asDouble()) {
      out.add(path + ": " + value + " (expected: <= " + schema.get("maximum") + ")");
    }
  }

  private static void checkPattern(JsonNode value, JsonNode schema, String path, List<String> out) {
    if (value.isTextual()
        && schema.has("pattern")
        && !Pattern.compile(schema.get("pattern").asText()).matcher(value.asText()).find()) {
      out.add(
          path
              + ": \""
              + value.asText()
              + "\" (expected: to match "
              + schema.get("pattern").asText()
              + ")");
    }
  }
}
