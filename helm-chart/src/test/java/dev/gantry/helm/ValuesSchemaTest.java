package dev.gantry.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The values contract without helm: the schema closes every object (so any typo anywhere fails at
 * install), and the chart README documents every value the schema allows, down to typed maps such
 * as resource requests.
 */
class ValuesSchemaTest {

  private final ChartFiles files = ChartFiles.fromBuild();

  @Test
  void schemaIsDraft07AndClosesEveryObject() throws IOException {
    JsonNode schema =
        new ObjectMapper().readTree(files.chart().resolve("values.schema.json").toFile());
    assertThat(schema.path("$schema").asText())
        .isEqualTo("http://json-schema.org/draft-07/schema#");
    List<String> open = new ArrayList<>();
    collectOpenObjects(schema, "$", open);
    assertThat(open)
        .as("objects without additionalProperties false (or a typed map schema)")
        .isEmpty();
  }

  @Test
  void everyValueIsInTheSchemaAndDocumentedInTheReadme() throws IOException {
    JsonNode schema =
        new ObjectMapper().readTree(files.chart().resolve("values.schema.json").toFile());
    JsonNode values = RenderedObjects.YAML.readTree(files.chart().resolve("values.yaml").toFile());
    String readme = Files.readString(files.readme());
    List<String> keys = new ArrayList<>();
    documentedKeys(values, schema, "", keys);
    assertThat(keys).as("values keys").hasSizeGreaterThan(40);
    List<String> undocumented =
        keys.stream().filter(k -> !readme.contains("| `" + k + "` |")).toList();
    assertThat(undocumented).as("values missing from the table in helm-chart/README.md").isEmpty();
  }

  @Test
  void closedObjectCheckFindsAnOpenObject() throws IOException {
    // The check itself: a nested object without additionalProperties is reported with its path.
    JsonNode schema =
        new ObjectMapper()
            .readTree(
                """
                {"type": "object", "additionalProperties": false,
                 "properties": {"a": {"type": "object", "properties": {"b": {"type": "string"}}}}}
                """);
    List<String> open = new ArrayList<>();
    collectOpenObjects(schema, "$", open);
    assertThat(open).containsExactly("$.properties.a");
  }

  /** Every schema node that describes an object must be closed or a typed map. */
  private static void collectOpenObjects(JsonNode node, String path, List<String> open) {
    if (node.isObject()) {
      boolean isObject = "object".equals(node.path("type").asText()) || node.has("properties");
      if (isObject) {
        JsonNode additional = node.get("additionalProperties");
        boolean closed =
            additional != null
                && (additional.isBoolean() && !additional.asBoolean() || additional.isObject());
        if (!closed) {
          open.add(path);
        }
      }
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        collectOpenObjects(e.getValue(), path + "." + e.getKey(), open);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        collectOpenObjects(node.get(i), path + "[" + i + "]", open);
      }
    }
  }

  /**
   * Leaf keys of values.yaml as a user sets them, descending only where the schema has named
   * properties (a typed map such as resources.requests is documented as one key).
   */
  private static void documentedKeys(
      JsonNode value, JsonNode schema, String prefix, List<String> keys) {
    for (Map.Entry<String, JsonNode> e : value.properties()) {
      String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      JsonNode child = schema.path("properties").get(e.getKey());
      assertThat(child).as("schema entry for values key %s", key).isNotNull();
      if (e.getValue().isObject() && child.has("properties")) {
        documentedKeys(e.getValue(), child, key, keys);
      } else {
        keys.add(key);
      }
    }
  }
}
