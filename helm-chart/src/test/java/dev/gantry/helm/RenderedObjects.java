package dev.gantry.helm;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The output of {@code helm template}, read strictly: YAML with duplicate keys refused, every
 * document a Kubernetes object of a kind the chart is meant to produce, read into its typed Fabric8
 * model (or, for Gantry's own kinds, checked against the CRD schema) with no field left unknown. An
 * unknown field is what a typo in a template produces, and the API server would drop it silently.
 */
final class RenderedObjects {

  static final YAMLMapper YAML =
      YAMLMapper.builder(
              YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
          .build();

  /** Built-in kinds the chart renders, by "apiVersion kind", with their typed models. */
  static final Map<String, Class<? extends HasMetadata>> TYPED_KINDS =
      Map.ofEntries(
          Map.entry("apps/v1 Deployment", Deployment.class),
          Map.entry("v1 Service", Service.class),
          Map.entry("v1 ServiceAccount", ServiceAccount.class),
          Map.entry("v1 ConfigMap", ConfigMap.class),
          Map.entry("policy/v1 PodDisruptionBudget", PodDisruptionBudget.class),
          Map.entry("rbac.authorization.k8s.io/v1 ClusterRole", ClusterRole.class),
          Map.entry("rbac.authorization.k8s.io/v1 ClusterRoleBinding", ClusterRoleBinding.class),
          Map.entry("rbac.authorization.k8s.io/v1 Role", Role.class),
          Map.entry("rbac.authorization.k8s.io/v1 RoleBinding", RoleBinding.class),
          Map.entry(
              "apiextensions.k8s.io/v1 CustomResourceDefinition", CustomResourceDefinition.class),
          Map.entry("gateway.networking.k8s.io/v1 GatewayClass", GatewayClass.class));

  /** Cluster-scoped kinds; every other object must carry the release namespace. */
  static final List<String> CLUSTER_SCOPED =
      List.of("ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "GatewayClass");

  private final List<ObjectNode> documents;

  /**
   * Reads rendered trees into typed models. Scalar coercion is off: a quoted "2" where Kubernetes
   * wants an integer (or "true" for a boolean) is an error the API server would report, so it must
   * be one here.
   */
  private final ObjectMapper json =
      JsonMapper.builder().disable(MapperFeature.ALLOW_COERCION_OF_SCALARS).build();

  private RenderedObjects(List<ObjectNode> documents) {
    this.documents = List.copyOf(documents);
  }

  static RenderedObjects parse(String rendered) throws IOException {
    List<ObjectNode> documents = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(rendered)) {
      int index = 0;
      while (it.hasNextValue()) {
        JsonNode node = it.nextValue();
        if (node == null || !node.isObject()) {
          throw new AssertionError(
              "rendered document " + index + ": " + node + " (expected: a Kubernetes object)");
        }
        documents.add((ObjectNode) node);
        index++;
      }
    }
    return new RenderedObjects(documents);
  }

  List<ObjectNode> all() {
    return documents;
  }

  List<ObjectNode> ofKind(String kind) {
    return documents.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
  }

  ObjectNode single(String kind) {
    List<ObjectNode> found = ofKind(kind);
    if (found.size() != 1) {
      throw new AssertionError("objects of kind " + kind + ": " + found.size() + " (expected: 1)");
    }
    return found.getFirst();
  }

  Optional<ObjectNode> find(String kind, String name) {
    return ofKind(kind).stream()
        .filter(d -> name.equals(d.path("metadata").path("name").asText()))
        .findFirst();
  }

  /** Reads one rendered object into its typed model. */
  <T extends HasMetadata> T typed(ObjectNode document, Class<T> type) {
    try {
      return json.convertValue(document, type);
    } catch (IllegalArgumentException e) {
      throw new AssertionError(
          describe(document)
              + ": "
              + e.getMessage()
              + " (expected: a valid "
              + type.getSimpleName()
              + ")",
          e);
    }
  }

  static String key(JsonNode document) {
    return document.path("apiVersion").asText() + " " + document.path("kind").asText();
  }

  static String describe(JsonNode document) {
    return key(document) + " " + document.path("metadata").path("name").asText("<no name>");
  }
}
