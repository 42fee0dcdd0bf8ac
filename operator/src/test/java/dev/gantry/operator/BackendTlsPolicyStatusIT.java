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

import dev.gantry.model.routing.Cluster;
import dev.gantry.operator.testing.CountingTranslation;
import dev.gantry.operator.testing.MockCluster;
import dev.gantry.operator.testing.RecordingSink;
import dev.gantry.proxy.control.Backoff;
import dev.gantry.proxy.control.SnapshotClient;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicyBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReferenceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyAncestorStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyAncestorStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyStatus;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * BackendTLSPolicy {@code status.ancestors} written by the operator on the Fabric8 mock API server
 * (CRUD mode): a policy on a routed Service whose CA ConfigMap exists is Accepted and ResolvedRefs
 * for the Gateway; one whose ConfigMap is missing is ResolvedRefs=False/InvalidCACertificateRef
 * until the ConfigMap appears; another controller's ancestor entry survives our writes (GEP-713),
 * and our entry goes when the policy is re-targeted away from the Gateway's backends.
 */
@Timeout(120)
class BackendTlsPolicyStatusIT {

  static final String GW = "infra/gw";
  static final String CLUSTER = "service/infra/echo/80";
  static final String OURS = "gantry.dev/gateway-controller";
  static final String OTHER = "example.com/other-controller";
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

  static String caConfigMap(String name) {
    String pem;
    try (InputStream in =
        BackendTlsPolicyStatusIT.class.getResourceAsStream("/backendtls/ca.crt")) {
      pem = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    StringBuilder indented = new StringBuilder();
    pem.lines().forEach(l -> indented.append("    ").append(l).append('\n'));
    return """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: %s
          namespace: infra
        data:
          ca.crt: |
        %s"""
        .formatted(name, indented);
  }

  static String policy(String name, String caConfigMap) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: BackendTLSPolicy
        metadata:
          name: %s
          namespace: infra
        spec:
          targetRefs:
          - {group: "", kind: Service, name: echo}
          validation:
            caCertificateRefs: [{group: "", kind: ConfigMap, name: %s}]
            hostname: echo.infra.svc
        """
        .formatted(name, caConfigMap);
  }

  BackendTLSPolicy live(String name) {
    return cluster
        .client()
        .resources(BackendTLSPolicy.class)
        .inNamespace("infra")
        .withName(name)
        .get();
  }

  List<PolicyAncestorStatus> ancestors(String policy) {
    BackendTLSPolicy p = live(policy);
    return p == null || p.getStatus() == null || p.getStatus().getAncestors() == null
        ? List.of()
        : p.getStatus().getAncestors();
  }

  Condition condition(String policy, String controller, String type) {
    return ancestors(policy).stream()
        .filter(a -> controller.equals(a.getControllerName()))
        .filter(a -> "Gateway".equals(a.getAncestorRef().getKind()))
        .filter(a -> "gw".equals(a.getAncestorRef().getName()))
        .flatMap(
            a ->
                a.getConditions() == null
                    ? java.util.stream.Stream.<Condition>empty()
                    : a.getConditions().stream())
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElse(null);
  }

  boolean hasStatus(String policy, String type, String status) {
    Condition c = condition(policy, OURS, type);
    return c != null && status.equals(c.getStatus());
  }

  Cluster echoCluster(RecordingSink sink) {
    return sink.current().routing().clusters().stream()
        .filter(c -> c.name().equals(CLUSTER))
        .findFirst()
        .orElseThrow();
  }

  /** Another controller's entry for the same Gateway, written before the operator starts. */
  void writeForeignAncestor(String policy) {
    BackendTLSPolicy p = live(policy);
    PolicyAncestorStatus foreign =
        new PolicyAncestorStatusBuilder()
            .withControllerName(OTHER)
            .withAncestorRef(
                new ParentReferenceBuilder()
                    .withGroup("gateway.networking.k8s.io")
                    .withKind("Gateway")
                    .withNamespace("infra")
                    .withName("gw")
                    .build())
            .withConditions(
                new ConditionBuilder()
                    .withType("Accepted")
                    .withStatus("False")
                    .withReason("Invalid")
                    .withMessage("not for us")
                    .withLastTransitionTime("2026-01-01T00:00:00Z")
                    .withObservedGeneration(p.getMetadata().getGeneration())
                    .build())
            .build();
    cluster
        .client()
        .resource(
            new BackendTLSPolicyBuilder(p).withStatus(new PolicyStatus(List.of(foreign))).build())
        .updateStatus();
    assertThat(ancestors(policy)).containsExactly(foreign);
  }

  @Test
  void aPolicyWithItsCaIsAcceptedAndResolvedForTheGatewayAndAnotherControllersEntryStays() {
    apply(cluster.client(), caConfigMap("backend-ca"));
    apply(cluster.client(), policy("secure", "backend-ca"));
    writeForeignAncestor("secure");
    PolicyAncestorStatus foreign = ancestors("secure").get(0);

    GantryOperator op = startOperator();
    RecordingSink sink = new RecordingSink();
    SnapshotClient client = proxy(op, sink);
    await().atMost(WAIT).until(client::isReady);
    await().atMost(WAIT).until(() -> echoCluster(sink).tls() != null);
    assertThat(echoCluster(sink).tls().hostname()).isEqualTo("echo.infra.svc");

    await().atMost(WAIT).until(() -> hasStatus("secure", "ResolvedRefs", "True"));
    Condition accepted = condition("secure", OURS, "Accepted");
    assertThat(accepted.getStatus()).isEqualTo("True");
    assertThat(accepted.getReason()).isEqualTo("Accepted");
    assertThat(accepted.getObservedGeneration())
        .isEqualTo(live("secure").getMetadata().getGeneration());
    assertThat(condition("secure", OURS, "ResolvedRefs").getReason()).isEqualTo("ResolvedRefs");
    // GEP-713: the other controller's entry is neither dropped nor rewritten, and ours is one.
    assertThat(ancestors("secure")).contains(foreign);
    assertThat(ancestors("secure"))
        .extracting(PolicyAncestorStatus::getControllerName)
        .containsExactlyInAnyOrder(OURS, OTHER);

    // Re-targeted to a Service no route uses: the Gateway no longer governs the policy, so our
    // entry for it goes (the status names the Gateway to revisit); the foreign one still stays.
    apply(cluster.client(), policy("secure", "backend-ca").replace("name: echo}", "name: idle}"));
    await()
        .atMost(WAIT)
        .until(
            () -> ancestors("secure").stream().noneMatch(a -> OURS.equals(a.getControllerName())));
    assertThat(ancestors("secure")).containsExactly(foreign);
    await().atMost(WAIT).until(() -> echoCluster(sink).tls() == null);
  }

  @Test
  void aMissingCaConfigMapIsAnInvalidCaCertificateRefUntilItAppears() {
    apply(cluster.client(), policy("no-ca", "missing-ca"));
    GantryOperator op = startOperator();
    RecordingSink sink = new RecordingSink();
    SnapshotClient client = proxy(op, sink);
    await().atMost(WAIT).until(client::isReady);

    await().atMost(WAIT).until(() -> hasStatus("no-ca", "ResolvedRefs", "False"));
    Condition refs = condition("no-ca", OURS, "ResolvedRefs");
    assertThat(refs.getReason()).isEqualTo("InvalidCACertificateRef");
    assertThat(refs.getMessage()).contains("spec.validation.caCertificateRefs[0]");
    Condition accepted = condition("no-ca", OURS, "Accepted");
    assertThat(accepted.getStatus()).isEqualTo("False");
    assertThat(accepted.getReason()).isEqualTo("NoValidCACertificate");
    // Still applied, trusting nothing: requests to the backend fail rather than go unverified.
    assertThat(echoCluster(sink).tls()).isNotNull();
    assertThat(echoCluster(sink).tls().caBundles()).isEmpty();

    // The ConfigMap watch brings the Gateway back: the same entry turns resolved and accepted.
    apply(cluster.client(), caConfigMap("missing-ca"));
    await().atMost(WAIT).until(() -> hasStatus("no-ca", "ResolvedRefs", "True"));
    await().atMost(WAIT).until(() -> hasStatus("no-ca", "Accepted", "True"));
    assertThat(ancestors("no-ca")).hasSize(1);
    assertThat(echoCluster(sink).tls().caBundles()).hasSize(1);
  }
}
