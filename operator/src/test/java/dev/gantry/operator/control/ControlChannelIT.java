package dev.gantry.operator.control;

import static dev.gantry.operator.testing.TestSnapshots.endpoints;
import static dev.gantry.operator.testing.TestSnapshots.routing;
import static dev.gantry.operator.testing.TestSnapshots.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.model.GatewaySnapshot;
import dev.gantry.operator.status.Leadership;
import dev.gantry.operator.stream.ProxyAcks;
import dev.gantry.operator.stream.SnapshotServer;
import dev.gantry.operator.stream.SnapshotStore;
import dev.gantry.operator.testing.MockCluster;
import dev.gantry.operator.testing.MockCluster.IssuedToken;
import dev.gantry.operator.testing.RecordingSink;
import dev.gantry.proxy.control.Backoff;
import dev.gantry.proxy.control.ControlChannelCredentials;
import dev.gantry.proxy.control.SnapshotClient;
import dev.gantry.stream.ControlChannelAuth;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.grpc.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secured snapshot stream end to end on loopback: the operator's CA in a Secret on the Fabric8
 * mock API server (CRUD), the bundle published as a ConfigMap and copied to a file the way the
 * kubelet projects it, the real gRPC server with real TLS, and the real proxy-side SnapshotClient
 * with a token file. Only TokenReview answers are expectations (the mock server cannot review a
 * token); the E2E tier repeats the token checks against a real API server.
 */
@Timeout(90)
class ControlChannelIT {

  static final String GW = "infra/gw";
  static final String CLUSTER = "service/infra/echo/80";
  static final String AUDIENCE = ControlChannelAuth.TOKEN_AUDIENCE;
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

  @TempDir Path dir;
  final List<AutoCloseable> closeables = new ArrayList<>();
  final SnapshotStore store = new SnapshotStore();
  final ProxyAcks acks = new ProxyAcks();
  MockCluster cluster;
  Path caFile;

  @BeforeEach
  void cluster() {
    cluster = new MockCluster();
    cluster.answerTokenReviews(
        Map.of(
            "token-gw",
            new IssuedToken("system:serviceaccount:infra:gantry-gw", List.of(AUDIENCE)),
            "token-other-gateway",
            new IssuedToken("system:serviceaccount:infra:gantry-other", List.of(AUDIENCE)),
            "token-for-the-api-server",
            new IssuedToken(
                "system:serviceaccount:infra:gantry-gw",
                List.of("https://kubernetes.default.svc.cluster.local"))));
    caFile = dir.resolve("control-ca/ca.crt");
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
    cluster.close();
  }

  /** The operator's half: CA, bundle publisher, TLS + token-checking snapshot server. */
  record Operator(OperatorCa ca, SnapshotServer server) {}

  Operator operator(CaRotationPolicy policy) {
    return operator(policy, OperatorCa.ServingNames.forAdvertisedHost("localhost", "127.0.0.1"));
  }

  Operator operator(CaRotationPolicy policy, OperatorCa.ServingNames names) {
    OperatorCa ca =
        new OperatorCa(
            cluster.client(), "gantry-system", "gantry-ca", policy, Clock.systemUTC(), names);
    closeables.add(ca);
    ca.start();
    CaBundlePublisher publisher =
        new CaBundlePublisher(
            cluster.client(), Leadership.ALWAYS, () -> Set.of("infra"), ca::bundlePem);
    ca.onRefresh(state -> publisher.publishAll());
    projectBundle(Duration.ofMillis(100));
    SnapshotServer server =
        SnapshotServer.start(
            new InetSocketAddress("127.0.0.1", 0),
            store,
            acks,
            ControlChannelSecurity.tls(
                ca.keyManager(), new TokenReviewer(cluster.client(), Duration.ofSeconds(30), 100)));
    closeables.add(server);
    return new Operator(ca, server);
  }

  /**
   * What the kubelet does for the fleet's ConfigMap volume: copy the published bundle into the
   * mounted file whenever it changes, replacing the file atomically.
   */
  void projectBundle(Duration every) {
    ScheduledExecutorService kubelet = Executors.newSingleThreadScheduledExecutor();
    closeables.add(kubelet::shutdownNow);
    Runnable copy =
        () -> {
          ConfigMap cm =
              cluster
                  .client()
                  .configMaps()
                  .inNamespace("infra")
                  .withName(CaBundlePublisher.CONFIG_MAP)
                  .get();
          if (cm == null) {
            return;
          }
          String pem = cm.getData().get(CaBundlePublisher.KEY);
          try {
            if (Files.exists(caFile) && Files.readString(caFile).equals(pem)) {
              return;
            }
            Files.createDirectories(caFile.getParent());
            Path tmp = Files.createTempFile(caFile.getParent(), "..data", ".tmp");
            Files.writeString(tmp, pem);
            Files.move(
                tmp, caFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        };
    copy.run();
    kubelet.scheduleWithFixedDelay(copy, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  Path token(String name, String value) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, value + "\n");
    return f;
  }

  SnapshotClient proxy(
      Operator op, String gateway, String node, Path ca, Path token, RecordingSink sink) {
    SnapshotClient c =
        new SnapshotClient(
            "127.0.0.1:" + op.server().port(),
            gateway,
            node,
            sink,
            null,
            new Backoff(Duration.ofMillis(50), Duration.ofMillis(200)),
            ControlChannelCredentials.tls(ca, token, Duration.ofMillis(100)));
    closeables.add(c);
    c.start();
    return c;
  }

  /** A bounded wait for a proxy to have been refused {@code times} times. */
  static void awaitRefusals(SnapshotClient c, int times) {
    await().atMost(Duration.ofSeconds(10)).until(() -> c.reconnects() >= times);
  }

  @Test
  void theRightTokenAndTheRightCaGetTheSnapshotAndItIsAcked() throws Exception {
    Operator op = operator(CaRotationPolicy.DEFAULT);
    store.publish(GW, V1);
    RecordingSink sink = new RecordingSink();
    SnapshotClient c = proxy(op, GW, "p1", caFile, token("t", "token-gw"), sink);

    await().atMost(Duration.ofSeconds(10)).until(c::isReady);
    assertThat(sink.current()).isEqualTo(V1);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> acks.routingProgress(GW, V1.routing().version()).acked() == 1);
    // The bundle the proxy trusted is exactly the CA that signed the serving certificate.
    assertThat(Files.readString(caFile)).isEqualTo(op.ca().state().bundlePem());
    assertThat(op.ca().serving().issuer()).isEqualTo(op.ca().state().current().certificate());
    assertThat(cluster.tokenReviews()).isEqualTo(1);
  }

  @Test
  void aWrongTokenGetsNothingAndIsUnauthenticated() throws Exception {
    Operator op = operator(CaRotationPolicy.DEFAULT);
    store.publish(GW, V1);
    RecordingSink sink = new RecordingSink();
    SnapshotClient c = proxy(op, GW, "p1", caFile, token("t", "not-a-token"), sink);

    awaitRefusals(c, 3);
    assertThat(c.lastError()).map(Status::getCode).contains(Status.Code.UNAUTHENTICATED);
    assertThat(sink.applied()).isEmpty();
    assertThat(c.isReady()).isFalse();
    assertThat(acks.connectedProxies()).isZero();
  }

  @Test
  void aTokenForAnotherAudienceIsUnauthenticatedEvenForTheRightServiceAccount() throws Exception {
    Operator op = operator(CaRotationPolicy.DEFAULT);
    store.publish(GW, V1);
    RecordingSink sink = new RecordingSink();
    SnapshotClient c = proxy(op, GW, "p1", caFile, token("t", "token-for-the-api-server"), sink);

    awaitRefusals(c, 2);
    assertThat(c.lastError()).map(Status::getCode).contains(Status.Code.UNAUTHENTICATED);
    assertThat(sink.applied()).isEmpty();
  }

  @Test
  void anotherGatewaysTokenGetsNothingAndIsPermissionDenied() throws Exception {
    Operator op = operator(CaRotationPolicy.DEFAULT);
    store.publish(GW, V1);
    store.publish("infra/other", V2);
    RecordingSink sink = new RecordingSink();
    SnapshotClient c = proxy(op, GW, "p1", caFile, token("t", "token-other-gateway"), sink);

    awaitRefusals(c, 3);
    assertThat(c.lastError()).map(Status::getCode).contains(Status.Code.PERMISSION_DENIED);
    assertThat(sink.applied()).isEmpty();
    assertThat(acks.connectedProxies()).isZero();
    // The identity was reviewed once and then served from the cache on every retry.
    assertThat(cluster.tokenReviews()).isEqualTo(1);
  }

  @Test
  void anUntrustedCaFailsTheHandshakeAndTheTokenIsNeverSent() throws Exception {
    Operator op = operator(CaRotationPolicy.DEFAULT);
    store.publish(GW, V1);
    Path impostorCa = dir.resolve("impostor.crt");
    Files.writeString(
        impostorCa,
        CertificateAuthority.create(java.time.Instant.now(), Duration.ofDays(1)).certificatePem());
    RecordingSink sink = new RecordingSink();
    SnapshotClient c = proxy(op, GW, "p1", impostorCa, token("t", "token-gw"), sink);

    awaitRefusals(c, 3);
    assertThat(c.lastError()).map(Status::getCode).contains(Status.Code.UNAVAILABLE);
    assertThat(sink.applied()).isEmpty();
    // TLS failed before any call metadata left the proxy: the operator never saw the token.
    assertThat(cluster.tokenReviews()).isZero();
  }

  @Test
  void aCertificateFromTheRightCaForAnotherNameIsRefusedToo() throws Exception {
    // The serving certificate names the Service only; the proxy dials 127.0.0.1, which it does not
    // name: a CA-signed certificate is not enough, it must be the one for the address dialled.
    Operator op =
        operator(
            CaRotationPolicy.DEFAULT,
            OperatorCa.ServingNames.forAdvertisedHost("gantry-operator.gantry-system.svc", null));
    store.publish(GW, V1);
    RecordingSink sink = new RecordingSink();
    SnapshotClient c = proxy(op, GW, "p1", caFile, token("t", "token-gw"), sink);

    awaitRefusals(c, 2);
    assertThat(c.lastError()).map(Status::getCode).contains(Status.Code.UNAVAILABLE);
    assertThat(sink.applied()).isEmpty();
    assertThat(cluster.tokenReviews()).isZero();
  }

  @Test
  void caRotationWithConnectedProxiesLosesNoDeliveryAndReconnectsTrustTheNewCa() throws Exception {
    // Real time, compressed: a 24 s CA rotated 16 s before expiry, 1 s of propagation, 6 s
    // serving certificates; the first rotation starts about 8 s in.
    CaRotationPolicy fast =
        new CaRotationPolicy(
            Duration.ofSeconds(24),
            Duration.ofSeconds(16),
            Duration.ofSeconds(1),
            Duration.ofSeconds(6),
            Duration.ofSeconds(2),
            Duration.ofMillis(200));
    Operator op = operator(fast);
    X509Certificate firstCa = op.ca().state().current().certificate();
    Path firstCaOnly = dir.resolve("first-ca-only.crt");
    Files.writeString(firstCaOnly, CertificateAuthority.pem(firstCa));
    store.publish(GW, V1);
    Path token = token("t", "token-gw");
    List<SnapshotClient> proxies = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      proxies.add(proxy(op, GW, "p" + i, caFile, token, new RecordingSink()));
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> acks.routingProgress(GW, V1.routing().version()).acked() == 3);

    // Rotation: the next CA is trusted first, then signs; the first CA is retired, then dropped.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              CaState s = op.ca().state();
              return !s.current().certificate().equals(firstCa)
                  && !s.bundle().contains(firstCa)
                  && op.ca().serving().issuer().equals(s.current().certificate());
            });
    // The open streams were never cut: no proxy reconnected.
    assertThat(proxies).allSatisfy(p -> assertThat(p.reconnects()).isZero());

    // A config pushed after the rotation reaches every connected proxy and is ACKed.
    store.publish(GW, V2);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> acks.routingProgress(GW, V2.routing().version()).acked() == 3);
    assertThat(proxies).allSatisfy(p -> assertThat(p.reconnects()).isZero());

    // A new connection verifies the new serving certificate with the updated bundle file...
    RecordingSink late = new RecordingSink();
    SnapshotClient newcomer = proxy(op, GW, "p-late", caFile, token, late);
    await().atMost(Duration.ofSeconds(10)).until(newcomer::isReady);
    assertThat(late.current()).isEqualTo(V2);
    // ...while a proxy that still trusted only the first CA would now be refused at the handshake.
    SnapshotClient stale = proxy(op, GW, "p-stale", firstCaOnly, token, new RecordingSink());
    awaitRefusals(stale, 2);
    assertThat(stale.lastError()).map(Status::getCode).contains(Status.Code.UNAVAILABLE);
    assertThat(stale.isReady()).isFalse();
  }
}
