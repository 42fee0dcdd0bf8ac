package dev.gantry.translator.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.translator.ResourceSnapshot;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import org.junit.jupiter.api.Test;

class ResourceYamlTest {

  private static final String ROUTE =
      """
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata:
        name: r
        namespace: ns
      spec:
        parentRefs: [{name: gw}]
        rules:
        - matches: [{path: {type: PathPrefix, value: /a}}]
          backendRefs: [{name: svc, port: 8080}]
      """;

  @Test
  void parsesEveryKindTheTranslatorReads() {
    String yaml =
        ROUTE
            + """
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: GatewayClass
            metadata: {name: c}
            spec: {controllerName: gantry.dev/gateway-controller}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: gw, namespace: ns}
            spec:
              gatewayClassName: c
              listeners: [{name: http, port: 80, protocol: HTTP}]
            ---
            apiVersion: gateway.networking.k8s.io/v1beta1
            kind: ReferenceGrant
            metadata: {name: g, namespace: ns}
            spec:
              from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: other}]
              to: [{group: "", kind: Service}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: svc, namespace: ns}
            spec: {ports: [{name: http, port: 8080, targetPort: 3000}]}
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: svc-1, namespace: ns, labels: {kubernetes.io/service-name: svc}}
            addressType: IPv4
            ports: [{name: http, port: 3000}]
            endpoints: [{addresses: [10.0.0.1]}]
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: s, namespace: ns}
            stringData: {tls.crt: x}
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: ns}
            ---
            # an empty document is fine
            """;
    ResourceYaml.Result r = ResourceYaml.parse("all.yaml", yaml);
    assertThat(r.errors()).isEmpty();
    assertThat(r.objects()).hasSize(8);
    ResourceSnapshot s = ResourceSnapshot.of(r.objects());
    assertThat(s.httpRoutes()).hasSize(1);
    assertThat(s.gatewayClasses()).hasSize(1);
    assertThat(s.gateways()).hasSize(1);
    assertThat(s.referenceGrants()).hasSize(1);
    assertThat(s.services()).hasSize(1);
    assertThat(s.endpointSlices()).hasSize(1);
    assertThat(s.secrets()).hasSize(1);
    assertThat(s.namespaces()).hasSize(1);
    HTTPRoute route = s.httpRoutes().get(0);
    assertThat(route.getSpec().getRules().get(0).getMatches().get(0).getPath().getValue())
        .isEqualTo("/a");
  }

  @Test
  void reportsASyntaxErrorWithSourceAndLine() {
    String yaml = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: [unclosed\n";
    ResourceYaml.Result r = ResourceYaml.parse("broken.yaml", yaml);
    assertThat(r.objects()).isEmpty();
    assertThat(r.errors()).hasSize(1);
    assertThat(r.errors().get(0))
        .isEqualTo(
            "broken.yaml:4:18: while parsing a flow sequence; expected ',' or ']', but got <stream"
                + " end>");
  }

  @Test
  void reportsEveryUnknownFieldWithItsPathAndDropsTheObject() {
    String yaml =
        ROUTE
                .replace("- matches:", "- matchs:")
                .replace("parentRefs:", "parentRef: x\n  parentRefs:")
            + "status: {parents: [{controllerName: x, parentRef: {name: gw}, conditions: [], bogus: 1}]}\n";
    ResourceYaml.Result r = ResourceYaml.parse("route.yaml", yaml);
    assertThat(r.objects()).isEmpty();
    assertThat(r.errors())
        .containsExactly(
            "route.yaml: HTTPRoute/ns/r: spec.parentRef: unknown field",
            "route.yaml: HTTPRoute/ns/r: spec.rules[0].matchs: unknown field",
            "route.yaml: HTTPRoute/ns/r: status.parents[0].bogus: unknown field");
  }

  @Test
  void reportsAnUnknownKindWithoutFailingTheOthers() {
    String yaml =
        ROUTE
            + """
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: GRPCRoute
            metadata: {name: g, namespace: ns}
            """;
    ResourceYaml.Result r = ResourceYaml.parse("mixed.yaml", yaml);
    assertThat(r.objects()).hasSize(1);
    assertThat(r.errors()).hasSize(1);
    assertThat(r.errors().get(0))
        .startsWith(
            "mixed.yaml document 2: apiVersion/kind gateway.networking.k8s.io/v1/GRPCRoute (expected: one of");
  }

  @Test
  void skipsKindsGantryDoesNotReadButNotTyposInItsOwnGroups() {
    String yaml =
        ROUTE
            + """
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: ns}
            spec: {replicas: 2}
            ---
            apiVersion: argoproj.io/v1alpha1
            kind: Application
            metadata: {name: routes, namespace: argocd}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: settings, namespace: ns}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoutes
            metadata: {name: typo, namespace: ns}
            ---
            apiVersion: gateway.networking.k8s.io/v1alpha2
            kind: HTTPRoute
            metadata: {name: old, namespace: ns}
            """;
    ResourceYaml.Result r = ResourceYaml.parse("repo.yaml", yaml);
    assertThat(r.objects()).hasSize(1);
    assertThat(r.skipped())
        .containsExactly(
            "repo.yaml document 2: apps/v1/Deployment ns/web (not read by Gantry)",
            "repo.yaml document 3: argoproj.io/v1alpha1/Application argocd/routes (not read by Gantry)",
            "repo.yaml document 4: v1/Pod ns/settings (not read by Gantry)");
    assertThat(r.errors()).hasSize(2).allSatisfy(e -> assertThat(e).contains("(expected: one of"));
  }

  @Test
  void reportsWrongTypesAndMissingNames() {
    String yaml =
        """
        apiVersion: v1
        kind: Service
        metadata: {name: s, namespace: ns}
        spec: {ports: [{port: not-a-number}]}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {labels: {a: b}}
        ---
        - just
        - a list
        """;
    ResourceYaml.Result r = ResourceYaml.parse("types.yaml", yaml);
    assertThat(r.objects()).isEmpty();
    assertThat(r.errors()).hasSize(3);
    assertThat(r.errors().get(0)).startsWith("types.yaml: Service/ns/s: ");
    assertThat(r.errors().get(1))
        .isEqualTo("types.yaml: Namespace/: metadata.name: null (expected: a name)");
    assertThat(r.errors().get(2))
        .isEqualTo("types.yaml document 3: ARRAY (expected: a Kubernetes object)");
  }

  @Test
  void neverThrowsOnNullOrEmptyInput() {
    assertThat(ResourceYaml.parse("empty.yaml", "").ok()).isTrue();
    assertThat(ResourceYaml.parse("null.yaml", null).ok()).isTrue();
    assertThat(ResourceYaml.parse("tabs.yaml", "\tkind: x").ok()).isFalse();
  }
}
