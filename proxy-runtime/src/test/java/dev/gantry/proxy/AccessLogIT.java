package dev.gantry.proxy;

import static dev.gantry.proxy.testing.Snap.forward;
import static dev.gantry.proxy.testing.Snap.prefix;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.proxy.echo.EchoServer;
import dev.gantry.proxy.observe.Observability;
import dev.gantry.proxy.observe.ObservabilitySettings;
import dev.gantry.proxy.observe.ObservabilitySettings.AccessLogFormat;
import dev.gantry.proxy.testing.LeakGuard;
import dev.gantry.proxy.testing.PrometheusText;
import dev.gantry.proxy.testing.ProxyFixture;
import dev.gantry.proxy.testing.RawHttp;
import dev.gantry.proxy.testing.Snap;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JSON access log of a real proxy: one parseable line per request with the right fields,
 * sampling of successful requests, server errors always logged.
 */
@ExtendWith(LeakGuard.class)
class AccessLogIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** Runs {@code traffic} against a proxy that logs with {@code sample}; returns the lines. */
  private List<JsonNode> run(double sample, Traffic traffic) throws Exception {
    Path file = dir.resolve("access-" + sample + ".log");
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    int deadPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      deadPort = s.getLocalPort();
    }
    Observability obs =
        Observability.create(
            new ObservabilitySettings(
                AccessLogFormat.JSON,
                sample,
                file,
                ObservabilitySettings.DEFAULT_QUEUE,
                null,
                1,
                null),
            registry);
    try (EchoServer v1 = EchoServer.start("127.0.0.1", 0, "v1");
        GantryProxy p =
            GantryProxy.start(new ProxySettings("127.0.0.1", c -> 0, 1, registry, "ns/gw"), obs)) {
      p.apply(
          new Snap()
              .cluster("v1", v1.port())
              .cluster("dead", deadPort)
              .listener("http", 80, null)
              .route("http", "*", prefix("/dead"), forward("dead", "dead"))
              .route("http", "*", prefix("/"), forward("ok", "v1"))
              .build());
      traffic.run(p.boundPort(80));
    } finally {
      // Drains the queue: every line is on disk after close.
      obs.close();
    }
    assertThat(PrometheusText.value(registry.scrape(), "gantry_access_log_dropped_total", Map.of()))
        .isEqualTo(0);
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      lines.add(JSON.readTree(line));
    }
    return lines;
  }

  interface Traffic {
    void run(int port) throws Exception;
  }

  @Test
  void everyRequestIsOneJsonLineWithItsRouteClusterSizesAndIds() throws Exception {
    List<JsonNode> lines =
        run(
            1.0,
            port -> {
              try (RawHttp c = new RawHttp(port)) {
                RawHttp.Response r =
                    c.exchange(
                        "POST",
                        "shop.example",
                        "/cart?item=1",
                        "hello",
                        "x-request-id: client-id-1",
                        "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
                assertThat(r.status()).isEqualTo(200);
                // The echo backend saw the client's request id.
                assertThat(ProxyFixture.json(r).path("headers").path("x-request-id").asText())
                    .isEqualTo("client-id-1");
                RawHttp.Response generated = c.get("shop.example", "/second");
                assertThat(generated.status()).isEqualTo(200);
              }
            });
    assertThat(lines).hasSize(2);
    JsonNode first = lines.get(0);
    assertThat(first.path("method").asText()).isEqualTo("POST");
    assertThat(first.path("authority").asText()).isEqualTo("shop.example");
    assertThat(first.path("path").asText()).isEqualTo("/cart");
    assertThat(first.path("protocol").asText()).isEqualTo("HTTP/1.1");
    assertThat(first.path("status").asInt()).isEqualTo(200);
    assertThat(first.path("gateway").asText()).isEqualTo("ns/gw");
    assertThat(first.path("route").asText()).isEqualTo("ok/match/1");
    assertThat(first.path("rule").asText()).isEqualTo("ok");
    assertThat(first.path("cluster").asText()).isEqualTo("v1");
    assertThat(first.path("upstream").asText()).startsWith("127.0.0.1:");
    assertThat(first.path("attempts").asInt()).isEqualTo(1);
    assertThat(first.path("bytes_in").asLong()).isEqualTo(5);
    assertThat(first.path("bytes_out").asLong()).isGreaterThan(0);
    assertThat(first.path("duration_ms").asDouble()).isGreaterThan(0);
    assertThat(first.path("upstream_duration_ms").asDouble())
        .isGreaterThan(0)
        .isLessThanOrEqualTo(first.path("duration_ms").asDouble());
    assertThat(first.path("request_id").asText()).isEqualTo("client-id-1");
    assertThat(first.path("trace_id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(first.path("span_id").asText()).hasSize(16).isNotEqualTo("00f067aa0ba902b7");
    assertThat(first.path("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");

    JsonNode second = lines.get(1);
    // No client id: the proxy generated one (a UUID), and a new trace.
    assertThat(second.path("request_id").asText()).matches("[0-9a-f-]{36}");
    assertThat(second.path("trace_id").asText())
        .hasSize(32)
        .isNotEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(second.path("bytes_in").asLong()).isZero();
  }

  @Test
  void sampledOutSuccessesAreNotLoggedButServerErrorsAlwaysAre() throws Exception {
    List<JsonNode> lines =
        run(
            0.0,
            port -> {
              try (RawHttp c = new RawHttp(port)) {
                for (int i = 0; i < 20; i++) {
                  assertThat(c.get("x", "/fine").status()).isEqualTo(200);
                }
              }
              try (RawHttp c = new RawHttp(port)) {
                assertThat(c.get("x", "/dead").status()).isEqualTo(503);
              }
            });
    assertThat(lines).hasSize(1);
    JsonNode error = lines.get(0);
    assertThat(error.path("status").asInt()).isEqualTo(503);
    assertThat(error.path("cluster").asText()).isEqualTo("dead");
    assertThat(error.path("upstream_duration_ms").isNull()).isTrue();
  }

  @Test
  void aSampleRatioLogsAboutThatShareOfSuccesses() throws Exception {
    int requests = 400;
    List<JsonNode> lines =
        run(
            0.25,
            port -> {
              try (RawHttp c = new RawHttp(port)) {
                for (int i = 0; i < requests; i++) {
                  assertThat(c.get("x", "/s").status()).isEqualTo(200);
                }
              }
            });
    // Binomial(400, 0.25): mean 100, standard deviation ~8.7; 50..150 is beyond 5 sigma.
    assertThat(lines.size()).isBetween(50, 150);
    assertThat(lines).allSatisfy(l -> assertThat(l.path("status").asInt()).isEqualTo(200));
  }
}
