package dev.gantry.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.model.endpoints.ClusterEndpoints;
import dev.gantry.model.endpoints.Endpoint;
import dev.gantry.model.endpoints.EndpointsConfig;
import dev.gantry.model.routing.AppProtocol;
import dev.gantry.model.routing.Backend;
import dev.gantry.model.routing.Cluster;
import dev.gantry.model.routing.HeaderMatch;
import dev.gantry.model.routing.Listener;
import dev.gantry.model.routing.ListenerProtocol;
import dev.gantry.model.routing.PathMatch;
import dev.gantry.model.routing.PathMatchType;
import dev.gantry.model.routing.RetryPolicy;
import dev.gantry.model.routing.RouteEntry;
import dev.gantry.model.routing.RouteMatch;
import dev.gantry.model.routing.RoutingConfig;
import dev.gantry.model.routing.Rule;
import dev.gantry.model.routing.Timeouts;
import dev.gantry.model.routing.ValueMatchType;
import dev.gantry.model.routing.VirtualHost;
import dev.gantry.model.routing.filter.Cors;
import dev.gantry.model.routing.filter.Header;
import dev.gantry.model.routing.filter.HeaderModifier;
import dev.gantry.model.routing.filter.PathModifier;
import dev.gantry.model.routing.filter.PathModifierType;
import dev.gantry.model.routing.filter.RequestHeaderModifier;
import dev.gantry.model.routing.filter.RequestMirror;
import dev.gantry.model.routing.filter.RequestRedirect;
import dev.gantry.model.routing.filter.UrlRewrite;
import dev.gantry.model.secrets.SecretsConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class GatewaySnapshotTest {

  static final SourceRef GW = SourceRef.of("Gateway", "infra", "gw");
  static final SourceRef ROUTE = SourceRef.of("HTTPRoute", "infra", "r");

  static GatewaySnapshot sample() {
    Rule rule =
        new Rule(
            "httproute/infra/r/rule/0",
            ROUTE.withSection("0"),
            List.of(
                new RequestHeaderModifier(
                    new HeaderModifier(
                        List.of(new Header("X-Set", "v")), List.of(), List.of("x-gone"))),
                new UrlRewrite(
                    null, new PathModifier(PathModifierType.REPLACE_PREFIX_MATCH, "/", "/api")),
                new RequestMirror("service/infra/mirror/80", 1, 4),
                new Cors(
                    List.of("https://a.example"), true, List.of("GET"), List.of(), List.of(), 5)),
            List.of(
                new Backend("service/infra/echo/80", 3, null, List.of(), ROUTE.withSection("0")),
                new Backend(null, 1, 500, List.of(), ROUTE.withSection("0"))),
            null,
            new Timeouts(1000L, 0L),
            new RetryPolicy(List.of(500, 503), 2, 10L),
            List.of());
    Rule redirect =
        new Rule(
            "httproute/infra/r/rule/1",
            ROUTE.withSection("1"),
            List.of(new RequestRedirect("https", null, null, null, 301)),
            List.of(),
            null,
            null,
            null,
            List.of());
    RouteEntry e0 =
        new RouteEntry(
            "httproute/infra/r/rule/0/match/0",
            ROUTE.withSection("0"),
            new RouteMatch(
                new PathMatch(PathMatchType.PATH_PREFIX, "/api"),
                List.of(new HeaderMatch("x-env", ValueMatchType.EXACT, "prod")),
                List.of(),
                "GET"),
            rule.name());
    RouteEntry e1 =
        new RouteEntry(
            "httproute/infra/r/rule/1/match/0", ROUTE.withSection("1"), null, redirect.name());
    Listener http =
        new Listener(
            "http",
            GW.withSection("http"),
            8080,
            ListenerProtocol.HTTP,
            null,
            null,
            List.of(new VirtualHost("*", List.of(e0, e1))));
    RoutingConfig routing =
        RoutingConfig.of(
            List.of(http),
            List.of(rule, redirect),
            List.of(
                new Cluster(
                    "service/infra/echo/80",
                    SourceRef.of("Service", "infra", "echo"),
                    AppProtocol.HTTP1),
                new Cluster(
                    "service/infra/mirror/80", SourceRef.of("Service", "infra", "mirror"), null)));
    EndpointsConfig endpoints =
        EndpointsConfig.of(
            List.of(
                new ClusterEndpoints(
                    "service/infra/echo/80",
                    List.of(new Endpoint("10.0.0.1", 3000, true, true, false, "a"))),
                new ClusterEndpoints("service/infra/mirror/80", List.of())));
    return GatewaySnapshot.of(GW, routing, endpoints, SecretsConfig.of(List.of()));
  }

  @Test
  void validSnapshotPassesAndRoundTripsByteForByte() {
    GatewaySnapshot s = sample();
    s.validate();
    String json = CanonicalJson.toJson(s);
    GatewaySnapshot back = CanonicalJson.read(json, GatewaySnapshot.class);
    assertThat(back).isEqualTo(s);
    assertThat(CanonicalJson.toJson(back)).isEqualTo(json);
    back.validate();
  }

  @Test
  void streamedHashEqualsTheHashOfTheCanonicalBytes() {
    assertThat(ContentHash.of(sample().routing()))
        .isEqualTo(ContentHash.ofBytes(CanonicalJson.toBytes(sample().routing())));
  }

  @Test
  void versionIsAStableContentHash() {
    assertThat(sample().routing().version()).isEqualTo(sample().routing().version()).hasSize(16);
    assertThat(sample().version()).isEqualTo(sample().version());
    RoutingConfig other = RoutingConfig.of(List.of(), List.of(), List.of());
    assertThat(other.version()).isNotEqualTo(sample().routing().version());
  }

  @Test
  void canonicalJsonSortsPropertiesAndOmitsEmptyValues() {
    String json = CanonicalJson.toJson(new SourceRef("HTTPRoute", "ns", "n", null));
    assertThat(json).isEqualTo("{\"kind\":\"HTTPRoute\",\"name\":\"n\",\"namespace\":\"ns\"}");
  }

  @Test
  void tamperedVersionIsRejected() {
    GatewaySnapshot s = sample();
    RoutingConfig r = s.routing();
    RoutingConfig tampered =
        new RoutingConfig("0000000000000000", r.listeners(), r.rules(), r.clusters());
    GatewaySnapshot bad = GatewaySnapshot.of(s.gateway(), tampered, s.endpoints(), s.secrets());
    assertThat(bad.errors())
        .singleElement()
        .asString()
        .startsWith("routing.version: 0000000000000000 (expected: the content hash ");
  }

  @Test
  void errorsNameTheFieldTheValueAndTheRule() {
    GatewaySnapshot s = sample();
    Listener l = s.routing().listeners().get(0);
    Listener badPort =
        new Listener(l.name(), l.source(), 70000, l.protocol(), null, null, l.virtualHosts());
    Rule danglingRule = s.routing().rules().get(0);
    Rule broken =
        new Rule(
            danglingRule.name(),
            danglingRule.source(),
            danglingRule.filters(),
            List.of(new Backend("service/infra/nope/80", -1, null, List.of(), null)),
            null,
            new Timeouts(100L, 200L),
            null,
            List.of());
    RoutingConfig routing =
        RoutingConfig.of(
            List.of(badPort), List.of(broken, s.routing().rules().get(1)), s.routing().clusters());
    GatewaySnapshot bad = GatewaySnapshot.of(s.gateway(), routing, s.endpoints(), s.secrets());
    assertThat(bad.errors())
        .containsExactlyInAnyOrder(
            "routing.listeners[0].port: 70000 (expected: 1..65535)",
            "routing.rules[0].backends[0].weight: -1 (expected: 0..1000000)",
            "routing.rules[0].timeouts.backendRequestMs: 200 (expected: <= requestMs 100)",
            "routing.rules[0].backends[0].cluster: service/infra/nope/80 (expected: the name of a cluster in clusters)");
    assertThatThrownBy(bad::validate)
        .isInstanceOf(ConfigValidationException.class)
        .hasMessageContaining("routing.listeners[0].port: 70000 (expected: 1..65535)");
  }

  @Test
  void unknownJsonPropertyIsAnErrorNotSilentlyDropped() {
    assertThatThrownBy(
            () ->
                CanonicalJson.read(
                    "{\"kind\":\"Gateway\",\"name\":\"g\",\"colour\":\"red\"}", SourceRef.class))
        .isInstanceOf(ConfigValidationException.class)
        .hasMessageContaining("colour");
  }

  @Test
  void httpsListenerNeedsKnownCertificates() {
    GatewaySnapshot s = sample();
    Listener https =
        new Listener(
            "https",
            GW.withSection("https"),
            8443,
            ListenerProtocol.HTTPS,
            null,
            new dev.gantry.model.routing.TlsSettings(List.of("secret/infra/missing")),
            List.of());
    RoutingConfig routing =
        RoutingConfig.of(List.of(https), s.routing().rules(), s.routing().clusters());
    assertThat(GatewaySnapshot.of(GW, routing, s.endpoints(), s.secrets()).errors())
        .containsExactly(
            "routing.listeners[0].tls.certificates[0]: secret/infra/missing (expected: the name of a certificate in secrets)");
  }
}
