package dev.gantry.operator.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;

/** The YAML a user would apply, for the operator ITs. */
public final class Manifests {

  private Manifests() {}

  public static final String NAMESPACE =
      """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: infra
      """;

  public static final String GATEWAY_CLASS =
      """
      apiVersion: gateway.networking.k8s.io/v1
      kind: GatewayClass
      metadata:
        name: gantry
      spec:
        controllerName: gantry.dev/gateway-controller
      """;

  public static final String FOREIGN_CLASS =
      """
      apiVersion: gateway.networking.k8s.io/v1
      kind: GatewayClass
      metadata:
        name: other
      spec:
        controllerName: example.com/other-controller
      """;

  public static String gateway(String name, String listenerName) {
    return gateway(name, listenerName, "HTTP");
  }

  public static String gateway(String name, String listenerName, String protocol) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: %s
          namespace: infra
        spec:
          gatewayClassName: gantry
          infrastructure:
            labels:
              team: edge
            annotations:
              example.com/owner: edge-team
          listeners:
          - name: %s
            port: 80
            protocol: %s
        """
        .formatted(name, listenerName, protocol);
  }

  public static final String ECHO_SERVICE =
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: echo
        namespace: infra
      spec:
        ports:
        - name: http
          port: 80
          targetPort: 3000
      """;

  public static String echoSlice(String... addresses) {
    StringBuilder eps = new StringBuilder();
    for (String a : addresses) {
      eps.append("- addresses: [\"").append(a).append("\"]\n  conditions:\n    ready: true\n");
    }
    return """
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: echo-abc
          namespace: infra
          labels:
            kubernetes.io/service-name: echo
        addressType: IPv4
        ports:
        - name: http
          port: 3000
          protocol: TCP
        endpoints:
        """
        + eps;
  }

  public static String route(String name, String path) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: %s
          namespace: infra
        spec:
          parentRefs:
          - name: gw
          rules:
          - matches:
            - path:
                type: PathPrefix
                value: %s
            backendRefs:
            - name: echo
              port: 80
        """
        .formatted(name, path);
  }

  /**
   * Creates or updates, like {@code kubectl apply}: an update races the operator's own status
   * writes (each bumps the resourceVersion), so a 409 Conflict is retried on the latest version, as
   * kubectl does.
   */
  public static HasMetadata apply(KubernetesClient client, String yaml) {
    for (int attempt = 1; ; attempt++) {
      try {
        return client.resource(yaml).createOr(existing -> existing.update());
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 5) {
          throw e;
        }
      }
    }
  }
}
