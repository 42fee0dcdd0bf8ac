package dev.gantry.operator.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compares statuses the way the API server would see a difference, minus list order: every array is
 * sorted by its elements' canonical form, object keys are sorted, and null or empty values are
 * dropped (the server and the translator disagree on whether an empty list is written).
 */
final class OrderInsensitive {

  private OrderInsensitive() {}

  static boolean same(Object a, Object b) {
    return canonical(a).equals(canonical(b));
  }

  static String canonical(Object value) {
    if (value == null) {
      return "null";
    }
    JsonNode tree = Serialization.jsonMapper().valueToTree(value);
    JsonNode normal = normalize(tree);
    return normal == null ? "null" : normal.toString();
  }

  private static JsonNode normalize(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isObject()) {
      Map<String, JsonNode> sorted = new TreeMap<>();
      node.properties()
          .forEach(
              e -> {
                JsonNode n = normalize(e.getValue());
                if (n != null) {
                  sorted.put(e.getKey(), n);
                }
              });
      if (sorted.isEmpty()) {
        return null;
      }
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      sorted.forEach(out::set);
      return out;
    }
    if (node.isArray()) {
      List<JsonNode> items = new ArrayList<>();
      node.forEach(
          n -> {
            JsonNode x = normalize(n);
            if (x != null) {
              items.add(x);
            }
          });
      if (items.isEmpty()) {
        return null;
      }
      items.sort(Comparator.comparing(JsonNode::toString));
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      items.forEach(out::add);
      return out;
    }
    if (node.isTextual() && node.textValue().isEmpty()) {
      return null;
    }
    return node;
  }
}
