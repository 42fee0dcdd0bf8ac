package dev.gantry.translator.backendpolicy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.v1alpha1.BackendPolicy;
import dev.gantry.model.routing.Cluster;
import dev.gantry.model.routing.backend.ActiveHealthCheck;
import dev.gantry.translator.GatewayApiTranslator;
import dev.gantry.translator.ResourceSnapshot;
import dev.gantry.translator.TranslationResult;
import dev.gantry.translator.yaml.ResourceYaml;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Edges of BackendPolicy attachment the golden files do not spell out. */
class BackendPolicyTranslatorTest {

  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  static final String WORLD =
      """
      apiVersion: gateway.networking.k8s.io/v1
      kind: GatewayClass
      metadata: {name: gantry}
      spec: {controllerName: gantry.dev/gateway-controller}
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata: {name: gw, namespace: ns}
      spec:
        gatewayClassName: gantry
        listeners: [{name: http, port: 80, protocol: HTTP}]
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata: {name: gw2, namespace: ns}
      spec:
        gatewayClassName: gantry
        listeners: [{name: http, port: 80, protocol: HTTP}]
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: echo, namespace: ns}
      spec:
        ports: [{name: http, port: 80}, {name: admin, port: 9000}]
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: {name: r, namespace: ns}
      spec:
        parentRefs: [{name: gw}, {name: gw2}]
        rules:
        - backendRefs: [{name: echo, port: 80}]
        - matches: [{path: {type: PathPrefix, value: /admin}}]
          backendRefs: [{name: echo, port: 9000}]
      """;

  static List<HasMetadata> parse(String yaml) {
    ResourceYaml.Result r = ResourceYaml.parse("test.yaml", yaml);
    assertThat(r.errors()).isEmpty();
    return r.objects();
  }

  static TranslationResult translate(String policies) {
    return new GatewayApiTranslator()
        .translate(ResourceSnapshot.of(parse(WORLD + "---\n" + policies)), NOW);
  }

  static Condition accepted(BackendPolicy p, String ancestorName) {
    return p.getStatus().getAncestors().stream()
        .filter(a -> a.getAncestorRef().getName().equals(ancestorName))
        .findFirst()
        .orElseThrow()
        .getConditions()
        .stream()
        .filter(c -> c.getType().equals("Accepted"))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void everyGatewayUsingTheServiceIsAnAncestorAndGetsThePolicyOnEachPort() {
    TranslationResult result =
        translate(
            """
            apiVersion: gantry.dev/v1alpha1
            kind: BackendPolicy
            metadata: {name: p, namespace: ns}
            spec:
              targetRefs: [{group: "", kind: Service, name: echo}]
              healthCheck: {active: {path: /ready}}
            """);
    BackendPolicy p = result.backendPolicies().get(0);
    assertThat(p.getStatus().getAncestors())
        .extracting(a -> a.getAncestorRef().getName())
        .containsExactly("gw", "gw2");
    assertThat(accepted(p, "gw").getStatus()).isEqualTo("True");
    for (String gw : List.of("ns/gw", "ns/gw2")) {
      List<Cluster> clusters = result.snapshots().get(gw).routing().clusters();
      assertThat(clusters).hasSize(2);
      for (Cluster c : clusters) {
        ActiveHealthCheck hc = c.effectivePolicy().effectiveActiveHealthCheck();
        assertThat(hc.path()).isEqualTo("/ready");
        // Left out, so the model defaults apply.
        assertThat(hc.intervalMs()).isEqualTo(ActiveHealthCheck.DEFAULT_INTERVAL_MS);
        assertThat(hc.timeoutMs()).isEqualTo(ActiveHealthCheck.DEFAULT_TIMEOUT_MS);
        assertThat(hc.expects(200)).isTrue();
        assertThat(hc.expects(500)).isFalse();
      }
    }
  }

  @Test
  void aTimeoutAboveTheDefaultIntervalIsInvalidAndNothingApplies() {
    TranslationResult result =
        translate(
            """
            apiVersion: gantry.dev/v1alpha1
            kind: BackendPolicy
            metadata: {name: p, namespace: ns}
            spec:
              targetRefs: [{group: "", kind: Service, name: echo}]
              healthCheck: {active: {path: /ready, timeout: 6s}}
            """);
    Condition c = accepted(result.backendPolicies().get(0), "gw");
    assertThat(c.getReason()).isEqualTo("Invalid");
    assertThat(c.getMessage())
        .isEqualTo("spec.healthCheck.active.timeout: 6s (expected: <= interval 5000ms (default))");
    assertThat(result.snapshots().get("ns/gw").routing().clusters())
        .allSatisfy(cl -> assertThat(cl.policy()).isNull());
  }

  @Test
  void aPolicyTargetingOneServiceTwiceDoesNotConflictWithItself() {
    TranslationResult result =
        translate(
            """
            apiVersion: gantry.dev/v1alpha1
            kind: BackendPolicy
            metadata: {name: p, namespace: ns}
            spec:
              targetRefs:
              - {group: "", kind: Service, name: echo}
              - {group: "", kind: Service, name: echo, sectionName: admin}
              retryBudget: {percent: 5}
            """);
    assertThat(accepted(result.backendPolicies().get(0), "gw").getStatus()).isEqualTo("True");
    assertThat(result.snapshots().get("ns/gw").routing().clusters())
        .allSatisfy(
            cl -> assertThat(cl.effectivePolicy().effectiveRetryBudget().percent()).isEqualTo(5));
  }

  @Test
  void theWinnerOfAConflictDoesNotDependOnInputOrder() {
    String policies =
        """
        apiVersion: gantry.dev/v1alpha1
        kind: BackendPolicy
        metadata: {name: b, namespace: ns, creationTimestamp: "2026-01-01T00:00:00Z"}
        spec:
          targetRefs: [{group: "", kind: Service, name: echo}]
          circuitBreaker: {maxRequests: 7}
        ---
        apiVersion: gantry.dev/v1alpha1
        kind: BackendPolicy
        metadata: {name: a, namespace: ns, creationTimestamp: "2026-01-01T00:00:00Z"}
        spec:
          targetRefs: [{group: "", kind: Service, name: echo, sectionName: http}]
          circuitBreaker: {maxRequests: 9}
        """;
    List<HasMetadata> objects = new ArrayList<>(parse(WORLD + "---\n" + policies));
    TranslationResult forward =
        new GatewayApiTranslator().translate(ResourceSnapshot.of(objects), NOW);
    Collections.reverse(objects);
    TranslationResult reversed =
        new GatewayApiTranslator().translate(ResourceSnapshot.of(objects), NOW);
    // Same timestamp: namespace/name decides, so "a" holds port 80 and "b" conflicts.
    for (TranslationResult r : List.of(forward, reversed)) {
      assertThat(accepted(r.backendPolicies().get(0), "gw").getStatus()).isEqualTo("True");
      assertThat(accepted(r.backendPolicies().get(1), "gw").getReason()).isEqualTo("Conflicted");
      assertThat(
              r.snapshots().get("ns/gw").routing().clusters().stream()
                  .map(c -> c.effectivePolicy().effectiveCircuitBreaker().maxRequests())
                  .toList())
          .containsExactly(9, 1024);
    }
    assertThat(forward.snapshots()).isEqualTo(reversed.snapshots());
  }
}
