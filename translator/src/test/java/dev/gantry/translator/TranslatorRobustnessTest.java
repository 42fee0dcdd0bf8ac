package dev.gantry.translator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRuleBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Objects the API server would never admit (nulls where the CRD requires values) still must not
 * make {@code translate} throw: they get conditions, the rest of the input is translated normally.
 */
class TranslatorRobustnessTest {

  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  private static GatewayClass ourClass() {
    return new GatewayClassBuilder()
        .withNewMetadata()
        .withName("gantry")
        .endMetadata()
        .withNewSpec()
        .withControllerName(GatewayApiTranslator.CONTROLLER_NAME)
        .endSpec()
        .build();
  }

  private static Gateway gateway(
      String name, io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener... listeners) {
    return new GatewayBuilder()
        .withMetadata(
            new ObjectMetaBuilder().withName(name).withNamespace("ns").withGeneration(4L).build())
        .withNewSpec()
        .withGatewayClassName("gantry")
        .withListeners(listeners)
        .endSpec()
        .build();
  }

  private static HTTPRoute route(String name, String gateway, HTTPRouteRule... rules) {
    return new HTTPRouteBuilder()
        .withMetadata(
            new ObjectMetaBuilder().withName(name).withNamespace("ns").withGeneration(2L).build())
        .withNewSpec()
        .addNewParentRef()
        .withName(gateway)
        .endParentRef()
        .withRules(new ArrayList<>(Arrays.asList(rules)))
        .endSpec()
        .build();
  }

  @Test
  void malformedObjectsGetConditionsAndNeverAnException() {
    Gateway noListeners = gateway("no-listeners");
    noListeners.getSpec().setListeners(null);
    Gateway nulls = gateway("nulls", new ListenerBuilder().withName("l").build());
    Gateway good =
        gateway(
            "good",
            new ListenerBuilder().withName("http").withPort(80).withProtocol("HTTP").build());

    HTTPRoute nullSpec = route("null-spec", "good");
    nullSpec.setSpec(null);
    HTTPRouteRule nullEverything = new HTTPRouteRuleBuilder().build();
    nullEverything.setMatches(
        Arrays.asList(new io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch()));
    nullEverything.setFilters(
        Arrays.asList(new io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter()));
    HTTPRoute weird = route("weird", "good", nullEverything);
    HTTPRoute onBroken = route("on-nulls", "nulls", new HTTPRouteRuleBuilder().build());

    ResourceSnapshot in =
        new ResourceSnapshot(
            List.of(ourClass()),
            List.of(noListeners, nulls, good),
            Arrays.asList(nullSpec, weird, onBroken, new HTTPRoute()),
            null,
            Arrays.asList(new io.fabric8.kubernetes.api.model.Service(), null),
            null,
            null,
            null);
    TranslationResult out = new GatewayApiTranslator().translate(in, NOW);

    assertThat(out.gateways())
        .extracting(g -> g.getMetadata().getName())
        .containsExactly("good", "no-listeners", "nulls");
    for (Gateway g : out.gateways()) {
      for (Condition c : g.getStatus().getConditions()) {
        assertThat(c.getObservedGeneration()).isEqualTo(4L);
      }
    }
    Gateway noListenersOut = out.gateways().get(1);
    assertThat(noListenersOut.getStatus().getConditions().get(0).getReason())
        .isEqualTo("ListenersNotValid");
    Gateway nullsOut = out.gateways().get(2);
    assertThat(nullsOut.getStatus().getListeners().get(0).getConditions().get(0).getMessage())
        .isEqualTo(
            "spec.listeners[0].protocol: null (expected: HTTP or HTTPS; Gantry serves HTTP only)");
    assertThat(out.snapshots()).containsOnlyKeys("ns/good");

    // The route with a null filter type keeps its rule, answering 500, and says why.
    HTTPRoute weirdOut =
        out.httpRoutes().stream()
            .filter(r -> r.getMetadata().getName().equals("weird"))
            .findFirst()
            .orElseThrow();
    List<Condition> conditions = weirdOut.getStatus().getParents().get(0).getConditions();
    assertThat(conditions)
        .extracting(Condition::getType, Condition::getStatus, Condition::getReason)
        .contains(
            org.assertj.core.groups.Tuple.tuple("Accepted", "True", "Accepted"),
            org.assertj.core.groups.Tuple.tuple("ResolvedRefs", "False", "InvalidKind"));
    assertThat(out.snapshots().get("ns/good").routing().rules().get(0).directResponseStatus())
        .isEqualTo(500);
    assertThat(out.httpRoutes())
        .extracting(r -> r.getMetadata().getName())
        .doesNotContain("null-spec");
  }
}
