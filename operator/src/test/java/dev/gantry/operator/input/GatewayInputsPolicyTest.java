package dev.gantry.operator.input;

import static dev.gantry.operator.testing.Manifests.GATEWAY_CLASS;
import static dev.gantry.operator.testing.Manifests.gateway;
import static dev.gantry.operator.testing.Manifests.route;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.v1alpha1.BackendPolicy;
import dev.gantry.api.v1alpha1.RateLimitPolicy;
import dev.gantry.operator.testing.ListCaches;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

/**
 * Which RateLimitPolicies a Gateway's translator input carries, and which Gateways a policy
 * reaches.
 */
class GatewayInputsPolicyTest {

  static final String CONTROLLER = "gantry.dev/gateway-controller";

  static RateLimitPolicy policy(String name, String kind, String target) {
    return Serialization.unmarshal(
        """
        apiVersion: gantry.dev/v1alpha1
        kind: RateLimitPolicy
        metadata: {name: %s, namespace: infra}
        spec:
          targetRefs:
          - {group: gateway.networking.k8s.io, kind: %s, name: %s}
          limits:
          - name: all
            rates: [{requests: 1, per: 1s}]
        """
            .formatted(name, kind, target),
        RateLimitPolicy.class);
  }

  static BackendPolicy backendPolicy(String name, String service) {
    return Serialization.unmarshal(
        """
        apiVersion: gantry.dev/v1alpha1
        kind: BackendPolicy
        metadata: {name: %s, namespace: infra}
        spec:
          targetRefs: [{group: "", kind: Service, name: %s}]
          retryBudget: {percent: 5}
        """
            .formatted(name, service),
        BackendPolicy.class);
  }

  static HasMetadata yaml(String y) {
    return Serialization.unmarshal(y);
  }

  final ListCaches caches =
      new ListCaches()
          .add(
              yaml(GATEWAY_CLASS),
              yaml(gateway("gw", "http")),
              yaml(gateway("other", "http")),
              yaml(route("r", "/api")),
              policy("on-gateway", "Gateway", "gw"),
              policy("on-route", "HTTPRoute", "r"),
              policy("on-other", "Gateway", "other"),
              policy("on-nothing", "HTTPRoute", "nope"));

  Gateway gw(String name) {
    return caches.gateway("infra", name).orElseThrow();
  }

  @Test
  void aGatewayTargetReachesThatGatewayAndARouteTargetTheGatewaysOfTheRoute() {
    assertThat(PolicyTargets.gatewaysOf(policy("x", "Gateway", "gw"), caches, CONTROLLER))
        .containsExactly("infra/gw");
    assertThat(PolicyTargets.gatewaysOf(policy("x", "HTTPRoute", "r"), caches, CONTROLLER))
        .containsExactly("infra/gw");
    assertThat(PolicyTargets.gatewaysOf(policy("x", "HTTPRoute", "nope"), caches, CONTROLLER))
        .isEmpty();
    assertThat(PolicyTargets.gatewaysOf(policy("x", "Gateway", "gone"), caches, CONTROLLER))
        .isEmpty();
  }

  @Test
  void theInputHoldsThePoliciesOfTheGatewayAndItsRoutesPlusThoseThatLeadNowhere() {
    var input = new GatewayInputs(caches, CONTROLLER).forGateway(gw("gw"));
    assertThat(input.rateLimitPolicies())
        .extracting(p -> p.getMetadata().getName())
        .containsExactly("on-gateway", "on-nothing", "on-route");

    var other = new GatewayInputs(caches, CONTROLLER).forGateway(gw("other"));
    assertThat(other.rateLimitPolicies())
        .extracting(p -> p.getMetadata().getName())
        .containsExactly("on-nothing", "on-other");
  }

  @Test
  void aServiceTargetReachesTheGatewaysOfTheRoutesUsingIt() {
    assertThat(PolicyTargets.gatewaysOf(backendPolicy("x", "echo"), caches, CONTROLLER))
        .containsExactly("infra/gw");
    assertThat(PolicyTargets.gatewaysOf(backendPolicy("x", "idle"), caches, CONTROLLER)).isEmpty();
    assertThat(PolicyTargets.gatewaysOf(backendPolicy("x", "nope"), caches, CONTROLLER)).isEmpty();
  }

  @Test
  void theInputHoldsTheBackendPoliciesOfItsServicesPlusThoseThatLeadNowhereWithTheirServices() {
    caches.add(
        yaml(dev.gantry.operator.testing.Manifests.ECHO_SERVICE),
        yaml(
            """
            apiVersion: v1
            kind: Service
            metadata: {name: idle, namespace: infra}
            spec:
              ports: [{name: http, port: 80}]
            """),
        backendPolicy("on-echo", "echo"),
        backendPolicy("on-idle", "idle"),
        backendPolicy("on-nothing", "nope"));
    var input = new GatewayInputs(caches, CONTROLLER).forGateway(gw("gw"));
    assertThat(input.backendPolicies())
        .extracting(p -> p.getMetadata().getName())
        .containsExactly("on-echo", "on-idle", "on-nothing");
    // The idle Service is there so the translator sees it exists (no route of gw uses it).
    assertThat(input.services())
        .extracting(s -> s.getMetadata().getName())
        .containsExactly("echo", "idle");

    var other = new GatewayInputs(caches, CONTROLLER).forGateway(gw("other"));
    assertThat(other.backendPolicies())
        .extracting(p -> p.getMetadata().getName())
        .containsExactly("on-idle", "on-nothing");
  }
}
