package dev.gantry.translator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.model.CanonicalJson;
import dev.gantry.translator.golden.GoldenFormat;
import dev.gantry.translator.yaml.ResourceYaml;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reusing per-route translations must never change the result: a cached translator gives the same
 * output as a fresh one, picks up a changed route, and notices a changed Service it depends on.
 */
class TranslationCacheTest {

  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  private static final String INPUT =
      """
      apiVersion: gateway.networking.k8s.io/v1
      kind: GatewayClass
      metadata: {name: gantry, resourceVersion: "1"}
      spec: {controllerName: gantry.dev/gateway-controller}
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata: {name: gw, namespace: ns, resourceVersion: "1"}
      spec:
        gatewayClassName: gantry
        listeners: [{name: http, port: 80, protocol: HTTP}]
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata: {name: other, namespace: ns, resourceVersion: "1"}
      spec:
        gatewayClassName: gantry
        listeners: [{name: http, port: 80, protocol: HTTP}]
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: {name: c, namespace: ns, uid: u-c, resourceVersion: "1", generation: 1}
      spec:
        parentRefs: [{name: other}]
        rules: [{backendRefs: [{name: svc, port: 8080}]}]
      ---
      apiVersion: v1
      kind: Namespace
      metadata: {name: ns, resourceVersion: "1"}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: svc, namespace: ns, resourceVersion: "1"}
      spec: {ports: [{name: http, port: 8080}]}
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: {name: a, namespace: ns, uid: u-a, resourceVersion: "1", generation: 1}
      spec:
        parentRefs: [{name: gw}]
        rules: [{matches: [{path: {value: /a}}], backendRefs: [{name: svc, port: 8080}]}]
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: {name: b, namespace: ns, uid: u-b, resourceVersion: "1", generation: 1}
      spec:
        parentRefs: [{name: gw}]
        rules: [{matches: [{path: {value: /b}}], backendRefs: [{name: svc, port: 8080}]}]
      """;

  private static List<HasMetadata> parse(String yaml) {
    ResourceYaml.Result r = ResourceYaml.parse("cache.yaml", yaml);
    assertThat(r.errors()).isEmpty();
    return new ArrayList<>(r.objects());
  }

  private static String render(TranslationResult r) {
    return GoldenFormat.render(r);
  }

  @Test
  void cachedTranslationEqualsAFreshOneAcrossChanges() {
    GatewayApiTranslator cached = new GatewayApiTranslator(new TranslationCache());
    List<HasMetadata> v1 = parse(INPUT);
    assertThat(render(cached.translate(ResourceSnapshot.of(v1), NOW)))
        .isEqualTo(render(new GatewayApiTranslator().translate(ResourceSnapshot.of(v1), NOW)));
    // Same input again: served from the cache, same bytes.
    TranslationResult first = cached.translate(ResourceSnapshot.of(v1), NOW);
    assertThat(render(first))
        .isEqualTo(render(new GatewayApiTranslator().translate(ResourceSnapshot.of(v1), NOW)));

    // Route b changes (new resourceVersion): only its translation is redone and the result follows.
    List<HasMetadata> v2 = new ArrayList<>();
    for (HasMetadata o : v1) {
      if (o instanceof HTTPRoute r && r.getMetadata().getName().equals("b")) {
        HTTPRoute changed =
            new HTTPRouteBuilder(r)
                .editMetadata()
                .withResourceVersion("2")
                .withGeneration(2L)
                .endMetadata()
                .build();
        changed.getSpec().getRules().get(0).getMatches().get(0).getPath().setValue("/b2");
        v2.add(changed);
      } else {
        v2.add(o);
      }
    }
    TranslationResult afterChange = cached.translate(ResourceSnapshot.of(v2), NOW);
    assertThat(render(afterChange))
        .isEqualTo(render(new GatewayApiTranslator().translate(ResourceSnapshot.of(v2), NOW)));
    assertThat(CanonicalJson.toJson(afterChange.snapshots().get("ns/gw"))).contains("/b2");
    // The other Gateway does not depend on route b: its snapshot is reused as is.
    assertThat(afterChange.snapshots().get("ns/other")).isSameAs(first.snapshots().get("ns/other"));
    assertThat(afterChange.snapshots().get("ns/gw")).isNotSameAs(first.snapshots().get("ns/gw"));

    // The Service changes its port's appProtocol: every route depending on it is re-translated.
    List<HasMetadata> v3 =
        parse(
            INPUT
                .replace(
                    "ports: [{name: http, port: 8080}]",
                    "ports: [{name: http, port: 8080, appProtocol: kubernetes.io/h2c}]")
                .replace(
                    "name: svc, namespace: ns, resourceVersion: \"1\"",
                    "name: svc, namespace: ns, resourceVersion: \"2\""));
    TranslationResult afterService = cached.translate(ResourceSnapshot.of(v3), NOW);
    assertThat(render(afterService))
        .isEqualTo(render(new GatewayApiTranslator().translate(ResourceSnapshot.of(v3), NOW)));
    assertThat(afterService.snapshots().get("ns/gw").routing().clusters().get(0).protocol().name())
        .isEqualTo("H2C");
  }
}
