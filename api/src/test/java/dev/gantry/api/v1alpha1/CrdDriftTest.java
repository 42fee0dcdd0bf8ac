package dev.gantry.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Fails when a committed CRD in {@code crds/} differs from what the Fabric8 crd-generator produced
 * from the classes in this build ({@code target/crds}, written in process-classes). Update with
 * {@code cp api/target/crds/ratelimitpolicies.gantry.dev-v1.yml crds/ && cp crds/*.yml
 * helm-chart/gantry/crds-src/}.
 */
class CrdDriftTest {
  static final Path GENERATED = Path.of("target", "crds");
  static final Path COMMITTED = Path.of("..", "crds");

  /**
   * CRDs still hand-written: GantryProxyConfig's committed schema (image as an object, autoscaling
   * with enabled) is what the Helm chart renders and checks, while its Java spec still has a string
   * image; generating it would break the chart until the spec class is brought in line.
   */
  static final Set<String> HAND_WRITTEN = Set.of("gantryproxyconfigs.gantry.dev-v1.yml");

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
        .contains("ratelimitpolicies.gantry.dev-v1.yml", "backendpolicies.gantry.dev-v1.yml");
    for (Path g : files) {
      String name = g.getFileName().toString();
      if (HAND_WRITTEN.contains(name)) {
        continue;
      }
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
