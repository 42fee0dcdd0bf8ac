package dev.gantry.operator;

import static dev.gantry.operator.testing.Manifests.ECHO_SERVICE;
import static dev.gantry.operator.testing.Manifests.FOREIGN_CLASS;
import static dev.gantry.operator.testing.Manifests.GATEWAY_CLASS;
import static dev.gantry.operator.testing.Manifests.NAMESPACE;
import static dev.gantry.operator.testing.Manifests.apply;
import static dev.gantry.operator.testing.Manifests.echoSlice;
import static dev.gantry.operator.testing.Manifests.gateway;
import static dev.gantry.operator.testing.Manifests.route;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.model.GatewaySnapshot;
import dev.gantry.model.endpoints.Endpoint;
import dev.gantry.operator.control.ControlChannelOptions;
import dev.gantry.operator.fleet.FleetResources;
import dev.gantry.operator.testing.CountingTranslation;
import dev.gantry.operator.testing.MockCluster;
import dev.gantry.operator.testing.RecordingSink;
import dev.gantry.proxy.control.Backoff;
import dev.gantry.proxy.control.ControlChannelCredentials;
import dev.gantry.proxy.control.SnapshotClient;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The operator, with the real translator, against the Fabric8 mock API server (CRUD mode):
 * provisioning, ownership, every status family, the snapshot stream to a proxy-side client,
 * endpoint fast path, restarts and leader changes that write nothing when nothing changed.
 */
@Timeout(120)
class OperatorIT {

  static final String GW = "infra/gw";
  static final Duration WAIT = Duration.ofSeconds(20);

  MockCluster cluster;
  CountingTranslation translation;
  final List<AutoCloseable> closeables = new ArrayList<>();

  @BeforeEach
  void setUp() {
    cluster = new MockCluster();
    translation = new CountingTranslation();
    apply(cluster.client(), NAMESPACE);
    apply(cluster.client(), GATEWAY_CLASS);
    apply(cluster.client(), FOREIGN_CLASS);
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

  GantryOperator startOperator(String leaseNamespace, String identity) {
    GantryOperator op =
        GantryOperator.start(
            cluster.newClient(),
            new GantryOperator.Options(
                    new InetSocketAddress("127.0.0.1", 0),
                    "gantry-operator.gantry-system.svc:18000",
                    "gantry:test",
                    leaseNamespace,
                    identity,
                    Duration.ofSeconds(2),
                    Duration.ofMillis(50))
                // Leadership, status and fleets are tested here; ControlChannelIT and LoopbackIT
                // cover the secured stream.
                .withControl(ControlChannelOptions.insecureChannel()),
            translation);
    closeables.add(op);
    return op;
  }

  SnapshotClient proxy(GantryOperator op, String node, RecordingSink sink) {
    SnapshotClient c =
        new SnapshotClient(
            "127.0.0.1:" + op.grpcPort(),
            GW,
            node,
            sink,
            null,
            new Backoff(Duration.ofMillis(20), Duration.ofMillis(200)),
            ControlChannelCredentials.insecure());
    closeables.add(c);
    c.start();
    return c;
  }

  Gateway gatewayLive() {
    return cluster.client().resources(Gateway.class).inNamespace("infra").withName("gw").get();
  }

  static Condition condition(List<Condition> conditions, String type) {
    return conditions == null
        ? null
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  Condition gatewayCondition(String type) {
    Gateway g = gatewayLive();
    return g.getStatus() == null ? null : condition(g.getStatus().getConditions(), type);
  }

  /** Waits until the operator is quiet: no request reached the mock server for a while. */
  void awaitQuiet(GantryOperator op) throws InterruptedException {
    long quietSince = System.nanoTime();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      op.statusFlusher().awaitIdle(Duration.ofSeconds(5));
      if (!cluster.drainWrites().isEmpty()) {
        quietSince = System.nanoTime();
      } else if (System.nanoTime() - quietSince > Duration.ofMillis(2500).toNanos()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("operator did not settle within " + WAIT);
  }

  @Test
  void provisionsAFleetOwnedByTheGateway() {
    startOperator(null, "op-a");
    var client = cluster.client();
    String name = "gantry-gw";
    // The applier creates the fleet one object after the other, the PodDisruptionBudget last.
    await()
        .atMost(WAIT)
        .until(
            () ->
                client.policy().v1().podDisruptionBudget().inNamespace("infra").withName(name).get()
                    != null);
    Gateway gw = gatewayLive();

    Deployment d = client.apps().deployments().inNamespace("infra").withName(name).get();
    Service svc = client.services().inNamespace("infra").withName(name).get();
    ServiceAccount sa = client.serviceAccounts().inNamespace("infra").withName(name).get();
    PodDisruptionBudget pdb =
        client.policy().v1().podDisruptionBudget().inNamespace("infra").withName(name).get();
    assertThat(svc).isNotNull();
    assertThat(sa).isNotNull();
    assertThat(pdb).isNotNull();

    // Garbage collection: the mock server has no GC, so assert what GC acts on.
    for (var o : List.of(d, svc, sa, pdb)) {
      OwnerReference owner = o.getMetadata().getOwnerReferences().get(0);
      assertThat(owner.getUid()).isEqualTo(gw.getMetadata().getUid());
      assertThat(owner.getKind()).isEqualTo("Gateway");
      assertThat(owner.getController()).isTrue();
      assertThat(owner.getBlockOwnerDeletion()).isTrue();
      assertThat(o.getMetadata().getLabels())
          .containsEntry(FleetResources.GATEWAY_NAME_LABEL, "gw")
          .containsEntry(FleetResources.GATEWAY_CLASS_LABEL, "gantry")
          .containsEntry("team", "edge");
      assertThat(o.getMetadata().getAnnotations()).containsEntry("example.com/owner", "edge-team");
    }

    assertThat(sa.getAutomountServiceAccountToken()).isFalse();
    assertThat(d.getSpec().getReplicas()).isEqualTo(2);
    var pod = d.getSpec().getTemplate().getSpec();
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getServiceAccountName()).isEqualTo(name);
    assertThat(pod.getTopologySpreadConstraints())
        .extracting(c -> c.getTopologyKey())
        .containsExactly("kubernetes.io/hostname", "topology.kubernetes.io/zone");
    var container = pod.getContainers().get(0);
    assertThat(container.getImage()).isEqualTo("gantry:test");
    assertThat(container.getArgs())
        .containsSequence(
            "proxy",
            "--operator",
            "gantry-operator.gantry-system.svc:18000",
            "--gateway",
            "infra/gw");
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/ready");
    assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/live");
    assertThat(container.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    // This operator runs --insecure-control-channel, so its fleet dials plaintext and mounts no
    // token (FleetResourcesTest checks the secured fleet's token and CA bundle mounts).
    assertThat(pod.getVolumes()).filteredOn(v -> v.getProjected() != null).isEmpty();
    assertThat(container.getArgs()).contains("--insecure-control-channel");
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getEmptyDir() != null)
        .extracting(v -> v.getName())
        .containsExactlyInAnyOrder("snapshot", "tmp");
    assertThat(pod.getSecurityContext().getSysctls())
        .extracting(s -> s.getName())
        .containsExactly("net.ipv4.ip_unprivileged_port_start");
    assertThat(svc.getSpec().getType()).isEqualTo("LoadBalancer");
    assertThat(svc.getSpec().getPorts()).extracting(p -> p.getPort()).containsExactly(80);
    assertThat(svc.getSpec().getSelector()).isEqualTo(d.getSpec().getSelector().getMatchLabels());
  }

  @Test
  void aGantryProxyConfigSetsReplicasServiceAndAutoscaling() {
    apply(
        cluster.client(),
        """
        apiVersion: gantry.dev/v1alpha1
        kind: GantryProxyConfig
        metadata:
          name: big
          namespace: infra
        spec:
          replicas: 5
          image:
            repository: gantry
            tag: custom
            pullPolicy: IfNotPresent
          logLevel: debug
          service:
            type: ClusterIP
            annotations:
              example.com/lb: internal
          autoscaling:
            enabled: true
            minReplicas: 3
            maxReplicas: 9
        """);
    apply(
        cluster.client(),
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: gw
          namespace: infra
        spec:
          gatewayClassName: gantry
          infrastructure:
            parametersRef:
              group: gantry.dev
              kind: GantryProxyConfig
              name: big
          listeners:
          - name: http
            port: 80
            protocol: HTTP
        """);
    startOperator(null, "op-a");
    var client = cluster.client();
    await()
        .atMost(WAIT)
        .until(
            () ->
                client
                        .autoscaling()
                        .v2()
                        .horizontalPodAutoscalers()
                        .inNamespace("infra")
                        .withName("gantry-gw")
                        .get()
                    != null);
    var hpa =
        client
            .autoscaling()
            .v2()
            .horizontalPodAutoscalers()
            .inNamespace("infra")
            .withName("gantry-gw")
            .get();
    assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(3);
    assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(9);
    Deployment d = client.apps().deployments().inNamespace("infra").withName("gantry-gw").get();
    assertThat(d.getSpec().getReplicas()).as("an HPA owns the replica count").isNull();
    assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("gantry:custom");
    assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .containsSequence("--log-level", "debug");
    Service svc = client.services().inNamespace("infra").withName("gantry-gw").get();
    assertThat(svc.getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(svc.getMetadata().getAnnotations()).containsEntry("example.com/lb", "internal");
  }

  @Test
  void writesEveryStatusFamilyAndProgrammedFollowsProxyAcks() throws Exception {
    // Another controller's entry on the route must survive our writes.
    HTTPRoute r =
        cluster.client().resources(HTTPRoute.class).inNamespace("infra").withName("r").get();
    cluster
        .client()
        .resource(
            new HTTPRouteBuilder(r)
                .withNewStatus()
                .addNewParent()
                .withControllerName("example.com/other-controller")
                .withNewParentRef()
                .withName("other-gw")
                .endParentRef()
                .endParent()
                .endStatus()
                .build())
        .updateStatus();

    GantryOperator op = startOperator(null, "op-a");
    var client = cluster.client();

    await()
        .atMost(WAIT)
        .until(
            () -> {
              GatewayClass c = client.resources(GatewayClass.class).withName("gantry").get();
              return c.getStatus() != null
                  && condition(c.getStatus().getConditions(), "Accepted") != null;
            });
    assertThat(client.resources(GatewayClass.class).withName("other").get().getStatus())
        .as("a class of another controller is not ours to write")
        .isNull();

    await().atMost(WAIT).until(() -> gatewayCondition("Programmed") != null);
    String version = op.snapshots().get(GW).orElseThrow().routing().version();
    Condition pending = gatewayCondition("Programmed");
    assertThat(pending.getStatus()).isEqualTo("False");
    assertThat(pending.getReason()).isEqualTo("Pending");
    assertThat(pending.getMessage()).isEqualTo("0 of 0 proxies run routing version " + version);
    assertThat(gatewayCondition("Accepted").getStatus()).isEqualTo("True");

    await()
        .atMost(WAIT)
        .until(
            () -> {
              HTTPRoute live =
                  client.resources(HTTPRoute.class).inNamespace("infra").withName("r").get();
              return live.getStatus().getParents().size() == 2;
            });
    List<RouteParentStatus> parents =
        client
            .resources(HTTPRoute.class)
            .inNamespace("infra")
            .withName("r")
            .get()
            .getStatus()
            .getParents();
    assertThat(parents)
        .extracting(RouteParentStatus::getControllerName)
        .containsExactlyInAnyOrder("example.com/other-controller", "gantry.dev/gateway-controller");
    RouteParentStatus ours =
        parents.stream()
            .filter(p -> p.getControllerName().startsWith("gantry"))
            .findFirst()
            .orElseThrow();
    assertThat(ours.getConditions())
        .extracting(Condition::getType)
        .containsExactlyInAnyOrder("Accepted", "ResolvedRefs");

    // Two proxies connect and ACK: Programmed True with the count.
    RecordingSink sink1 = new RecordingSink();
    RecordingSink sink2 = new RecordingSink();
    proxy(op, "p1", sink1);
    proxy(op, "p2", sink2);
    await().atMost(WAIT).until(() -> "True".equals(gatewayCondition("Programmed").getStatus()));
    assertThat(gatewayCondition("Programmed").getMessage())
        .isEqualTo("2 of 2 proxies run routing version " + version);
    assertThat(gatewayCondition("Programmed").getReason()).isEqualTo("Programmed");

    // One proxy refuses the next routing version: Programmed False with its reason.
    sink2.refuseWhen(
        s ->
            s.routing()
                .listeners()
                .get(0)
                .virtualHosts()
                .get(0)
                .routes()
                .get(0)
                .match()
                .path()
                .value()
                .equals("/v2"),
        "routing.rules[0].filters[0]: x (expected: a filter this proxy supports)");
    apply(client, route("r", "/v2"));
    await().atMost(WAIT).until(() -> "Invalid".equals(gatewayCondition("Programmed").getReason()));
    Condition rejected = gatewayCondition("Programmed");
    assertThat(rejected.getStatus()).isEqualTo("False");
    assertThat(rejected.getMessage())
        .contains("rejected routing version")
        .endsWith("routing.rules[0].filters[0]: x (expected: a filter this proxy supports)");
    // The refusing proxy keeps serving the previous routing.
    assertThat(sink2.current().routing().version()).isEqualTo(version);

    // An invalid Gateway (the translator says so): Programmed False with the translator's reason.
    apply(client, gateway("gw", "udp", "UDP"));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(gatewayCondition("Programmed").getMessage())
                    .isEqualTo("Gateway is not accepted"));
    assertThat(gatewayCondition("Programmed").getStatus()).isEqualTo("False");
    assertThat(gatewayCondition("Programmed").getReason()).isEqualTo("Invalid");
  }

  @Test
  void routeEditsAndEndpointChangesReachTheProxyAndEndpointsSkipTranslation() throws Exception {
    GantryOperator op = startOperator(null, "op-a");
    RecordingSink sink = new RecordingSink();
    SnapshotClient proxy = proxy(op, "p1", sink);
    await().atMost(WAIT).until(proxy::isReady);
    GatewaySnapshot first = sink.current();
    assertThat(first.endpoints().clusters().get(0).endpoints())
        .containsExactly(new Endpoint("10.0.0.1", 3000, true, true, false, null));

    apply(cluster.client(), route("r", "/edited"));
    await()
        .atMost(WAIT)
        .until(
            () ->
                sink.current()
                    .routing()
                    .listeners()
                    .get(0)
                    .virtualHosts()
                    .get(0)
                    .routes()
                    .get(0)
                    .match()
                    .path()
                    .value()
                    .equals("/edited"));

    awaitQuiet(op);
    int translations = translation.calls();
    int applied = sink.applied().size();
    apply(cluster.client(), echoSlice("10.0.0.1", "10.0.0.2"));
    await().atMost(WAIT).until(() -> sink.applied().size() > applied);
    assertThat(sink.current().endpoints().clusters().get(0).endpoints())
        .extracting(Endpoint::address)
        .containsExactly("10.0.0.1", "10.0.0.2");
    assertThat(sink.current().routing()).isEqualTo(sink.applied().get(applied - 1).routing());
    assertThat(translation.calls())
        .as("an endpoint change is not a translation")
        .isEqualTo(translations);
  }

  @Test
  void statusWritesDoNotRequeueAndARestartWritesNothing() throws Exception {
    GantryOperator first = startOperator(null, "op-a");
    await().atMost(WAIT).until(() -> gatewayCondition("Programmed") != null);
    awaitQuiet(first);
    int translations = translation.calls();
    Thread.sleep(1500);
    assertThat(translation.calls())
        .as("our own status writes must not reconcile again")
        .isEqualTo(translations);

    first.close();
    closeables.remove(first);
    cluster.drainRequests();

    GantryOperator second = startOperator(null, "op-b");
    await().atMost(WAIT).until(() -> second.snapshots().get(GW).isPresent());
    assertThat(translation.calls()).isGreaterThan(translations);
    awaitQuiet(second);
    assertThat(cluster.drainWrites()).as("a restart with nothing changed writes nothing").isEmpty();
    assertThat(second.statusWriter().writes()).isZero();
    assertThat(second.fleet().writes()).isZero();
  }

  @Test
  void aLeaderChangeWritesNoStatusWhenNothingChanged() throws Exception {
    GantryOperator a = startOperator("infra", "op-a");
    await().atMost(WAIT).until(a::isLeader);
    GantryOperator b = startOperator("infra", "op-b");
    await().atMost(WAIT).until(() -> gatewayCondition("Programmed") != null);
    await().atMost(WAIT).until(() -> b.snapshots().get(GW).isPresent());
    awaitQuiet(a);
    assertThat(b.isLeader()).isFalse();
    assertThat(b.statusWriter().writes()).as("a follower never writes").isZero();
    // Both replicas serve the same snapshot to proxies.
    assertThat(b.snapshots().get(GW)).isEqualTo(a.snapshots().get(GW));

    a.close();
    closeables.remove(a);
    cluster.drainRequests();
    await().atMost(WAIT).until(b::isLeader);
    awaitQuiet(b);
    assertThat(cluster.drainStatusWrites())
        .as("the new leader finds every status already right")
        .isEmpty();
    assertThat(b.statusWriter().writes()).isZero();
  }

  @Test
  void gatewayAddressesComeFromTheFleetServiceLoadBalancer() {
    startOperator(null, "op-a");
    var client = cluster.client();
    await()
        .atMost(WAIT)
        .until(() -> client.services().inNamespace("infra").withName("gantry-gw").get() != null);
    Service svc = client.services().inNamespace("infra").withName("gantry-gw").get();
    client
        .resource(
            new io.fabric8.kubernetes.api.model.ServiceBuilder(svc)
                .withNewStatus()
                .withNewLoadBalancer()
                .addNewIngress()
                .withIp("203.0.113.7")
                .endIngress()
                .endLoadBalancer()
                .endStatus()
                .build())
        .updateStatus();
    await()
        .atMost(WAIT)
        .until(
            () -> {
              Gateway g = gatewayLive();
              return g.getStatus() != null
                  && g.getStatus().getAddresses() != null
                  && !g.getStatus().getAddresses().isEmpty();
            });
    assertThat(gatewayLive().getStatus().getAddresses())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.getType()).isEqualTo("IPAddress");
              assertThat(a.getValue()).isEqualTo("203.0.113.7");
            });
  }

  @Test
  void deletingTheGatewayStopsServingIt() {
    GantryOperator op = startOperator(null, "op-a");
    await().atMost(WAIT).until(() -> op.snapshots().get(GW).isPresent());
    cluster.client().resources(Gateway.class).inNamespace("infra").withName("gw").delete();
    await().atMost(WAIT).until(() -> op.snapshots().get(GW).isEmpty());
  }

  @Test
  void invalidInputNeitherCrashesNorStallsTheOperator() {
    GantryOperator op = startOperator(null, "op-a");
    await().atMost(WAIT).until(() -> op.snapshots().get(GW).isPresent());
    // A route with no rules and a parentRef to a missing Gateway, a Gateway of an unknown class.
    apply(
        cluster.client(),
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: odd
          namespace: infra
        spec:
          parentRefs:
          - name: nowhere
        """);
    apply(
        cluster.client(),
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: orphan
          namespace: infra
        spec:
          gatewayClassName: missing
          listeners:
          - name: http
            port: 80
            protocol: HTTP
        """);
    apply(
        cluster.client(),
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: explode
          namespace: infra
        spec:
          gatewayClassName: gantry
          listeners:
          - name: http
            port: 80
            protocol: HTTP
        """);
    // The operator keeps working: a later edit of the real route still reaches the snapshot.
    apply(cluster.client(), route("r", "/still-working"));
    await()
        .atMost(WAIT)
        .until(
            () ->
                op.snapshots()
                    .get(GW)
                    .orElseThrow()
                    .routing()
                    .listeners()
                    .get(0)
                    .virtualHosts()
                    .get(0)
                    .routes()
                    .get(0)
                    .match()
                    .path()
                    .value()
                    .equals("/still-working"));
    assertThat(op.snapshots().get("infra/orphan")).isEmpty();
    assertThat(op.snapshots().get("infra/explode")).isEmpty();
    assertThat(
            cluster
                .client()
                .apps()
                .deployments()
                .inNamespace("infra")
                .withName("gantry-orphan")
                .get())
        .isNull();
  }
}
