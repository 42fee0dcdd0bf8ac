package dev.gantry.operator;

import static dev.gantry.operator.testing.Manifests.ECHO_SERVICE;
import static dev.gantry.operator.testing.Manifests.GATEWAY_CLASS;
import static dev.gantry.operator.testing.Manifests.NAMESPACE;
import static dev.gantry.operator.testing.Manifests.apply;
import static dev.gantry.operator.testing.Manifests.echoSlice;
import static dev.gantry.operator.testing.Manifests.gateway;
import static dev.gantry.operator.testing.Manifests.route;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.v1alpha1.RateLimitPolicy;
import dev.gantry.model.routing.RateLimit;
import dev.gantry.operator.testing.CountingTranslation;
import dev.gantry.operator.testing.MockCluster;
import dev.gantry.operator.testing.RecordingSink;
import dev.gantry.proxy.control.Backoff;
import dev.gantry.proxy.control.SnapshotClient;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyAncestorStatus;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * RateLimitPolicies through the operator on the Fabric8 mock API server (CRUD mode): the policy
 * reaches the proxy's snapshot, its status says Accepted at once and Enforced only after the proxy
 * ACKed a routing version containing it; a second policy on the same target is Conflicted; a policy
 * on a route that does not exist is TargetNotFound.
 */
@Timeout(120)
class RateLimitPolicyIT {

  static final String GW = "infra/gw";
  static final Duration WAIT = Duration.ofSeconds(20);

  MockCluster cluster;
  final List<AutoCloseable> closeables = new ArrayList<>();

  @BeforeEach
  void setUp() {
    cluster = new MockCluster();
    apply(cluster.client(), NAMESPACE);
    apply(cluster.client(), GATEWAY_CLASS);
    apply(cluster.client(), ECHO_SERVICE);
    apply(cluster.client(), echoSlice("10.0.0.1"));
    apply(cluster.client(), gateway("gw", "http"));
    apply(cluster.client(), route("r", "/api"));
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
    cluster.close();
  }

  GantryOperator startOperator() {
    GantryOperator op =
        GantryOperator.start(
            cluster.newClient(),
            new GantryOperator.Options(
                new InetSocketAddress("127.0.0.1", 0),
                "gantry-operator.gantry-system.svc:18000",
                "gantry:test",
                null,
                "op-a",
                Duration.ofSeconds(2),
                Duration.ofMillis(50)),
            new CountingTranslation());
    closeables.add(op);
    return op;
  }

  SnapshotClient proxy(GantryOperator op, RecordingSink sink) {
    SnapshotClient c =
        new SnapshotClient(
            "127.0.0.1:" + op.grpcPort(),
            GW,
            "p1",
            sink,
            null,
            new Backoff(Duration.ofMillis(20), Duration.ofMillis(200)));
    closeables.add(c);
    c.start();
    return c;
  }

  static String policy(String name, String kind, String target) {
    return """
        apiVersion: gantry.dev/v1alpha1
        kind: RateLimitPolicy
        metadata:
          name: %s
          namespace: infra
        spec:
          targetRefs:
          - {group: gateway.networking.k8s.io, kind: %s, name: %s}
          scope: Local
          limits:
          - name: per-client
            rates: [{requests: 10, per: 1s}]
            key:
            - clientIP: {}
        """
        .formatted(name, kind, target);
  }

  RateLimitPolicy live(String name) {
    return cluster
        .client()
        .resources(RateLimitPolicy.class)
        .inNamespace("infra")
        .withName(name)
        .get();
  }

  /** Our ancestor entry of the policy whose ancestorRef has this kind and name, or null. */
  PolicyAncestorStatus ancestor(String policy, String kind, String name) {
    RateLimitPolicy p = live(policy);
    if (p == null || p.getStatus() == null || p.getStatus().getAncestors() == null) {
      return null;
    }
    return p.getStatus().getAncestors().stream()
        .filter(a -> "gantry.dev/gateway-controller".equals(a.getControllerName()))
        .filter(a -> kind.equals(a.getAncestorRef().getKind()))
        .filter(a -> name.equals(a.getAncestorRef().getName()))
        .findFirst()
        .orElse(null);
  }

  Condition condition(String policy, String kind, String name, String type) {
    PolicyAncestorStatus a = ancestor(policy, kind, name);
    return a == null || a.getConditions() == null
        ? null
        : a.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  @Test
  void aPolicyOnARouteIsAcceptedThenEnforcedOnceTheProxyAckedIt() {
    GantryOperator op = startOperator();
    apply(cluster.client(), policy("a-first", "HTTPRoute", "r"));

    // No proxy yet: accepted, but nobody enforces it.
    await()
        .atMost(WAIT)
        .until(
            () -> {
              Condition enforced = condition("a-first", "Gateway", "gw", "Enforced");
              return enforced != null && "Pending".equals(enforced.getReason());
            });
    Condition accepted = condition("a-first", "Gateway", "gw", "Accepted");
    assertThat(accepted.getStatus()).isEqualTo("True");
    assertThat(accepted.getReason()).isEqualTo("Accepted");
    Condition pending = condition("a-first", "Gateway", "gw", "Enforced");
    assertThat(pending.getStatus()).isEqualTo("False");
    assertThat(pending.getMessage()).startsWith("0 of 0 proxies run routing version ");

    RecordingSink sink = new RecordingSink();
    SnapshotClient client = proxy(op, sink);
    await().atMost(WAIT).until(client::isReady);
    assertThat(sink.current().routing().rateLimits())
        .extracting(RateLimit::name)
        .containsExactly("ratelimitpolicy/infra/a-first");
    String version = sink.current().routing().version();
    assertThat(sink.current().routing().rules())
        .filteredOn(r -> r.source() != null && "r".equals(r.source().name()))
        .allSatisfy(
            r ->
                assertThat(r.policies())
                    .extracting(p -> p.name())
                    .contains("ratelimitpolicy/infra/a-first"));

    await()
        .atMost(WAIT)
        .until(
            () -> {
              Condition enforced = condition("a-first", "Gateway", "gw", "Enforced");
              return enforced != null && "True".equals(enforced.getStatus());
            });
    Condition enforced = condition("a-first", "Gateway", "gw", "Enforced");
    assertThat(enforced.getReason()).isEqualTo("Enforced");
    assertThat(enforced.getMessage())
        .isEqualTo("1 of 1 proxies run routing version " + version + ", which contains the policy");
    assertThat(enforced.getObservedGeneration())
        .isEqualTo(live("a-first").getMetadata().getGeneration());
    // Accepted did not transition, so its time is the one first written.
    assertThat(condition("a-first", "Gateway", "gw", "Accepted").getLastTransitionTime())
        .isEqualTo(accepted.getLastTransitionTime());
  }

  @Test
  void aSecondPolicyOnTheSameTargetIsConflictedAndAMissingRouteIsTargetNotFound() {
    GantryOperator op = startOperator();
    RecordingSink sink = new RecordingSink();
    proxy(op, sink);
    apply(cluster.client(), policy("a-first", "HTTPRoute", "r"));
    await()
        .atMost(WAIT)
        .until(
            () -> {
              Condition enforced = condition("a-first", "Gateway", "gw", "Enforced");
              return enforced != null && "True".equals(enforced.getStatus());
            });

    apply(cluster.client(), policy("b-second", "HTTPRoute", "r"));
    apply(cluster.client(), policy("c-missing", "HTTPRoute", "nope"));

    await().atMost(WAIT).until(() -> condition("b-second", "Gateway", "gw", "Accepted") != null);
    Condition conflicted = condition("b-second", "Gateway", "gw", "Accepted");
    assertThat(conflicted.getStatus()).isEqualTo("False");
    assertThat(conflicted.getReason()).isEqualTo("Conflicted");
    assertThat(conflicted.getMessage()).contains("ratelimitpolicy/infra/a-first");
    await().atMost(WAIT).until(() -> condition("b-second", "Gateway", "gw", "Enforced") != null);
    assertThat(condition("b-second", "Gateway", "gw", "Enforced").getStatus()).isEqualTo("False");
    // The loser is not in the config; the winner still is.
    assertThat(sink.current().routing().rateLimits())
        .extracting(RateLimit::name)
        .containsExactly("ratelimitpolicy/infra/a-first");

    await()
        .atMost(WAIT)
        .until(() -> condition("c-missing", "HTTPRoute", "nope", "Accepted") != null);
    Condition notFound = condition("c-missing", "HTTPRoute", "nope", "Accepted");
    assertThat(notFound.getStatus()).isEqualTo("False");
    assertThat(notFound.getReason()).isEqualTo("TargetNotFound");
    assertThat(notFound.getMessage())
        .isEqualTo(
            "spec.targetRefs[0]: HTTPRoute infra/nope (expected: an HTTPRoute attached to a Gantry"
                + " Gateway)");
    assertThat(ancestor("c-missing", "Gateway", "gw")).isNull();
    assertThat(condition("a-first", "Gateway", "gw", "Enforced").getStatus()).isEqualTo("True");
  }

  @Test
  void aPolicyRetargetedAwayFromAGatewayLosesItsEntryAndItsLimitsThereAtOnce() {
    apply(cluster.client(), gateway("gw2", "http"));
    GantryOperator op = startOperator();
    RecordingSink sink = new RecordingSink();
    SnapshotClient client = proxy(op, sink);
    await().atMost(WAIT).until(client::isReady);
    apply(cluster.client(), policy("a-first", "Gateway", "gw"));
    await()
        .atMost(WAIT)
        .until(
            () -> {
              Condition enforced = condition("a-first", "Gateway", "gw", "Enforced");
              return enforced != null && "True".equals(enforced.getStatus());
            });
    assertThat(sink.current().routing().rateLimits())
        .extracting(RateLimit::name)
        .containsExactly("ratelimitpolicy/infra/a-first");

    // Re-targeted to the other Gateway. Nothing else changes afterwards, so no unrelated
    // reconcile of gw comes to clean up: the spec change itself must.
    apply(cluster.client(), policy("a-first", "Gateway", "gw2"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                ancestor("a-first", "Gateway", "gw") == null
                    && condition("a-first", "Gateway", "gw2", "Accepted") != null);
    assertThat(condition("a-first", "Gateway", "gw2", "Accepted").getStatus()).isEqualTo("True");
    // gw's proxies stop enforcing it too.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> sink.current().routing().rateLimits().isEmpty());
    assertThat(live("a-first").getStatus().getAncestors())
        .extracting(a -> a.getAncestorRef().getName())
        .containsExactly("gw2");
  }
}
