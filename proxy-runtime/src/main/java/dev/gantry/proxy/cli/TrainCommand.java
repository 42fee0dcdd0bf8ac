package dev.gantry.proxy.cli;

import dev.gantry.proxy.echo.EchoServer;
import dev.gantry.proxy.standalone.ResourceDirectory;
import dev.gantry.proxy.standalone.StandaloneServer;
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
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A short, self-contained run of the standalone path — translate a folder, start a proxy, forward
 * requests through two route rules and filters to an echo backend, scrape the metrics — that then
 * exits. {@code bin/gantry aot-cache} records the classes this touches into a JDK AOT cache (JEP
 * 483/514), which is what makes later starts load and link them from a mapped archive instead of
 * from the jar (start-to-ready about halved; see docs/performance.md). Everything binds to
 * ephemeral loopback ports, so it can run next to a live proxy and in an image build.
 */
@Command(
    name = "train",
    hidden = true,
    mixinStandardHelpOptions = true,
    description = "Run a short built-in workload on loopback and exit (for bin/gantry aot-cache).")
final class TrainCommand implements Callable<Integer> {

  @Option(
      names = "--requests",
      defaultValue = "2000",
      description = "Requests to send through the proxy (default: ${DEFAULT-VALUE}).")
  int requests;

  @Override
  public Integer call() throws Exception {
    long started = System.nanoTime();
    Path dir = Files.createTempDirectory("gantry-train");
    Clock clock = Clock.systemUTC();
    try (EchoServer echo = EchoServer.start("127.0.0.1", 0, "train")) {
      Files.writeString(dir.resolve("train.yaml"), resources(echo.port()));
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      try (StandaloneServer server =
          new StandaloneServer(
              new ResourceDirectory(dir, clock), "127.0.0.1", port -> 0, registry, clock)) {
        server.start(50);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!server.ready()) {
          if (System.nanoTime() > deadline) {
            System.err.println("train: the proxy did not become ready within 30 s");
            return 1;
          }
          Thread.sleep(10);
        }
        int port = server.proxy("default/train").boundPort(8080);
        int failed = send(port);
        registry.scrape();
        server.configJson();
        System.err.printf(
            "train: %d requests (%d failed) in %d ms%n",
            requests, failed, (System.nanoTime() - started) / 1_000_000);
        return failed == 0 ? 0 : 1;
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private int send(int port) throws Exception {
    int failed = 0;
    try (HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build()) {
      for (int i = 0; i < requests; i++) {
        HttpRequest.Builder b =
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + (i % 2 == 0 ? "/v2/items/" : "/") + i))
                .timeout(Duration.ofSeconds(5))
                .header("x-request-id", "train-" + i);
        if (i % 3 == 0) {
          b.POST(HttpRequest.BodyPublishers.ofString("{\"n\":" + i + "}"));
        }
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
          failed++;
        }
      }
    }
    return failed;
  }

  /**
   * A Gateway, a route with a prefix rule and a filtered default rule, and one loopback backend.
   */
  private static String resources(int echoPort) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GatewayClass
        metadata: {name: gantry}
        spec: {controllerName: gantry.dev/gateway-controller}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: train, namespace: default}
        spec:
          gatewayClassName: gantry
          listeners:
          - {name: http, protocol: HTTP, port: 8080}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: train, namespace: default}
        spec:
          parentRefs: [{name: train}]
          rules:
          - matches: [{path: {type: PathPrefix, value: /v2}}]
            filters:
            - type: URLRewrite
              urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /}}
            backendRefs: [{name: echo, port: 80}]
          - filters:
            - type: ResponseHeaderModifier
              responseHeaderModifier: {add: [{name: x-served-by, value: gantry}]}
            backendRefs: [{name: echo, port: 80}]
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
          name: echo-local
          namespace: default
          labels: {kubernetes.io/service-name: echo}
        addressType: IPv4
        ports: [{name: http, port: %1$d, protocol: TCP}]
        endpoints:
        - addresses: ["127.0.0.1"]
          conditions: {ready: true}
        """
        .formatted(echoPort);
  }
}
