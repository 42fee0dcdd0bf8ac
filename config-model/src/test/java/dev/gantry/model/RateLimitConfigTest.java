package dev.gantry.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.model.routing.PathMatch;
import dev.gantry.model.routing.PathMatchType;
import dev.gantry.model.routing.PolicyRef;
import dev.gantry.model.routing.RateLimit;
import dev.gantry.model.routing.RateLimit.KeyPart;
import dev.gantry.model.routing.RateLimit.KeyType;
import dev.gantry.model.routing.RateLimit.Limit;
import dev.gantry.model.routing.RateLimit.Rate;
import dev.gantry.model.routing.RouteMatch;
import dev.gantry.model.routing.RoutingConfig;
import dev.gantry.model.routing.Rule;
import dev.gantry.model.stream.StreamResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateLimitConfigTest {

  static final SourceRef POLICY = SourceRef.of("RateLimitPolicy", "infra", "rl");

  static RateLimit limit(List<Rate> rates, List<KeyPart> key) {
    return new RateLimit(
        "ratelimitpolicy/infra/rl",
        POLICY,
        RateLimit.Scope.LOCAL,
        null,
        List.of(
            new Limit(
                "per-client",
                rates,
                key,
                List.of(
                    new RouteMatch(
                        new PathMatch(PathMatchType.PATH_PREFIX, "/orders"), null, null, "POST")))),
        true);
  }

  @Test
  void routingWithoutRateLimitsHashesAsBefore() {
    GatewaySnapshot s = GatewaySnapshotTest.sample();
    RoutingConfig r = s.routing();
    RoutingConfig again = RoutingConfig.of(r.listeners(), r.rules(), r.clusters(), List.of());
    assertThat(again.version()).isEqualTo(r.version());
    assertThat(CanonicalJson.toJson(again)).doesNotContain("rateLimits");
  }

  @Test
  void validRateLimitRoundTripsAndDefaultsToFailOpen() {
    GatewaySnapshot s =
        withLimit(
            limit(
                List.of(new Rate(100, 60_000)),
                List.of(
                    new KeyPart(KeyType.CLIENT_IP, null),
                    new KeyPart(KeyType.HEADER, "x-api-key"))));
    assertThat(s.errors()).isEmpty();
    RateLimit rl = s.routing().rateLimits().get(0);
    assertThat(rl.failureMode()).isEqualTo(RateLimit.FailureMode.OPEN);
    GatewaySnapshot read = CanonicalJson.read(CanonicalJson.toBytes(s), GatewaySnapshot.class);
    assertThat(read).isEqualTo(s);
    assertThat(read.routing().computedVersion()).isEqualTo(s.routing().version());
  }

  @Test
  void zeroRequestsEmptyRatesAndUnnamedHeaderAreEachReported() {
    GatewaySnapshot zero = withLimit(limit(List.of(new Rate(0, 1000)), List.of()));
    assertThat(zero.errors())
        .containsExactly("routing.rateLimits[0].limits[0].rates[0].requests: 0 (expected: >= 1)");
    GatewaySnapshot none = withLimit(limit(List.of(), List.of(new KeyPart(KeyType.HEADER, null))));
    assertThat(none.errors())
        .containsExactlyInAnyOrder(
            "routing.rateLimits[0].limits[0].rates: [] (expected: at least one rate)",
            "routing.rateLimits[0].limits[0].key[0].name: null (expected: set for HEADER)");
  }

  @Test
  void aPolicyRefToAMissingRateLimitIsAnError() {
    GatewaySnapshot s = GatewaySnapshotTest.sample();
    RoutingConfig r = s.routing();
    List<Rule> rules =
        r.rules().stream()
            .map(x -> x.withPolicies(List.of(new PolicyRef(RateLimit.KIND, "ratelimitpolicy/x/y"))))
            .toList();
    GatewaySnapshot bad =
        GatewaySnapshot.of(
            s.gateway(),
            RoutingConfig.of(r.listeners(), rules, r.clusters()),
            s.endpoints(),
            s.secrets());
    assertThat(bad.errors())
        .contains(
            "routing.rules[0].policies[0].name: ratelimitpolicy/x/y (expected: the name of a rate"
                + " limit in rateLimits)");
  }

  @Test
  void readyReplicasTravelOutsideTheParts() {
    StreamResponse scaleOnly = new StreamResponse(null, null, null, 3);
    assertThat(scaleOnly.isEmpty()).isFalse();
    assertThat(scaleOnly.versions().routing()).isNull();
    StreamResponse read =
        CanonicalJson.read(CanonicalJson.toBytes(scaleOnly), StreamResponse.class);
    assertThat(read.readyReplicas()).isEqualTo(3);
  }

  static GatewaySnapshot withLimit(RateLimit rl) {
    GatewaySnapshot s = GatewaySnapshotTest.sample();
    RoutingConfig r = s.routing();
    List<Rule> rules =
        r.rules().stream()
            .map(x -> x.withPolicies(List.of(new PolicyRef(RateLimit.KIND, rl.name()))))
            .toList();
    return GatewaySnapshot.of(
        s.gateway(),
        RoutingConfig.of(r.listeners(), rules, r.clusters(), List.of(rl)),
        s.endpoints(),
        s.secrets());
  }
}
