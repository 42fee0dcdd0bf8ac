package dev.gantry.translator.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.v1alpha1.RateLimitPolicy;
import dev.gantry.api.v1alpha1.RateLimitPolicySpec;
import org.junit.jupiter.api.Test;

class RateLimitPolicyYamlTest {

  static final String POLICY =
      """
      apiVersion: gantry.dev/v1alpha1
      kind: RateLimitPolicy
      metadata: {name: p, namespace: ns}
      spec:
        targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: r, sectionName: create}]
        scope: Global
        failureMode: Closed
        limits:
        - name: per-client
          rates: [{requests: 100, per: 1m}]
          key: [{clientIP: {}}, {header: {name: X-API-Key}}]
          when: [{path: {type: PathPrefix, value: /orders}, method: POST}]
      """;

  @Test
  void parsesTheKind() {
    ResourceYaml.Result r = ResourceYaml.parse("p.yaml", POLICY);
    assertThat(r.errors()).isEmpty();
    RateLimitPolicy p = (RateLimitPolicy) r.objects().get(0);
    assertThat(p.getSpec().scope()).isEqualTo(RateLimitPolicySpec.Scope.Global);
    assertThat(p.getSpec().limits().get(0).key().get(1).header().name()).isEqualTo("X-API-Key");
    assertThat(p.getSpec().limits().get(0).when().get(0).getMethod()).isEqualTo("POST");
  }

  @Test
  void unknownFieldsAreErrorsNotSilentlyDropped() {
    ResourceYaml.Result typo =
        ResourceYaml.parse("p.yaml", POLICY.replace("failureMode:", "failuremode:"));
    assertThat(typo.objects()).isEmpty();
    assertThat(typo.errors()).singleElement().asString().contains("failuremode");
    // Inside an embedded Gateway API type (the when match) the strict walk still applies.
    ResourceYaml.Result nested =
        ResourceYaml.parse("p.yaml", POLICY.replace("method: POST", "methd: POST"));
    assertThat(nested.errors()).singleElement().asString().contains("methd");
  }

  @Test
  void aBadEnumValueIsReported() {
    ResourceYaml.Result r =
        ResourceYaml.parse("p.yaml", POLICY.replace("scope: Global", "scope: Galactic"));
    assertThat(r.objects()).isEmpty();
    assertThat(r.errors()).singleElement().asString().contains("Galactic");
  }
}
