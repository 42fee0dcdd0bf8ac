package dev.gantry.translator.yaml;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.gantry.api.v1alpha1.BackendPolicy;
import dev.gantry.api.v1alpha1.RateLimitPolicy;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Multi-document YAML → Fabric8 objects of the kinds the translator reads, <b>strictly</b>: a YAML
 * syntax error names the source and line, an unsupported apiVersion/kind is reported and skipped,
 * and every field the Kubernetes schema does not know is reported with its path (Fabric8 would
 * otherwise keep it silently in {@code additionalProperties}, so a typo like {@code matchs} would
 * quietly change routing). Never throws on bad input; no file I/O (callers pass the content).
 */
public final class ResourceYaml {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  // Map.ofEntries rather than Map.of: the kinds outgrew Map.of's ten pairs.
  private static final Map<String, Class<? extends HasMetadata>> KINDS =
      Map.ofEntries(
          Map.entry("gateway.networking.k8s.io/v1/GatewayClass", GatewayClass.class),
          Map.entry("gateway.networking.k8s.io/v1/Gateway", Gateway.class),
          Map.entry("gateway.networking.k8s.io/v1/HTTPRoute", HTTPRoute.class),
          Map.entry("gateway.networking.k8s.io/v1beta1/ReferenceGrant", ReferenceGrant.class),
          Map.entry("v1/Service", Service.class),
          Map.entry("v1/Secret", Secret.class),
          Map.entry("v1/Namespace", Namespace.class),
          Map.entry("discovery.k8s.io/v1/EndpointSlice", EndpointSlice.class),
          Map.entry("gantry.dev/v1alpha1/RateLimitPolicy", RateLimitPolicy.class),
          Map.entry("gantry.dev/v1alpha1/BackendPolicy", BackendPolicy.class));

  private ResourceYaml() {}

  /**
   * @param objects the objects that parsed without error, in document order
   * @param errors one message per problem, each naming the source and the object or line
   * @param skipped objects of kinds Gantry does not read (a Deployment, a ConfigMap, an Argo CD
   *     Application...), one line each: a folder a user keeps for GitOps holds more than Gantry's
   *     inputs, and those are not errors
   */
  public record Result(List<HasMetadata> objects, List<String> errors, List<String> skipped) {
    public Result(List<HasMetadata> objects, List<String> errors) {
      this(objects, errors, List.of());
    }

    public boolean ok() {
      return errors.isEmpty();
    }
  }

  /**
   * API groups whose kinds Gantry owns or reads: an unknown kind or version there is a typo or an
   * unsupported version, never something to skip silently.
   */
  private static boolean isGantryGroup(String apiVersion) {
    return apiVersion.startsWith("gateway.networking.k8s.io/")
        || apiVersion.startsWith("gateway.networking.x-k8s.io/")
        || apiVersion.startsWith("gantry.dev/")
        || apiVersion.startsWith("discovery.k8s.io/");
  }

  public static Result parse(String sourceName, String content) {
    List<HasMetadata> objects = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    List<JsonNode> documents = new ArrayList<>();
    try (JsonParser parser = YAML.getFactory().createParser(content == null ? "" : content);
        MappingIterator<JsonNode> it = YAML.readValues(parser, JsonNode.class)) {
      while (it.hasNextValue()) {
        documents.add(it.nextValue());
      }
    } catch (JsonProcessingException e) {
      errors.add(
          sourceName + syntaxLocation(e.getLocation()) + ": " + oneLine(e.getOriginalMessage()));
    } catch (IOException | RuntimeException e) {
      errors.add(sourceName + ": " + e.getMessage());
    }
    for (int d = 0; d < documents.size(); d++) {
      JsonNode doc = documents.get(d);
      if (doc == null || doc.isNull() || doc.isMissingNode() || doc.isEmpty()) {
        continue;
      }
      String where = sourceName + " document " + (d + 1);
      if (!doc.isObject()) {
        errors.add(where + ": " + doc.getNodeType() + " (expected: a Kubernetes object)");
        continue;
      }
      String apiVersion = doc.path("apiVersion").asText("");
      String kind = doc.path("kind").asText("");
      Class<? extends HasMetadata> type = KINDS.get(apiVersion + "/" + kind);
      if (type == null
          && !apiVersion.isEmpty()
          && !kind.isEmpty()
          && !isGantryGroup(apiVersion)
          && !(apiVersion.equals("v1") && KINDS.containsKey("v1/" + kind))) {
        skipped.add(
            where
                + ": "
                + apiVersion
                + "/"
                + kind
                + " "
                + objectName(doc)
                + " (not read by Gantry)");
        continue;
      }
      if (type == null) {
        errors.add(
            where
                + ": apiVersion/kind "
                + apiVersion
                + "/"
                + kind
                + " (expected: one of "
                + KINDS.keySet().stream().sorted().toList()
                + ")");
        continue;
      }
      String id = kind + "/" + objectName(doc);
      if (doc.path("metadata").path("name").asText("").isEmpty()) {
        errors.add(sourceName + ": " + id + ": metadata.name: null (expected: a name)");
        continue;
      }
      HasMetadata object;
      try {
        object = JSON.treeToValue(doc, type);
      } catch (JsonProcessingException | IllegalArgumentException e) {
        String msg =
            e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        errors.add(sourceName + ": " + id + ": " + msg);
        continue;
      }
      List<String> unknown = UnknownFields.find(object);
      for (String path : unknown) {
        errors.add(sourceName + ": " + id + ": " + path + ": unknown field");
      }
      if (unknown.isEmpty()) {
        objects.add(object);
      }
    }
    return new Result(objects, errors, skipped);
  }

  private static String objectName(JsonNode doc) {
    JsonNode meta = doc.path("metadata");
    String ns = meta.path("namespace").asText("");
    String name = meta.path("name").asText("");
    return ns.isEmpty() ? name : ns + "/" + name;
  }

  /**
   * SnakeYAML messages span several lines with a source excerpt; a report line wants only the
   * problem statements ("while parsing a flow sequence; expected ',' or ']'...").
   */
  private static String oneLine(String message) {
    if (message == null) {
      return "invalid YAML";
    }
    List<String> parts = new ArrayList<>();
    for (String line : message.split("\\R")) {
      if (!line.isBlank() && !Character.isWhitespace(line.charAt(0))) {
        parts.add(line.strip());
      }
    }
    return String.join("; ", parts);
  }

  private static String syntaxLocation(JsonLocation loc) {
    if (loc == null || loc.getLineNr() < 1) {
      return "";
    }
    return ":" + loc.getLineNr() + ":" + loc.getColumnNr();
  }
}
