package dev.gantry.operator.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.gantry.api.v1alpha1.GantryProxyConfigSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The fleet defaults the operator starts with: the chart's {@code proxy-defaults.yaml} (a
 * GantryProxyConfig spec plus the chart-wide {@code rateLimit}, {@code accessLog} and {@code
 * tracing}). A referenced GantryProxyConfig overrides the spec part field by field.
 *
 * @param spec fleet settings, shaped like a GantryProxyConfig spec
 * @param imagePullPolicy the image's pull policy, null when unset
 * @param rateLimit Global rate-limit store settings
 * @param accessLog access-log settings
 * @param tracing tracing settings
 */
public record ProxyDefaults(
    GantryProxyConfigSpec spec,
    String imagePullPolicy,
    RateLimit rateLimit,
    AccessLog accessLog,
    Tracing tracing) {

  /** The image when neither the defaults file nor a GantryProxyConfig names one. */
  public static final String BUILT_IN_IMAGE = "ghcr.io/gantry-dev/gantry-proxy:latest";

  /**
   * @param redisUrl the store for Global-scope limits; empty = Global policies not programmed
   */
  public record RateLimit(String redisUrl) {}

  /**
   * @param sampleRatio fraction of requests logged, 0.0 to 1.0
   */
  public record AccessLog(boolean enabled, double sampleRatio) {}

  /**
   * @param otlpEndpoint OTLP/HTTP (protobuf) receiver URL; empty disables span export
   * @param samplingRatio fraction of traces sampled, 0.0 to 1.0
   */
  public record Tracing(String otlpEndpoint, double samplingRatio) {}

  private static final Set<String> TOP_LEVEL =
      Set.of(
          "replicas",
          "image",
          "resources",
          "logLevel",
          "limits",
          "service",
          "autoscaling",
          "rateLimit",
          "accessLog",
          "tracing");

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  public static ProxyDefaults builtIn() {
    return new ProxyDefaults(
        new GantryProxyConfigSpec(
            null, null, null, null, GantryProxyConfigSpec.Image.of(BUILT_IN_IMAGE), null),
        null,
        new RateLimit(""),
        new AccessLog(true, 1.0),
        new Tracing("", 0.0));
  }

  /**
   * Reads the defaults file. A missing file means the built-in defaults (the operator runs outside
   * the chart too); anything present but wrong is an error, because silently falling back would
   * provision fleets the operator's administrator did not ask for.
   *
   * @throws IllegalArgumentException naming the file, the field and what was expected
   */
  public static ProxyDefaults read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException missing) {
      return builtIn();
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "--proxy-defaults: " + file + " (expected: a readable file): " + e.getMessage(), e);
    }
    try {
      return parse(text);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      String detail =
          e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      throw new IllegalArgumentException(
          "--proxy-defaults: " + file + " (expected: proxy defaults YAML): " + detail, e);
    }
  }

  static ProxyDefaults parse(String yaml) throws JsonProcessingException {
    JsonNode root = YAML.readTree(yaml);
    if (root == null || root.isMissingNode() || root.isNull()) {
      return builtIn();
    }
    if (!root.isObject()) {
      throw new IllegalArgumentException("(root): " + root.getNodeType() + " (expected: a map)");
    }
    ObjectNode spec = ((ObjectNode) root).deepCopy();
    List<String> unknown = new ArrayList<>();
    for (Iterator<String> it = spec.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!TOP_LEVEL.contains(name)) {
        unknown.add(name);
      }
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          unknown + ": unknown (expected: one of " + TOP_LEVEL.stream().sorted().toList() + ")");
    }
    ProxyDefaults builtIn = builtIn();
    RateLimit rateLimit = take(spec, "rateLimit", RateLimit.class, builtIn.rateLimit());
    AccessLog accessLog = take(spec, "accessLog", AccessLog.class, builtIn.accessLog());
    Tracing tracing = take(spec, "tracing", Tracing.class, builtIn.tracing());
    ratio("accessLog.sampleRatio", accessLog.sampleRatio());
    ratio("tracing.samplingRatio", tracing.samplingRatio());

    // The spec part has exactly the GantryProxyConfig CRD's shape (image {repository, tag,
    // pullPolicy}, autoscaling.enabled), so one class reads both.
    GantryProxyConfigSpec s = YAML.treeToValue(spec, GantryProxyConfigSpec.class);
    if (s.image() != null && (s.image().repository() == null || s.image().repository().isBlank())) {
      throw new IllegalArgumentException(
          "image.repository: " + s.image().repository() + " (expected: non-empty)");
    }
    return new ProxyDefaults(
        s, s.image() == null ? null : s.image().pullPolicy(), rateLimit, accessLog, tracing);
  }

  private static <T> T take(ObjectNode spec, String field, Class<T> type, T fallback)
      throws JsonProcessingException {
    JsonNode node = spec.remove(field);
    if (node == null || node.isNull()) {
      return fallback;
    }
    // Fields left out of a part keep their built-in value.
    ObjectNode merged = YAML.valueToTree(fallback);
    if (!node.isObject()) {
      throw new IllegalArgumentException(field + ": " + node + " (expected: a map)");
    }
    merged.setAll((ObjectNode) node);
    return YAML.treeToValue(merged, type);
  }

  private static void ratio(String field, double value) {
    if (!(value >= 0.0 && value <= 1.0)) {
      throw new IllegalArgumentException(field + ": " + value + " (expected: 0.0 to 1.0)");
    }
  }
}
