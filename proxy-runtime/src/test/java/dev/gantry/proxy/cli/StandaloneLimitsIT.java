package dev.gantry.proxy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.proxy.echo.EchoServer;
import dev.gantry.proxy.standalone.ResourceDirectory;
import dev.gantry.proxy.standalone.StandaloneServer;
import dev.gantry.proxy.testing.LeakGuard;
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
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gantry standalone DIR --max-request-body 1Ki --max-request-headers 5}: the flags, parsed
 * by the real command line, limit a real proxy in front of a real echo backend, and what they
 * reject never reaches the backend.
 */
@ExtendWith(LeakGuard.class)
class StandaloneLimitsIT {

  static final String FOLDER =
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
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: {name: r, namespace: default}
      spec:
        parentRefs: [{name: gw}]
        rules:
        - backendRefs: [{name: echo, port: 80}]
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: echo, namespace: default}
      spec:
        ports: [{name: http, port: 80, targetPort: %1$d}]
      ---
      apiVersion: discovery.k8s.io/v1
      kind: EndpointSlice
      metadata:
        name: echo-a
        namespace: default
        labels: {kubernetes.io/service-name: echo}
      addressType: IPv4
      ports: [{name: http, port: %1$d}]
      endpoints:
      - addresses: [127.0.0.1]
        conditions: {ready: true}
      """;

  @TempDir Path dir;

  EchoServer echo;
  StandaloneServer server;
  final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  @BeforeEach
  void setUp() throws Exception {
    echo = EchoServer.start("127.0.0.1", 0, "echo");
    Files.writeString(dir.resolve("all.yaml"), FOLDER.formatted(echo.port()));
    StandaloneCommand cmd =
        HttpLimitOptionsTest.standalone("--max-request-body", "1Ki", "--max-request-headers", "5");
    server =
        new StandaloneServer(
            new ResourceDirectory(dir, Clock.systemUTC()),
            "127.0.0.1",
            port -> 0,
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            Clock.systemUTC());
    // What StandaloneCommand.call does with the flags.
    server.limits(cmd.httpLimits.limits());
    server.start(100);
  }

  @AfterEach
  void tearDown() {
    server.close();
    echo.close();
  }

  @Test
  void aBodyOverTheFlagsLimitGets413AndOneUnderItIsForwarded() throws Exception {
    assertThat(post(512).statusCode()).isEqualTo(200);
    long forwarded = echo.requestCount();

    assertThat(post(2048).statusCode()).isEqualTo(413);
    assertThat(post(1025).statusCode()).isEqualTo(413);
    assertThat(post(1024).statusCode()).isEqualTo(200);
    // The two 413s never reached the backend; the 1 KiB body did.
    assertThat(echo.requestCount()).isEqualTo(forwarded + 1);
  }

  @Test
  void moreHeadersThanTheFlagAllowsGets431() throws Exception {
    // The client sends Host, User-Agent and Content-Length itself, well under 5.
    assertThat(get(0).statusCode()).isEqualTo(200);
    long forwarded = echo.requestCount();

    assertThat(get(6).statusCode()).isEqualTo(431);
    assertThat(echo.requestCount()).isEqualTo(forwarded);
  }

  private HttpResponse<String> post(int bytes) throws Exception {
    return http.send(
        request().POST(HttpRequest.BodyPublishers.ofByteArray(new byte[bytes])).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(int extraHeaders) throws Exception {
    HttpRequest.Builder b = request().GET();
    for (int i = 0; i < extraHeaders; i++) {
      b.header("x-extra-" + i, "v");
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder request() {
    int port = server.proxy("default/gw").boundPort(8080);
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/limits"))
        .timeout(Duration.ofSeconds(5));
  }
}
