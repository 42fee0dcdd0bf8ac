package dev.gantry.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/configuration.md} is generated from the CRD schemas in {@code crds/}, so the
 * reference can never describe a field that does not exist or miss one that does. Regenerate with
 * {@code -Ddocs.update=true}.
 */
class CrdReferenceDocTest {

  static final Path ROOT = Path.of("..");
  static final Path DOC = ROOT.resolve("docs/configuration.md");
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void configurationReferenceMatchesTheCrds() throws IOException {
    String generated = render();
    if (Boolean.getBoolean("docs.update")) {
      Files.writeString(DOC, generated, StandardCharsets.UTF_8);
    }
    assertThat(Files.exists(DOC))
        .as("%s exists (generate it with -Ddocs.update=true)", DOC)
        .isTrue();
    assertThat(Files.readString(DOC, StandardCharsets.UTF_8))
        .as(
            "docs/configuration.md is stale: regenerate with ./mvnw -pl helm-chart verify -Ddocs.update=true")
        .isEqualTo(generated);
  }

  static String render() throws IOException {
    List<Path> crds;
    try (Stream<Path> s = Files.list(ROOT.resolve("crds"))) {
      crds =
          s.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml"))
              .sorted()
              .toList();
    }
    StringBuilder md = new StringBuilder();
    md.append("# Configuration reference\n\n")
        .append(
            "Every field of Gantry's own resources, generated from the CRD schemas in `crds/` by\n")
        .append(
            "`CrdReferenceDocTest` (regenerate: `./mvnw -pl helm-chart verify -Ddocs.update=true`). The Gateway API\n")
        .append(
            "resources (GatewayClass, Gateway, HTTPRoute, ReferenceGrant) are documented by the Gateway API project;\n")
        .append("[architecture.md](architecture.md) says how Gantry interprets them.\n");
    for (Path crd : crds) {
      JsonNode doc = YAML.readTree(crd.toFile());
      JsonNode spec = doc.path("spec");
      String kind = spec.path("names").path("kind").asText();
      for (JsonNode version : spec.path("versions")) {
        md.append("\n## ")
            .append(kind)
            .append(" (`")
            .append(spec.path("group").asText())
            .append('/')
            .append(version.path("name").asText())
            .append("`, ")
            .append(spec.path("scope").asText().toLowerCase(java.util.Locale.ROOT))
            .append(")\n\n");
        JsonNode schema = version.path("schema").path("openAPIV3Schema");
        if (schema.hasNonNull("description")) {
          md.append(oneLine(schema.path("description").asText())).append("\n\n");
        }
        md.append("| field | type | rules | description |\n|---|---|---|---|\n");
        List<String> rows = new ArrayList<>();
        walk(schema.path("properties").path("spec"), "spec", rows);
        walk(schema.path("properties").path("status"), "status", rows);
        rows.forEach(md::append);
      }
    }
    return md.toString();
  }

  static void walk(JsonNode node, String path, List<String> rows) {
    if (node.isMissingNode()) {
      return;
    }
    String type = node.path("type").asText("object");
    if (type.equals("array") && node.path("items").path("type").asText("object").equals("object")) {
      type = "[]object";
    } else if (type.equals("array")) {
      type = "[]" + node.path("items").path("type").asText();
    }
    rows.add(
        "| `"
            + path
            + "` | "
            + type
            + " | "
            + rules(node)
            + " | "
            + oneLine(node.path("description").asText(""))
            + " |\n");
    JsonNode props = node.path("properties");
    if (props.isMissingNode() && node.path("items").has("properties")) {
      props = node.path("items").path("properties");
      path = path + "[]";
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      walk(e.getValue(), path + "." + e.getKey(), rows);
    }
  }

  static String rules(JsonNode n) {
    List<String> r = new ArrayList<>();
    if (n.has("enum")) {
      List<String> values = new ArrayList<>();
      n.path("enum").forEach(v -> values.add(v.asText()));
      r.add("one of " + String.join(", ", values));
    }
    for (String k :
        List.of("default", "minimum", "maximum", "minItems", "maxItems", "pattern", "format")) {
      if (n.has(k)) {
        r.add(k + " " + n.path(k).toString().replace("|", "\\|"));
      }
    }
    for (JsonNode rule : n.path("x-kubernetes-validations")) {
      r.add("CEL: " + rule.path("message").asText(rule.path("rule").asText()).replace("|", "\\|"));
    }
    return String.join("; ", r);
  }

  static String oneLine(String s) {
    return s.replace("\r", " ")
        .replace("\n", " ")
        .replace("|", "\\|")
        .replaceAll("\\s+", " ")
        .trim();
  }
}
