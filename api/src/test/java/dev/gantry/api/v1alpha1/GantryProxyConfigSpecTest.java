package dev.gantry.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The GantryProxyConfig CRD in {@code crds/} is still written by hand (it carries printer columns,
 * categories and CEL rules the generator would need annotations for); this test keeps the Java
 * class able to read every object the CRD admits: the class must have every spec field the schema
 * has, with the same nesting, and read a full sample strictly.
 */
class GantryProxyConfigShapeTest {

  static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  @Test
  void theClassReadsEveryFieldTheCrdSchemaAdmits() throws Exception {
    JsonNode crd =
        YAML.readTree(Path.of("..", "crds", "gantryproxyconfigs.gantry.dev-v1.yml").toFile());
    JsonNode spec =
        crd.path("spec")
            .path("versions")
            .get(0)
            .path("schema")
            .path("openAPIV3Schema")
            .path("properties")
            .path("spec");
    Set<String> paths = new TreeSet<>();
    collect(spec, "", paths);
    assertThat(paths)
        .contains("image.repository", "image.tag", "image.pullPolicy", "autoscaling.enabled");

    // A sample setting every schema path (values by type), read strictly into the class.
    JsonNode sample = sample(spec);
    GantryProxyConfigSpec read = YAML.treeToValue(sample, GantryProxyConfigSpec.class);
    assertThat(read.image()).isNotNull();
    assertThat(read.autoscaling().enabled()).isNotNull();
    assertThat(YAML.valueToTree(read).toString()).isEqualTo(sample.toString());
  }

  @Test
  void imageReferencesRoundTrip() {
    assertThat(GantryProxyConfigSpec.Image.of("ghcr.io/gantry-dev/gantry-proxy:0.1.0").reference())
        .isEqualTo("ghcr.io/gantry-dev/gantry-proxy:0.1.0");
    assertThat(GantryProxyConfigSpec.Image.of("registry:5000/gantry").reference())
        .isEqualTo("registry:5000/gantry:latest");
    assertThat(GantryProxyConfigSpec.Image.of("gantry@sha256:abc").reference())
        .isEqualTo("gantry@sha256:abc");
  }

  static void collect(JsonNode schema, String prefix, Set<String> out) {
    for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields();
        it.hasNext(); ) {
      var e = it.next();
      String p = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      out.add(p);
      collect(e.getValue(), p, out);
    }
  }

  /** One value per leaf; free-form maps (resources, annotations) get one string entry. */
  static JsonNode sample(JsonNode schema) {
    var node = YAML.createObjectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields();
        it.hasNext(); ) {
      var e = it.next();
      JsonNode s = e.getValue();
      String type = s.path("type").asText("object");
      switch (type) {
        case "integer" -> node.put(e.getKey(), 2);
        case "boolean" -> node.put(e.getKey(), true);
        case "string" -> node.put(e.getKey(), s.has("enum") ? s.path("enum").get(0).asText() : "x");
        case "array" -> {}
        default -> {
          if (s.has("properties")) {
            node.set(e.getKey(), sample(s));
          } else if (e.getKey().equals("annotations")) {
            node.set(e.getKey(), YAML.createObjectNode().put("example.com/a", "b"));
          }
        }
      }
    }
    return node;
  }
}
