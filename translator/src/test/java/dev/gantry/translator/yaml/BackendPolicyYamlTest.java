package dev.gantry.translator.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.v1alpha1.BackendPolicy;
import dev.gantry.api.v1alpha1.BackendPolicySpec;
import dev.gantry.translator.ResourceSnapshot;
import org.junit.jupiter.api.Test;

class BackendPolicyYamlTest {

  static final String POLICY =
      """
      apiVersion: gantry.dev/v1alpha1
      kind: BackendPolicy
      metadata: {name: p, namespace: ns}
      spec:
        targetRefs: [{group: "", kind: Service, name: echo, sectionName: http}]
        loadBalancer:
          type: ConsistentHash
          consistentHash: {type: Header, header: {name: x-user}, table: Ring}
        healthCheck:
          active: {path: /healthz, interval: 2s, timeout: 1s, expectedStatuses: [{from: 200, to: 204}]}
          passive: {consecutive5xx: 2, baseEjectionTime: 5s}
        circuitBreaker: {maxConnections: 10, maxRequests: 20}
        retryBudget: {percent: 10}
        connection: {connectTimeout: 1s}
      """;

  @Test
  void parsesTheKindIntoTheSnapshot() {
    ResourceYaml.Result r = ResourceYaml.parse("p.yaml", POLICY);
    assertThat(r.errors()).isEmpty();
    BackendPolicy p = (BackendPolicy) r.objects().get(0);
    assertThat(p.getSpec().loadBalancer().consistentHash().table())
        .isEqualTo(BackendPolicySpec.HashTable.Ring);
    assertThat(p.getSpec().healthCheck().active().expectedStatuses().get(0).to()).isEqualTo(204);
    assertThat(ResourceSnapshot.of(r.objects()).backendPolicies()).containsExactly(p);
  }

  @Test
  void unknownFieldsAreErrorsNotSilentlyDropped() {
    ResourceYaml.Result typo =
        ResourceYaml.parse("p.yaml", POLICY.replace("maxRequests:", "maxRequest:"));
    assertThat(typo.objects()).isEmpty();
    assertThat(typo.errors()).singleElement().asString().contains("maxRequest");
  }

  @Test
  void aBadEnumValueIsReported() {
    ResourceYaml.Result r =
        ResourceYaml.parse("p.yaml", POLICY.replace("type: ConsistentHash", "type: Random"));
    assertThat(r.objects()).isEmpty();
    assertThat(r.errors()).singleElement().asString().contains("Random");
  }
}
