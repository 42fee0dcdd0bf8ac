package dev.gantry.operator;

import static dev.gantry.operator.testing.Manifests.GATEWAY_CLASS;
import static dev.gantry.operator.testing.Manifests.NAMESPACE;
import static dev.gantry.operator.testing.Manifests.apply;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.operator.control.CaBundlePublisher;
import dev.gantry.operator.control.CaRotationPolicy;
import dev.gantry.operator.control.ControlChannelOptions;
import dev.gantry.operator.testing.MockCluster;
import dev.gantry.proxy.GantryProxy;
import dev.gantry.proxy.ProxySettings;
import dev.gantry.proxy.control.Backoff;
import dev.gantry.proxy.control.ControlChannelCredentials;
import dev.gantry.proxy.control.SnapshotClient;
import dev.gantry.proxy.control.SnapshotFile;
import dev.gantry.proxy.echo.EchoServer;
import dev.gantry.proxy.testing.LeakGuard;
import dev.gantry.stream.ControlChannelAuth;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole control loop on loopback: YAML applied to the mock API server → the operator with the
 * real translator → the secured snapshot stream (the operator's own CA, TLS, a TokenReviewed fleet
 * token) → a real {@link GantryProxy} (listener port 80 mapped to an ephemeral one) → HTTP answered
 * by the right real {@link EchoServer}. A Netty leak anywhere in the proxy or the echo servers
 * fails the class ({@link LeakGuard}, level paranoid).
 */
@Timeout(180)
@ExtendWith(LeakGuard.class)
class LoopbackIT {

  static final String GW = "infra/gw";
  static final Duration WAIT = Duration.ofSeconds(30);

  final List<AutoCloseable> closeables = new ArrayList<>();
  final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(2))
          .version(HttpClient.Version.HTTP_1_1)
          .build();
  MockCluster cluster;
  Path caBundle;
  Path token;

  @AfterEach
  void tearDown() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      try {
        closeables.get(i).close();
      } catch (RuntimeException alreadyClosed) {
        // a test stopped it on purpose; closing twice is not what is being tested
      }
    }
    if (cluster != null) {
      cluster.close();
    }
    http.close();
  }

  static final String GATEWAY =
      """
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata:
        name: gw
        namespace: infra
      spec:
        gatewayClassName: gantry
        listeners:
        - name: http
          port: 80
          protocol: HTTP
      """;

  static String service(String name) {
    return """
        apiVersion: v1
        kind: Service
        metadata:
          name: %s
          namespace: infra
        spec:
          ports:
          - name: http
            port: 80
            targetPort: http
        """
        .formatted(name);
  }

  /** One slice of {@code service} with 127.0.0.1 on {@code port}: a real echo server. */
  static String slice(String service, int port) {
    return """
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: %s-1
          namespace: infra
          labels:
            kubernetes.io/service-name: %s
        addressType: IPv4
        ports:
        - name: http
          port: %d
          protocol: TCP
        endpoints:
        - addresses: ["127.0.0.1"]
          conditions:
            ready: true
        """
        .formatted(service, service, port);
  }

  static String route(String backend) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: web
          namespace: infra
        spec:
          parentRefs:
          - name: gw
          rules:
          - matches:
            - path:
                type: PathPrefix
                value: /app
            backendRefs:
            - name: %s
              port: 80
        """
        .formatted(backend);
  }

  EchoServer echo(String name) {
    EchoServer e = EchoServer.start("127.0.0.1", 0, name);
    closeables.add(e);
    return e;
  }

  GantryOperator startOperator(int grpcPort) {
    GantryOperator op =
        GantryOperator.start(
            cluster.newClient(),
            new GantryOperator.Options(
                    new InetSocketAddress("127.0.0.1", grpcPort),
                    "gantry-operator.gantry-system.svc:18000",
                    "gantry:test",
                    null,
                    "op-loopback",
                    Duration.ofSeconds(2),
                    Duration.ofMillis(50))
                // Secured as in a cluster: the CA Secret in the operator's namespace, TLS, tokens
                // checked by TokenReview. The pod IP SAN is loopback, which the proxies dial.
                .withControl(
                    ControlChannelOptions.secured(
                        "gantry-system", "gantry-ca", CaRotationPolicy.DEFAULT, "127.0.0.1")));
    closeables.add(op);
    return op;
  }

  /**
   * The fleet pod's two credentials: the CA bundle the operator published in the Gateway's
   * namespace (as the kubelet would mount it) and a projected token of the fleet's ServiceAccount.
   */
  void mountControlCredentials(Path dir) throws IOException {
    await()
        .atMost(WAIT)
        .until(
            () ->
                cluster
                        .client()
                        .configMaps()
                        .inNamespace("infra")
                        .withName(CaBundlePublisher.CONFIG_MAP)
                        .get()
                    != null);
    caBundle = dir.resolve("control-ca/ca.crt");
    Files.createDirectories(caBundle.getParent());
    Files.writeString(
        caBundle,
        cluster
            .client()
            .configMaps()
            .inNamespace("infra")
            .withName(CaBundlePublisher.CONFIG_MAP)
            .get()
            .getData()
            .get(CaBundlePublisher.KEY));
    token = dir.resolve("token");
    Files.writeString(token, "fleet-token-of-infra-gw");
  }

  record Proxy(GantryProxy proxy, SnapshotClient client) implements AutoCloseable {
    int port() {
      return proxy.boundPort(80);
    }

    @Override
    public void close() {
      client.close();
      proxy.close();
    }
  }

  /** A proxy as {@code gantry proxy} runs it, but in this JVM with ephemeral listener ports. */
  Proxy startProxy(String node, int operatorPort, Path snapshotFile) {
    GantryProxy proxy = GantryProxy.start(new ProxySettings("127.0.0.1", p -> 0, 1, null, GW));
    SnapshotClient client =
        new SnapshotClient(
            "127.0.0.1:" + operatorPort,
            GW,
            node,
            proxy::apply,
            new SnapshotFile(snapshotFile),
            new Backoff(Duration.ofMillis(20), Duration.ofMillis(200)),
            ControlChannelCredentials.tls(caBundle, token, Duration.ofMillis(100)));
    Proxy p = new Proxy(proxy, client);
    closeables.add(p);
    client.start();
    return p;
  }

  /** The echo server that answered GET /app through the proxy, or the status if none did. */
  String answer(Proxy p) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.port() + "/app/x"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        return "status " + r.statusCode();
      }
      return new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(r.body())
          .get("name")
          .asText();
    } catch (IOException e) {
      return "error " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static String get(int port, String path) throws Exception {
    try (HttpClient c = HttpClient.newHttpClient()) {
      HttpResponse<String> r =
          c.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() + " " + r.body();
    }
  }

  Condition programmed() {
    Gateway g = cluster.client().resources(Gateway.class).inNamespace("infra").withName("gw").get();
    if (g == null || g.getStatus() == null || g.getStatus().getConditions() == null) {
      return null;
    }
    return g.getStatus().getConditions().stream()
        .filter(c -> "Programmed".equals(c.getType()))
        .findFirst()
        .orElse(null);
  }

  @Test
  void yamlToOperatorToProxyToTheRightBackend(@TempDir Path dir) throws Exception {
    cluster = new MockCluster();
    cluster.answerTokenReviews(
        Map.of(
            "fleet-token-of-infra-gw",
            new MockCluster.IssuedToken(
                "system:serviceaccount:infra:gantry-gw",
                List.of(ControlChannelAuth.TOKEN_AUDIENCE))));
    EchoServer a = echo("a");
    EchoServer b = echo("b");
    EchoServer c = echo("c");
    var k8s = cluster.client();
    apply(k8s, NAMESPACE);
    apply(k8s, GATEWAY_CLASS);
    apply(k8s, GATEWAY);
    apply(k8s, service("svc-a"));
    apply(k8s, service("svc-b"));
    apply(k8s, slice("svc-a", a.port()));
    apply(k8s, slice("svc-b", b.port()));
    apply(k8s, route("svc-a"));

    GantryOperator op = startOperator(0);
    int grpcPort = op.grpcPort();
    OperatorEndpoints endpoints =
        OperatorEndpoints.start(
            new InetSocketAddress("127.0.0.1", 0),
            new InetSocketAddress("127.0.0.1", 0),
            op::isReady,
            op::isLive,
            op.metrics());
    closeables.add(endpoints);
    assertThat(get(endpoints.healthPort(), "/ready")).isEqualTo("200 ok\n");
    assertThat(get(endpoints.healthPort(), "/live")).isEqualTo("200 ok\n");

    mountControlCredentials(dir);
    Path snapshotFile = dir.resolve("p1/snapshot.json");
    Proxy p1 = startProxy("proxy-1", grpcPort, snapshotFile);

    // 1. The route reaches the proxy and the request reaches backend a.
    await().atMost(WAIT).until(() -> p1.client().isReady());
    await().atMost(WAIT).until(() -> answer(p1).equals("a"));
    assertThat(a.requestCount()).isPositive();

    // Status: the leader (no election here) reports the ACK count of the current routing.
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Condition programmed = programmed();
              assertThat(programmed).isNotNull();
              assertThat(programmed.getStatus()).isEqualTo("True");
              assertThat(programmed.getMessage()).startsWith("1 of 1 proxies");
            });

    // 2. An HTTPRoute edit reaches the proxy: traffic now goes to b.
    apply(k8s, route("svc-b"));
    await().atMost(WAIT).until(() -> answer(p1).equals("b"));

    // 3. An EndpointSlice change (fast path, no re-translation) moves traffic to c.
    var before = p1.client().appliedVersions();
    apply(k8s, slice("svc-b", c.port()));
    await().atMost(WAIT).until(() -> answer(p1).equals("c"));
    var after = p1.client().appliedVersions();
    assertThat(after.routing()).isEqualTo(before.routing());
    assertThat(after.endpoints()).isNotEqualTo(before.endpoints());
    await().atMost(WAIT).until(() -> Files.exists(snapshotFile));
    await()
        .atMost(WAIT)
        .until(() -> Files.readString(snapshotFile).contains("\"port\":" + c.port()));

    // The operator's metrics saw all of it.
    String metrics = get(endpoints.metricsPort(), "/metrics");
    assertThat(metrics)
        .startsWith("200 ")
        .contains("gantry_operator_connected_proxies 1.0")
        .contains("gantry_operator_reconcile_seconds_count")
        .containsPattern("gantry_operator_snapshot_pushes_total [1-9]")
        .containsPattern("gantry_operator_status_writes_total [1-9]");

    // 4. Stopping the operator leaves the proxy serving what it has.
    endpoints.close();
    op.close();
    assertThat(answer(p1)).isEqualTo("c");

    // 5. A new proxy started from the persisted snapshot serves before the operator is back.
    Path copy = dir.resolve("p2/snapshot.json");
    Files.createDirectories(copy.getParent());
    Files.copy(snapshotFile, copy);
    Proxy p2 = startProxy("proxy-2", grpcPort, copy);
    assertThat(answer(p2)).isEqualTo("c");
    assertThat(answer(p1)).isEqualTo("c");

    // 6. The operator returns on the same address; both proxies reconnect and get edits again.
    GantryOperator again = startOperator(grpcPort);
    await().atMost(WAIT).until(() -> again.acks().connectedProxies() == 2);
    apply(k8s, route("svc-a"));
    await().atMost(WAIT).until(() -> answer(p1).equals("a") && answer(p2).equals("a"));
  }
}
