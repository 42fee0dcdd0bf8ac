package dev.gantry.operator.input;

import static dev.gantry.operator.testing.Manifests.GATEWAY_CLASS;
import static dev.gantry.operator.testing.Manifests.gateway;
import static dev.gantry.operator.testing.Manifests.route;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.operator.testing.ListCaches;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

/**
 * A Gateway's translator input carries the BackendTLSPolicies of its backends and the CA bundles
 * (ConfigMaps, Secrets) that they and its frontend validation reference, and nothing else.
 */
class GatewayInputsTlsTest {

  static final String CONTROLLER = "gantry.dev/gateway-controller";

  static HasMetadata yaml(String y) {
    return Serialization.unmarshal(y);
  }

  static HasMetadata configMap(String name) {
    return yaml(
        """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: %s, namespace: infra}
        data: {ca.crt: "-----BEGIN CERTIFICATE-----"}
        """
            .formatted(name));
  }

  static HasMetadata tlsPolicy(String name, String service, String caKind, String caName) {
    return yaml(
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: BackendTLSPolicy
        metadata: {name: %s, namespace: infra}
        spec:
          targetRefs: [{group: "", kind: Service, name: %s}]
          validation:
            caCertificateRefs: [{group: "", kind: %s, name: %s}]
            hostname: echo.example.com
        """
            .formatted(name, service, caKind, caName));
  }

  final ListCaches caches =
      new ListCaches()
          .add(
              yaml(GATEWAY_CLASS),
              yaml(
                  """
                  apiVersion: gateway.networking.k8s.io/v1
                  kind: Gateway
                  metadata: {name: gw, namespace: infra}
                  spec:
                    gatewayClassName: gantry
                    tls:
                      frontend:
                        default:
                          validation:
                            caCertificateRefs: [{group: "", kind: ConfigMap, name: client-ca}]
                    listeners:
                    - {name: http, port: 80, protocol: HTTP}
                  """),
              yaml(gateway("other", "http")),
              yaml(route("r", "/api")),
              configMap("client-ca"),
              configMap("echo-ca"),
              configMap("unrelated"),
              yaml(
                  """
                  apiVersion: v1
                  kind: Secret
                  metadata: {name: echo-ca-secret, namespace: infra}
                  stringData: {ca.crt: "-----BEGIN CERTIFICATE-----"}
                  """),
              tlsPolicy("echo-tls", "echo", "ConfigMap", "echo-ca"),
              tlsPolicy("echo-tls-secret", "echo", "Secret", "echo-ca-secret"),
              tlsPolicy("elsewhere", "not-routed", "ConfigMap", "unrelated"));

  Gateway gw(String name) {
    return caches.gateway("infra", name).orElseThrow();
  }

  @Test
  void inputHoldsThePoliciesOfItsBackendsAndTheirAndItsCaBundles() {
    var input = new GatewayInputs(caches, CONTROLLER).forGateway(gw("gw"));
    assertThat(input.backendTlsPolicies())
        .extracting(p -> p.getMetadata().getName())
        .containsExactly("echo-tls", "echo-tls-secret");
    assertThat(input.configMaps())
        .extracting(c -> c.getMetadata().getName())
        .containsExactly("client-ca", "echo-ca");
    assertThat(input.secrets())
        .extracting(s -> s.getMetadata().getName())
        .containsExactly("echo-ca-secret");
  }

  @Test
  void aGatewayWithoutTheseBackendsOrValidationGetsNone() {
    var input = new GatewayInputs(caches, CONTROLLER).forGateway(gw("other"));
    assertThat(input.backendTlsPolicies()).isEmpty();
    assertThat(input.configMaps()).isEmpty();
  }

  @Test
  void referencesAreCollectedWithKindAndNamespace() {
    assertThat(TlsInputs.frontendCaRefs(gw("gw"))).containsExactly("ConfigMap/infra/client-ca");
    var policy =
        (io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy)
            tlsPolicy("p", "echo", "Secret", "s");
    assertThat(TlsInputs.targetServices(policy)).containsExactly("infra/echo");
    assertThat(TlsInputs.policyCaRefs(policy)).containsExactly("Secret/infra/s");
  }
}
