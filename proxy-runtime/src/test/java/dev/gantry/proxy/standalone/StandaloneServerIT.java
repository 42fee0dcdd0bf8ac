package dev.gantry.proxy.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.proxy.echo.EchoServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Standalone mode end to end: a folder of YAML, real echo backends, a real proxy on an ephemeral
 * port, and edits to the folder while it serves.
 */
class StandaloneServerIT {

  @TempDir Path dir;

  EchoServer v1;
  EchoServer v2;
  StandaloneServer server;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @BeforeEach
  void setUp() throws Exception {
    v1 = EchoServer.start("127.0.0.1", 0, "echo-v1");
    v2 = EchoServer.start("127.0.0.1", 0, "echo-v2");
    Files.writeString(dir.resolve("gateway.yaml"), GATEWAY);
    Files.createDirectories(dir.resolve("backends"));
    Files.writeString(dir.resolve("backends/echo.yaml"), backends(v1.port(), v2.port()));
    Files.writeString(dir.resolve("route.yaml"), route("echo-v1"));
    server =
        new StandaloneServer(
            new ResourceDirectory(dir, Clock.systemUTC()),
            "127.0.0.1",
            port -> 0,
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            Clock.systemUTC());
    server.start(100);
  }

  @AfterEach
  void tearDown() {
    server.close();
    v1.close();
    v2.close();
  }

  @Test
  void servesTheFolderAndHotReloadsEdits() throws Exception {
    assertThat(server.ready()).isTrue();
    assertThat(get("/hello").body()).contains("\"name\":\"echo-v1\"").contains("/hello");

    Files.writeString(dir.resolve("route.yaml"), route("echo-v2"));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(get("/").body()).contains("echo-v2"));
    assertThat(server.reloads()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void aBrokenEditLeavesTheRunningConfigUntouched() throws Exception {
    String version = server.applied().get("default/gw").version();
    long failures = server.failedReloads();

    Files.writeString(
        dir.resolve("route.yaml"),
        "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\n  bad: [");
    await().atMost(Duration.ofSeconds(10)).until(() -> server.failedReloads() > failures);
    assertThat(server.applied().get("default/gw").version()).isEqualTo(version);
    assertThat(get("/still-here").body()).contains("echo-v1");

    Files.writeString(
        dir.resolve("route.yaml"), route("echo-v1").replace("backendRefs:", "backendRefz:"));
    await().atMost(Duration.ofSeconds(10)).until(() -> server.failedReloads() > failures + 1);
    assertThat(get("/still-here").body()).contains("echo-v1");
  }

  @Test
  void removingTheGatewayStopsItsListeners() throws Exception {
    int port = server.proxy("default/gw").boundPort(8080);
    Files.delete(dir.resolve("gateway.yaml"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> server.applied().isEmpty() && server.proxy("default/gw") == null);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              try (var s = new java.net.Socket("127.0.0.1", port)) {
                return false;
              } catch (java.io.IOException refused) {
                return true;
              }
            });
  }

  HttpResponse<String> get(String path) throws Exception {
    int port = server.proxy("default/gw").boundPort(8080);
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static final String GATEWAY =
      """
      apiVersion: gateway.networking.k8s.io/v1
      kind: GatewayClass
      metadata: {name: gantry}
      spec: {controllerName: gantry.dev/gateway-controller}
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata: {name: gw, namespace: default}
      spec:
        gatewayClassName: gantry
        listeners:
        - {name: http, protocol: HTTP, port: 8080}
      """;

  static String route(String backend) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: r, namespace: default}
        spec:
          parentRefs: [{name: gw}]
          rules:
          - backendRefs:
            - {name: %s, port: 80}
        """
        .formatted(backend);
  }

  static String backends(int p1, int p2) {
    StringBuilder sb = new StringBuilder();
    String[][] services = {{"echo-v1", String.valueOf(p1)}, {"echo-v2", String.valueOf(p2)}};
    for (String[] s : services) {
      sb.append(
          """
          ---
          apiVersion: v1
          kind: Service
          metadata: {name: %1$s, namespace: default}
          spec:
            ports: [{name: http, port: 80, targetPort: %2$s}]
          ---
          apiVersion: discovery.k8s.io/v1
          kind: EndpointSlice
          metadata:
            name: %1$s-a
            namespace: default
            labels: {kubernetes.io/service-name: %1$s}
          addressType: IPv4
          ports: [{name: http, port: %2$s}]
          endpoints:
          - addresses: [127.0.0.1]
            conditions: {ready: true}
          """
              .formatted(s[0], s[1]));
    }
    return sb.toString();
  }
}
