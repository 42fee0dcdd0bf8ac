package dev.gantry.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Fails when a committed CRD in {@code crds/} differs from what the Fabric8 crd-generator produced
 * from the classes in this build ({@code target/crds}, written in process-classes). Update with
 * {@code cp api/target/crds/*.yml crds/ && cp crds/*.yml helm-chart/gantry/crds-src/}.
 *
 * <p>Every CRD is generated, so the schema is the classes' by construction (a separate test that
 * the classes can read what the schema admits would be redundant); what the generator cannot infer
 * (printer columns, categories, CEL rules, enums) is checked here to be in the committed files.
 */
class CrdDriftTest {
  static final Path GENERATED = Path.of("target", "crds");
  static final Path COMMITTED = Path.of("..", "crds");

  static List<Path> generated() throws IOException {
    try (Stream<Path> s = Files.list(GENERATED)) {
      return s.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
    }
  }

  @Test
  void everyGeneratedCrdIsCommittedUnchanged() throws IOException {
    List<Path> files = generated();
    assertThat(files)
        .extracting(p -> p.getFileName().toString())
        .contains(
            "ratelimitpolicies.gantry.dev-v1.yml",
            "gantryproxyconfigs.gantry.dev-v1.yml",
            "backendpolicies.gantry.dev-v1.yml");
    for (Path g : files) {
      String name = g.getFileName().toString();
      Path committed = COMMITTED.resolve(name);
      assertThat(committed)
          .as("crds/%s (expected: committed; cp api/target/crds/%1$s crds/)", name)
          .exists();
      assertThat(Files.readString(committed, StandardCharsets.UTF_8))
          .as(
              "crds/%s: differs from the generated file (expected: identical; cp"
                  + " api/target/crds/%1$s crds/ && cp crds/*.yml helm-chart/gantry/crds-src/)",
              name)
          .isEqualTo(Files.readString(g, StandardCharsets.UTF_8));
    }
  }

  @Test
  void theRateLimitPolicySchemaCarriesTheCelRules() throws IOException {
    String crd =
        Files.readString(COMMITTED.resolve("ratelimitpolicies.gantry.dev-v1.yml"))
            .replace("\\\n", "")
            .replaceAll("\\s+", " ")
            .replace("\\ ", "");
    assertThat(crd)
        .contains("self.requests >= 1")
        .contains("maxItems: 16")
        .contains("exactly one of clientIP, header, path, method, queryParam")
        .contains("per must be greater than zero")
        .contains("limit names must be unique")
        .contains("pattern: \"" + RateLimitPolicySpec.DURATION_PATTERN.replace("\\", "\\\\") + "\"")
        .contains("status: {}");
  }

  @Test
  void theGantryProxyConfigSchemaCarriesColumnsCategoriesEnumsAndCelRules() throws IOException {
    String crd =
        Files.readString(COMMITTED.resolve("gantryproxyconfigs.gantry.dev-v1.yml"))
            .replace("\\\n", "")
            .replaceAll("\\s+", " ")
            .replace("\\ ", "");
    assertThat(crd)
        .contains("shortNames: - \"gpc\"")
        .contains("categories: - \"gantry\"")
        .contains("jsonPath: \".spec.replicas\" name: \"Replicas\"")
        .contains("jsonPath: \".spec.service.type\" name: \"Service\"")
        .contains("jsonPath: \".spec.autoscaling.enabled\" name: \"Autoscaling\"")
        .contains("jsonPath: \".metadata.creationTimestamp\" name: \"Age\"")
        .contains("minReplicas must not exceed maxReplicas")
        .contains("targetCPUUtilizationPercentage must be between 1 and 100")
        .contains("replicas must not be negative")
        .contains("enum: - \"debug\" - \"error\" - \"info\" - \"trace\" - \"warn\"")
        .contains("enum: - \"ClusterIP\" - \"LoadBalancer\" - \"NodePort\"")
        .contains("enum: - \"Always\" - \"IfNotPresent\" - \"Never\"")
        .contains("minLength: 1")
        .contains("status: {}");
  }

  @Test
  void theBackendPolicySchemaCarriesTheCelRulesAndThePolicyLabel() throws IOException {
    String crd =
        Files.readString(COMMITTED.resolve("backendpolicies.gantry.dev-v1.yml"))
            .replace("\\\n", "")
            .replaceAll("\\s+", " ")
            .replace("\\ ", "");
    assertThat(crd)
        .contains("gateway.networking.k8s.io/policy: \"Direct\"")
        .contains("targetRefs must be core Services")
        .contains("maxItems: 16")
        .contains("consistentHash is required with type ConsistentHash")
        .contains("header is required with type Header")
        .contains("cookie is required with type Cookie")
        .contains("timeout must not exceed interval")
        .contains("percent must be 0..100")
        .contains("maxEjectedPercent must be 0..100")
        .contains("pattern: \"" + BackendPolicySpec.DURATION_PATTERN.replace("\\", "\\\\") + "\"")
        .contains("status: {}");
  }
}
