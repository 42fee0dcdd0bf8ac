package dev.gantry.operator.input;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

class ObjectKeysTest {

  static final String CONTROLLER = "gantry.dev/gateway-controller";

  @Test
  void parentRefsDefaultToGatewaysInTheRoutesNamespaceAndOurStatusEntriesCount() {
    HTTPRoute r =
        Serialization.unmarshal(
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: r, namespace: apps}
            spec:
              parentRefs:
              - name: gw
              - {name: shared, namespace: infra}
              - {name: svc, kind: Service, group: ""}
              rules:
              - backendRefs:
                - {name: echo, port: 80}
                - {name: other, namespace: b, port: 80}
                - {name: bucket, kind: S3Bucket, group: example.com}
                filters:
                - type: RequestMirror
                  requestMirror:
                    backendRef: {name: mirror, port: 80}
            status:
              parents:
              - controllerName: gantry.dev/gateway-controller
                parentRef: {name: old}
                conditions: []
              - controllerName: example.com/other
                parentRef: {name: theirs}
                conditions: []
            """,
            HTTPRoute.class);
    assertThat(ObjectKeys.gatewaysOf(r, CONTROLLER))
        .containsExactly("apps/gw", "infra/shared", "apps/old");
    assertThat(GatewayInputs.backendServices(r))
        .containsExactly("apps/echo", "apps/mirror", "b/other");
  }
}
