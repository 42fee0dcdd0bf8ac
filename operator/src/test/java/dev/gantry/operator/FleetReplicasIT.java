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

import dev.gantry.operator.testing.CountingTranslation;
import dev.gantry.operator.testing.MockCluster;
import dev.gantry.operator.testing.RecordingSink;
import dev.gantry.proxy.control.Backoff;
import dev.gantry.proxy.control.SnapshotClient;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The divisor of Gateway-wide Local rate limits ({@code readyReplicas} on the snapshot stream) is
 * Gateway-wide: two operator replicas (leader election on, as the chart deploys them) on the
 * Fabric8 mock API server in CRUD mode, three proxies split 2 + 1 between them, and the fleet
 * Deployment's {@code status.readyReplicas} set as the Deployment controller would.
 */
@Timeout(120)
class FleetReplicasIT {

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

  GantryOperator startOperator(String identity) {
    GantryOperator op =
        GantryOperator.start(
            cluster.newClient(),
            new GantryOperator.Options(
                new InetSocketAddress("127.0.0.1", 0),
                "gantry-operator.gantry-system.svc:18000",
                "gantry:test",
                "infra",
                identity,
                Duration.ofSeconds(2),
                Duration.ofMillis(50)),
            new CountingTranslation());
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
            new Backoff(Duration.ofMillis(20), Duration.ofMillis(200)));
    closeables.add(c);
    c.start();
    return c;
  }

  /** Sets the fleet Deployment's status.readyReplicas, as the Deployment controller does. */
  void deploymentReports(Integer readyReplicas) {
    var deployments = cluster.client().apps().deployments().inNamespace("infra");
    Deployment live = deployments.withName("gantry-gw").get();
    live.setStatus(
        new DeploymentStatusBuilder()
            .withReplicas(readyReplicas)
            .withReadyReplicas(readyReplicas)
            .withAvailableReplicas(readyReplicas)
            .build());
    deployments.resource(live).updateStatus();
  }

  static boolean allGot(int replicas, RecordingSink... sinks) {
    for (RecordingSink s : sinks) {
      if (s.lastReadyReplicas() != replicas) {
        return false;
      }
    }
    return true;
  }

  @Test
  void proxiesSplitAcrossOperatorReplicasAllGetTheDeploymentsReadyCountAsItScales() {
    GantryOperator a = startOperator("op-a");
    await().atMost(WAIT).until(a::isLeader);
    GantryOperator b = startOperator("op-b");
    await().atMost(WAIT).until(() -> b.snapshots().get(GW).isPresent());
    // The leader created the fleet; the Deployment controller has not reported anything yet.
    await()
        .atMost(WAIT)
        .until(
            () ->
                cluster
                        .client()
                        .apps()
                        .deployments()
                        .inNamespace("infra")
                        .withName("gantry-gw")
                        .get()
                    != null);

    RecordingSink p1 = new RecordingSink();
    RecordingSink p2 = new RecordingSink();
    RecordingSink p3 = new RecordingSink();
    SnapshotClient c1 = proxy(a, "p1", p1);
    SnapshotClient c2 = proxy(a, "p2", p2);
    SnapshotClient c3 = proxy(b, "p3", p3);
    await().atMost(WAIT).until(() -> c1.isReady() && c2.isReady() && c3.isReady());
    // Without a reported count each replica falls back to the proxies connected to it: a lower
    // bound of the fleet (never 0), the behaviour before the Deployment says anything.
    await().atMost(WAIT).until(() -> allGot(2, p1, p2) && allGot(1, p3));

    deploymentReports(3);
    await().atMost(WAIT).until(() -> allGot(3, p1, p2, p3));
    assertThat(b.isLeader()).as("op-b follows and still streams the count").isFalse();

    // Scale in: every proxy, on either replica, gets the smaller divisor.
    deploymentReports(2);
    await().atMost(WAIT).until(() -> allGot(2, p1, p2, p3));

    // Scale out beyond what is connected to any one replica.
    deploymentReports(5);
    await().atMost(WAIT).until(() -> allGot(5, p1, p2, p3));

    // The status says 0 (a rollout, or the controller lagging) while proxies are serving: each
    // replica keeps the proxies connected to it as the lower bound rather than dividing by 0.
    deploymentReports(null);
    await().atMost(WAIT).until(() -> allGot(2, p1, p2) && allGot(1, p3));
  }
}
