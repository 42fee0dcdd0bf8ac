package dev.gantry.operator;

import static dev.gantry.operator.testing.Manifests.GATEWAY_CLASS;
import static dev.gantry.operator.testing.Manifests.NAMESPACE;
import static dev.gantry.operator.testing.Manifests.apply;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.api.v1alpha1.RateLimitPolicy;
import dev.gantry.model.GatewaySnapshot;
import dev.gantry.operator.testing.MockCluster;
import dev.gantry.proxy.GantryProxy;
import dev.gantry.proxy.ProxySettings;
import dev.gantry.proxy.control.Backoff;
import dev.gantry.proxy.control.SnapshotClient;
import dev.gantry.proxy.control.SnapshotSink;
import dev.gantry.proxy.echo.EchoServer;
import dev.gantry.proxy.testing.LeakGuard;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyAncestorStatus;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A Gateway-level and a route-level RateLimitPolicy at once, through the whole loop: YAML on the
 * mock API server (CRUD mode) → the operator → the snapshot stream → a real {@link GantryProxy} → a
 * real echo server. A request must pass both limits, and each policy gets its own status entry
 * (Accepted, then Enforced once the proxy ACKed).
 */
@Timeout(120)
@ExtendWith(LeakGuard.class)
class StackedRateLimitPoliciesIT {

  static final String GW = "infra/gw";
  static final Duration WAIT = Duration.ofSeconds(30);

  final List<AutoCloseable> closeables = new ArrayList<>();
  final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(2))
          .version(HttpClient.Version.HTTP_1_1)
          .build();
  MockCluster cluster;

  @AfterEach
  void tearDown() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
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

  static final String SERVICE =
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: echo
        namespace: infra
      spec:
        ports:
        - name: http
          port: 80
          targetPort: http
      """;

  static String slice(int port) {
    return """
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: echo-1
          namespace: infra
          labels:
            kubernetes.io/service-name: echo
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
        .formatted(port);
  }

  static String route(String name, String prefix) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: %s
          namespace: infra
        spec:
          parentRefs:
          - name: gw
          rules:
          - matches:
            - path:
                type: PathPrefix
                value: %s
            backendRefs:
            - name: echo
              port: 80
        """
        .formatted(name, prefix);
  }

  static String policy(String name, String kind, String target, String limit, int requests) {
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
          - name: %s
            rates: [{requests: %d, per: 1m}]
        """
        .formatted(name, kind, target, limit, requests);
  }

  HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  Condition condition(String policy, String type) {
    RateLimitPolicy p =
        cluster
            .client()
            .resources(RateLimitPolicy.class)
            .inNamespace("infra")
            .withName(policy)
            .get();
    if (p == null || p.getStatus() == null || p.getStatus().getAncestors() == null) {
      return null;
    }
    return p.getStatus().getAncestors().stream()
        .filter(a -> "gantry.dev/gateway-controller".equals(a.getControllerName()))
        .filter(a -> "Gateway".equals(a.getAncestorRef().getKind()))
        .filter(a -> "gw".equals(a.getAncestorRef().getName()))
        .map(PolicyAncestorStatus::getConditions)
        .filter(cs -> cs != null)
        .flatMap(List::stream)
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElse(null);
  }

  @Test
  void aRequestMustPassTheGatewayAndTheRouteLimitAndEachPolicyHasItsStatus() throws Exception {
    cluster = new MockCluster();
    EchoServer echo = EchoServer.start("127.0.0.1", 0, "echo");
    closeables.add(echo);
    var k8s = cluster.client();
    apply(k8s, NAMESPACE);
    apply(k8s, GATEWAY_CLASS);
    apply(k8s, GATEWAY);
    apply(k8s, SERVICE);
    apply(k8s, slice(echo.port()));
    apply(k8s, route("app", "/app"));
    apply(k8s, route("other", "/other"));
    apply(k8s, policy("gateway-wide", "Gateway", "gw", "gateway", 4));
    apply(k8s, policy("app-only", "HTTPRoute", "app", "app", 2));

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
                Duration.ofMillis(50)));
    closeables.add(op);
    GantryProxy proxy = GantryProxy.start(new ProxySettings("127.0.0.1", p -> 0, 1, null, GW));
    closeables.add(proxy);
    SnapshotClient client =
        new SnapshotClient(
            "127.0.0.1:" + op.grpcPort(),
            GW,
            "p1",
            new SnapshotSink() {
              @Override
              public void apply(GatewaySnapshot snapshot) throws Exception {
                proxy.apply(snapshot);
              }

              @Override
              public void readyReplicas(int replicas) {
                proxy.readyReplicas(replicas);
              }
            },
            null,
            new Backoff(Duration.ofMillis(20), Duration.ofMillis(200)));
    closeables.add(client);
    client.start();
    await().atMost(WAIT).until(client::isReady);
    int port = proxy.boundPort(80);

    // Both policies are Accepted and Enforced, each on its own status, before any request counts.
    for (String p : List.of("gateway-wide", "app-only")) {
      await()
          .atMost(WAIT)
          .until(
              () -> {
                Condition enforced = condition(p, "Enforced");
                return enforced != null && "True".equals(enforced.getStatus());
              });
      Condition accepted = condition(p, "Accepted");
      assertThat(accepted.getStatus()).as(p).isEqualTo("True");
      assertThat(accepted.getReason()).as(p).isEqualTo("Accepted");
    }

    // /app passes both: 2 allowed by the route limit (the Gateway limit counted them too).
    assertThat(get(port, "/app/1").statusCode()).isEqualTo(200);
    assertThat(get(port, "/app/2").statusCode()).isEqualTo(200);
    HttpResponse<String> routeLimited = get(port, "/app/3");
    assertThat(routeLimited.statusCode()).isEqualTo(429);
    assertThat(routeLimited.headers().firstValue("ratelimit-policy")).hasValue("\"app\";q=2;w=60");
    // /other has only the Gateway limit: 4 in total, of which /app took 3 (the refused one too).
    assertThat(get(port, "/other").statusCode()).isEqualTo(200);
    HttpResponse<String> gatewayLimited = get(port, "/other");
    assertThat(gatewayLimited.statusCode()).isEqualTo(429);
    assertThat(gatewayLimited.headers().firstValue("ratelimit-policy"))
        .hasValue("\"gateway\";q=4;w=60");
    assertThat(echo.requestCount()).isEqualTo(3);
  }
}
