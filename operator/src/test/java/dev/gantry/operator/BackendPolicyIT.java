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

import dev.gantry.api.v1alpha1.BackendPolicy;
import dev.gantry.model.routing.Cluster;
import dev.gantry.model.routing.backend.HashOn;
import dev.gantry.model.routing.backend.LoadBalancing;
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
 * BackendPolicies through the operator on the Fabric8 mock API server (CRUD mode): the policy's
 * settings reach the cluster of the targeted Service in the snapshot streamed to a proxy and its
 * status says Accepted for the Gateway that routes to the Service; a second policy on the same
 * Service is Conflicted until the first is deleted; a policy on a missing Service is
 * TargetNotFound.
 */
@Timeout(120)
class BackendPolicyIT {

  static final String GW = "infra/gw";
  static final String CLUSTER = "service/infra/echo/80";
  static final Duration WAIT = Duration.ofSeconds(20);

  MockCluster cluster;
  final List<AutoCloseable> closeables = new ArrayList<>();

  @BeforeEach
  void setUp() {
    cluster = new MockCluster();
    apply(cluster.client(), NAMESPACE);
    apply(cluster.client(), GATEWAY_CLASS);
    apply(cluster.client(), ECHO_SERVICE);
    apply(cluster.client(), echoSlice("10.0.0.1", "10.0.0.2", "10.0.0.3"));
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

  static String policy(String name, String service, int maxRequests) {
    return """
        apiVersion: gantry.dev/v1alpha1
        kind: BackendPolicy
        metadata:
          name: %s
          namespace: infra
        spec:
          targetRefs:
          - {group: "", kind: Service, name: %s}
          loadBalancer:
            type: ConsistentHash
            consistentHash: {type: Header, header: {name: X-User}}
          healthCheck:
            active: {path: /healthz, interval: 2s}
          circuitBreaker: {maxRequests: %d}
        """
        .formatted(name, service, maxRequests);
  }

  BackendPolicy live(String name) {
    return cluster
        .client()
        .resources(BackendPolicy.class)
        .inNamespace("infra")
        .withName(name)
        .get();
  }

  PolicyAncestorStatus ancestor(String policy, String kind, String name) {
    BackendPolicy p = live(policy);
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

  Condition accepted(String policy, String kind, String name) {
    PolicyAncestorStatus a = ancestor(policy, kind, name);
    return a == null || a.getConditions() == null
        ? null
        : a.getConditions().stream()
            .filter(c -> "Accepted".equals(c.getType()))
            .findFirst()
            .orElse(null);
  }

  Cluster echoCluster(RecordingSink sink) {
    return sink.current().routing().clusters().stream()
        .filter(c -> c.name().equals(CLUSTER))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void thePolicyReachesTheProxysClusterAndIsAcceptedForTheGateway() {
    GantryOperator op = startOperator();
    RecordingSink sink = new RecordingSink();
    SnapshotClient client = proxy(op, sink);
    await().atMost(WAIT).until(client::isReady);
    // Before any policy: the defaults, with no policy in the snapshot at all.
    assertThat(echoCluster(sink).policy()).isNull();

    apply(cluster.client(), policy("a-first", "echo", 7));
    await().atMost(WAIT).until(() -> echoCluster(sink).policy() != null);
    var policy = echoCluster(sink).policy();
    assertThat(policy.source().name()).isEqualTo("a-first");
    assertThat(policy.effectiveLoadBalancing().type())
        .isEqualTo(LoadBalancing.Type.CONSISTENT_HASH);
    assertThat(policy.effectiveLoadBalancing().hashOn())
        .isEqualTo(new HashOn(HashOn.Source.HEADER, "x-user", 0));
    assertThat(policy.effectiveActiveHealthCheck().intervalMs()).isEqualTo(2000);
    assertThat(policy.effectiveCircuitBreaker().maxRequests()).isEqualTo(7);
    // Left out of the policy: the model's defaults, filled in by the translator.
    assertThat(policy.effectiveCircuitBreaker().maxConnections()).isEqualTo(1024);
    // The endpoints travel on unchanged.
    assertThat(sink.current().endpoints().clusters().get(0).endpoints()).hasSize(3);

    await().atMost(WAIT).until(() -> accepted("a-first", "Gateway", "gw") != null);
    Condition accepted = accepted("a-first", "Gateway", "gw");
    assertThat(accepted.getStatus()).isEqualTo("True");
    assertThat(accepted.getReason()).isEqualTo("Accepted");
    assertThat(accepted.getObservedGeneration())
        .isEqualTo(live("a-first").getMetadata().getGeneration());
    // A backend policy has no Enforced condition (that one is RateLimitPolicy's).
    assertThat(ancestor("a-first", "Gateway", "gw").getConditions())
        .extracting(Condition::getType)
        .containsExactly("Accepted");
  }

  @Test
  void aSecondPolicyIsConflictedUntilTheFirstGoesAndAMissingServiceIsTargetNotFound() {
    GantryOperator op = startOperator();
    RecordingSink sink = new RecordingSink();
    SnapshotClient client = proxy(op, sink);
    await().atMost(WAIT).until(client::isReady);
    apply(cluster.client(), policy("a-first", "echo", 7));
    await()
        .atMost(WAIT)
        .until(
            () -> {
              Condition c = accepted("a-first", "Gateway", "gw");
              return c != null && "True".equals(c.getStatus());
            });

    apply(cluster.client(), policy("b-second", "echo", 9));
    apply(cluster.client(), policy("c-missing", "nope", 1));

    await().atMost(WAIT).until(() -> accepted("b-second", "Gateway", "gw") != null);
    Condition conflicted = accepted("b-second", "Gateway", "gw");
    assertThat(conflicted.getStatus()).isEqualTo("False");
    assertThat(conflicted.getReason()).isEqualTo("Conflicted");
    assertThat(conflicted.getMessage()).contains("backendpolicy/infra/a-first");
    assertThat(echoCluster(sink).policy().source().name()).isEqualTo("a-first");

    await().atMost(WAIT).until(() -> accepted("c-missing", "Service", "nope") != null);
    Condition notFound = accepted("c-missing", "Service", "nope");
    assertThat(notFound.getStatus()).isEqualTo("False");
    assertThat(notFound.getReason()).isEqualTo("TargetNotFound");
    assertThat(notFound.getMessage())
        .isEqualTo("spec.targetRefs[0]: Service infra/nope (expected: an existing Service)");
    assertThat(ancestor("c-missing", "Gateway", "gw")).isNull();

    // The established policy goes: the challenger takes the Service over.
    cluster
        .client()
        .resources(BackendPolicy.class)
        .inNamespace("infra")
        .withName("a-first")
        .delete();
    await().atMost(WAIT).until(() -> "b-second".equals(echoCluster(sink).policy().source().name()));
    assertThat(echoCluster(sink).policy().effectiveCircuitBreaker().maxRequests()).isEqualTo(9);
    await()
        .atMost(WAIT)
        .until(
            () -> {
              Condition c = accepted("b-second", "Gateway", "gw");
              return c != null && "True".equals(c.getStatus());
            });
  }
}
