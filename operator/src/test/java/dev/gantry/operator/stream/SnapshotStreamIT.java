package dev.gantry.operator.stream;

import static dev.gantry.operator.testing.TestSnapshots.endpoints;
import static dev.gantry.operator.testing.TestSnapshots.routing;
import static dev.gantry.operator.testing.TestSnapshots.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.model.GatewaySnapshot;
import dev.gantry.model.stream.PartVersions;
import dev.gantry.operator.control.ControlChannelSecurity;
import dev.gantry.operator.testing.RecordingSink;
import dev.gantry.proxy.control.Backoff;
import dev.gantry.proxy.control.ControlChannelCredentials;
import dev.gantry.proxy.control.SnapshotClient;
import dev.gantry.proxy.control.SnapshotFile;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real gRPC snapshot server and the real proxy-side SnapshotClient, over loopback. The stream's
 * semantics (versions, ACK/NACK, coalescing, reconnects) are what is tested here, so both ends run
 * explicitly insecure; ControlChannelIT covers TLS and authentication.
 */
@Timeout(60)
class SnapshotStreamIT {

  static final String GW = "infra/gw";
  static final String CLUSTER = "service/infra/echo/80";
  static final GatewaySnapshot V1 =
      snapshot(
          "infra",
          "gw",
          routing("infra", "gw", 8080, "/v1", CLUSTER),
          endpoints(CLUSTER, "10.0.0.1:3000"));
  static final GatewaySnapshot V2 =
      snapshot(
          "infra",
          "gw",
          routing("infra", "gw", 8080, "/v2", CLUSTER),
          endpoints(CLUSTER, "10.0.0.1:3000"));
  static final GatewaySnapshot BAD =
      snapshot(
          "infra",
          "gw",
          routing("infra", "gw", 8080, "/bad", CLUSTER),
          endpoints(CLUSTER, "10.0.0.1:3000"));

  @TempDir Path dir;
  final List<AutoCloseable> closeables = new ArrayList<>();
  final SnapshotStore store = new SnapshotStore();
  final ProxyAcks acks = new ProxyAcks();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  SnapshotServer server(SnapshotStore s, ProxyAcks a, int port) {
    SnapshotServer server =
        SnapshotServer.start(
            new InetSocketAddress("127.0.0.1", port), s, a, ControlChannelSecurity.insecure());
    closeables.add(server);
    return server;
  }

  SnapshotClient client(int port, String node, RecordingSink sink, Path file) {
    SnapshotClient c =
        new SnapshotClient(
            "127.0.0.1:" + port,
            GW,
            node,
            sink,
            file == null ? null : new SnapshotFile(file),
            new Backoff(Duration.ofMillis(20), Duration.ofMillis(200)),
            ControlChannelCredentials.insecure());
    closeables.add(c);
    c.start();
    return c;
  }

  static String routingPath(GatewaySnapshot s) {
    return s.routing()
        .listeners()
        .get(0)
        .virtualHosts()
        .get(0)
        .routes()
        .get(0)
        .match()
        .path()
        .value();
  }

  @Test
  void proxyAppliesTheSnapshotAcksItAndBecomesReady() {
    SnapshotServer server = server(store, acks, 0);
    store.publish(GW, V1);
    RecordingSink sink = new RecordingSink();
    SnapshotClient client = client(server.port(), "p1", sink, null);

    await().atMost(Duration.ofSeconds(10)).until(client::isReady);
    assertThat(sink.current()).isEqualTo(V1);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> acks.routingProgress(GW, V1.routing().version()).acked() == 1);
    assertThat(acks.routingProgress(GW, V1.routing().version()))
        .isEqualTo(new ProxyAcks.RoutingProgress(1, 1, null));
  }

  @Test
  void everyProxyIsToldHowManyProxiesOfItsGatewayAreReadyAsTheFleetScales() throws Exception {
    SnapshotServer server = server(store, acks, 0);
    store.publish(GW, V1);
    RecordingSink first = new RecordingSink();
    SnapshotClient one = client(server.port(), "p1", first, null);
    await().atMost(Duration.ofSeconds(10)).until(one::isReady);
    await().atMost(Duration.ofSeconds(5)).until(() -> first.lastReadyReplicas() == 1);

    RecordingSink second = new RecordingSink();
    SnapshotClient two = client(server.port(), "p2", second, null);
    await().atMost(Duration.ofSeconds(10)).until(two::isReady);
    // Scaling out: the proxy that was alone learns it now shares the Gateway-wide limit.
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> first.lastReadyReplicas() == 2 && second.lastReadyReplicas() == 2);
    assertThat(acks.readyProxies(GW)).isEqualTo(2);

    // Scaling in: the survivor gets the whole limit back.
    two.close();
    await().atMost(Duration.ofSeconds(5)).until(() -> first.lastReadyReplicas() == 1);
    assertThat(first.applied()).containsExactly(V1);
  }

  @Test
  void aProxyWithoutACompleteSnapshotIsNotReady() {
    SnapshotServer server = server(store, acks, 0);
    RecordingSink sink = new RecordingSink();
    SnapshotClient client = client(server.port(), "p1", sink, null);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> acks.routingProgress(GW, null).connected() == 1);
    assertThat(client.isReady()).isFalse();
    assertThat(sink.applied()).isEmpty();
  }

  @Test
  void nackIsReportedWithTheReasonAndThePreviousConfigKeepsServing() {
    SnapshotServer server = server(store, acks, 0);
    store.publish(GW, V1);
    RecordingSink sink = new RecordingSink();
    sink.refuseWhen(
        s -> routingPath(s).equals("/bad"), "routing.rules[0]: /bad (expected: a good path)");
    SnapshotClient client = client(server.port(), "p1", sink, null);
    await().atMost(Duration.ofSeconds(10)).until(client::isReady);

    store.publish(GW, BAD);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> acks.routingProgress(GW, BAD.routing().version()).rejection() != null);

    ProxyAcks.RoutingProgress bad = acks.routingProgress(GW, BAD.routing().version());
    assertThat(bad.acked()).isZero();
    assertThat(bad.rejection()).isEqualTo("routing.rules[0]: /bad (expected: a good path)");
    assertThat(sink.applied()).containsExactly(V1);
    assertThat(client.appliedVersions()).isEqualTo(PartVersions.of(V1));
    assertThat(acks.routingProgress(GW, V1.routing().version()).acked()).isEqualTo(1);

    // A fixed config after the bad one is applied and clears the rejection.
    store.publish(GW, V2);
    await().atMost(Duration.ofSeconds(5)).until(() -> V2.equals(sink.current()));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> acks.routingProgress(GW, V2.routing().version()).acked() == 1);
    assertThat(acks.routingProgress(GW, BAD.routing().version()).rejection()).isNull();
  }

  @Test
  void endpointsOnlyChangesTravelWithoutRouting() {
    SnapshotServer server = server(store, acks, 0);
    store.publish(GW, V1);
    RecordingSink sink = new RecordingSink();
    SnapshotClient client = client(server.port(), "p1", sink, null);
    await().atMost(Duration.ofSeconds(10)).until(client::isReady);

    var moved = endpoints(CLUSTER, "10.0.0.2:3000", "10.0.0.3:3000");
    long start = System.nanoTime();
    assertThat(store.updateEndpoints(GW, moved)).isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> sink.applied().size() == 2);
    long micros = (sink.appliedAtNanos().get(1) - start) / 1000;

    GatewaySnapshot now = sink.current();
    assertThat(now.endpoints()).isEqualTo(moved);
    assertThat(now.routing()).isEqualTo(V1.routing());
    // Loopback, one proxy: an endpoint change is applied well under the 200 ms budget.
    assertThat(micros).isLessThan(200_000);
    // The same endpoints again are not a change: nothing is sent.
    assertThat(store.updateEndpoints(GW, moved)).isFalse();
  }

  @Test
  void proxyReconnectsWithBackoffAndGetsTheNewOperatorsSnapshot() throws Exception {
    SnapshotServer first = server(store, acks, 0);
    int port = first.port();
    store.publish(GW, V1);
    RecordingSink sink = new RecordingSink();
    SnapshotClient client = client(port, "p1", sink, null);
    await().atMost(Duration.ofSeconds(10)).until(client::isReady);

    first.close();
    await().atMost(Duration.ofSeconds(5)).until(() -> client.reconnects() >= 1);
    // The proxy keeps serving its last config while the operator is gone.
    assertThat(sink.current()).isEqualTo(V1);

    SnapshotStore secondStore = new SnapshotStore();
    ProxyAcks secondAcks = new ProxyAcks();
    secondStore.publish(GW, V2);
    server(secondStore, secondAcks, port);
    await().atMost(Duration.ofSeconds(10)).until(() -> V2.equals(sink.current()));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> secondAcks.routingProgress(GW, V2.routing().version()).acked() == 1);
  }

  @Test
  void restartedProxyServesItsPersistedSnapshotWhileTheOperatorIsDown() throws Exception {
    Path file = dir.resolve("snapshot.json");
    SnapshotServer server = server(store, acks, 0);
    int port = server.port();
    store.publish(GW, V1);
    RecordingSink sink = new RecordingSink();
    SnapshotClient client = client(port, "p1", sink, file);
    await().atMost(Duration.ofSeconds(10)).until(client::isReady);
    await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(file));
    client.close();
    server.close();

    // Operator down; the proxy process restarts.
    RecordingSink restarted = new RecordingSink();
    SnapshotClient again = client(port, "p1", restarted, file);
    assertThat(again.isReady()).isTrue();
    assertThat(restarted.applied()).containsExactly(V1);
    assertThat(Files.list(dir).filter(p -> p.toString().endsWith(".tmp")).count()).isZero();

    // The operator returns with the same config: it is not sent again, and the proxy counts as
    // running it.
    SnapshotStore back = new SnapshotStore();
    ProxyAcks backAcks = new ProxyAcks();
    back.publish(GW, V1);
    server(back, backAcks, port);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> backAcks.routingProgress(GW, V1.routing().version()).acked() == 1);
    assertThat(restarted.applied()).containsExactly(V1);
  }

  @Test
  void tenProxiesOfOneGatewayAllAck() {
    SnapshotServer server = server(store, acks, 0);
    store.publish(GW, V1);
    List<SnapshotClient> clients = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      clients.add(client(server.port(), "p" + i, new RecordingSink(), null));
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> acks.routingProgress(GW, V1.routing().version()).acked() == 10);
    store.publish(GW, V2);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> acks.routingProgress(GW, V2.routing().version()).acked() == 10);
    assertThat(clients).allMatch(SnapshotClient::isReady);
  }

  @Test
  void aProxyAskingForAMalformedGatewayIsRefusedAndOthersAreUnaffected() {
    SnapshotServer server = server(store, acks, 0);
    store.publish(GW, V1);
    SnapshotClient bad =
        new SnapshotClient(
            "127.0.0.1:" + server.port(),
            "Not_A/Valid_Key",
            "x",
            new RecordingSink(),
            null,
            new Backoff(Duration.ofMillis(20), Duration.ofMillis(100)),
            ControlChannelCredentials.insecure());
    closeables.add(bad);
    bad.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> bad.reconnects() >= 1);
    assertThat(bad.isReady()).isFalse();

    RecordingSink sink = new RecordingSink();
    SnapshotClient good = client(server.port(), "p1", sink, null);
    await().atMost(Duration.ofSeconds(10)).until(good::isReady);
  }
}
