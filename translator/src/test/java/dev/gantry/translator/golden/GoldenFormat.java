package dev.gantry.translator.golden;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.gantry.model.CanonicalJson;
import dev.gantry.model.GatewaySnapshot;
import dev.gantry.translator.TranslationResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The golden out-file form of a {@link TranslationResult}: every object Gantry writes status for
 * (identity + status only, so the diff shows what the translator decided), then each snapshot as
 * YAML of its canonical JSON with its version.
 */
public final class GoldenFormat {

  private static final ObjectMapper YAML =
      new ObjectMapper(
              new YAMLFactory()
                  .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER))
          .setSerializationInclusion(JsonInclude.Include.NON_NULL);

  private GoldenFormat() {}

  public static String render(TranslationResult result) {
    List<JsonNode> docs = new ArrayList<>();
    List<HasMetadata> objects = new ArrayList<>();
    objects.addAll(result.gatewayClasses());
    objects.addAll(result.gateways());
    objects.addAll(result.httpRoutes());
    objects.addAll(result.rateLimitPolicies());
    objects.addAll(result.backendPolicies());
    for (HasMetadata o : objects) {
      ObjectNode n = YAML.createObjectNode();
      n.put("kind", o.getKind());
      ObjectNode meta = n.putObject("metadata");
      if (o.getMetadata().getNamespace() != null) {
        meta.put("namespace", o.getMetadata().getNamespace());
      }
      meta.put("name", o.getMetadata().getName());
      JsonNode full = YAML.valueToTree(o);
      n.set("status", full.get("status"));
      docs.add(n);
    }
    for (Map.Entry<String, GatewaySnapshot> e : result.snapshots().entrySet()) {
      ObjectNode n = YAML.createObjectNode();
      n.put("snapshot", e.getKey());
      n.put("version", e.getValue().version());
      n.set("content", CanonicalJson.mapper().valueToTree(e.getValue()));
      docs.add(n);
    }
    StringBuilder sb = new StringBuilder();
    for (JsonNode d : docs) {
      try {
        sb.append("---\n").append(YAML.writeValueAsString(d));
      } catch (JsonProcessingException e) {
        throw new UncheckedIOException(e);
      }
    }
    return sb.toString();
  }
}
