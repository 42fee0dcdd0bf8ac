package dev.gantry.proxy;

import static dev.gantry.proxy.testing.ProxyFixture.backend;
import static dev.gantry.proxy.testing.ProxyFixture.json;
import static dev.gantry.proxy.testing.Snap.backend;
import static dev.gantry.proxy.testing.Snap.forward;
import static dev.gantry.proxy.testing.Snap.invalidBackend;
import static dev.gantry.proxy.testing.Snap.prefix;
import static dev.gantry.proxy.testing.Snap.rule;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.model.routing.AppProtocol;
import dev.gantry.model.routing.RetryPolicy;
import dev.gantry.model.routing.Rule;
import dev.gantry.model.routing.Timeouts;
import dev.gantry.proxy.testing.LeakGuard;
import dev.gantry.proxy.testing.ProxyFixture;
import dev.gantry.proxy.testing.RawHttp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Backend selection and upstream behaviour: weights, invalid shares (500), no endpoints (503),
 * timeouts (504), retries (C20), h2c both sides and WebSocket pass-through.
 */
@ExtendWith(LeakGuard.class)
class BackendsIT {
  static ProxyFixture f;

  @BeforeAll
  static void start() {
    f = new ProxyFixture();
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  private static Map<String, Integer> tally(int n, String path) throws IOException {
    Map<String, Integer> counts = new HashMap<>();
    try (RawHttp c = new RawHttp(f.port(80))) {
      for (int i = 0; i < n; i++) {
        RawHttp.Response r = c.get("x", path);
        String key = r.status() == 200 ? backend(r) : Integer.toString(r.status());
        counts.merge(key, 1, Integer::sum);
      }
    }
    return counts;
  }

  @Test
  void weightsAreWithinTwoPercentagePointsOverTenThousandRequests() throws IOException {
    f.apply(
        f.snap()
            .listener("http", 80, null)
            .route(
                "http",
                "*",
                prefix("/"),
                rule(
                    "w",
                    List.of(),
                    List.of(backend("v1", 70), backend("v2", 30), backend("v3", 0)))));
    Map<String, Integer> counts = tally(10_000, "/");
    assertThat(counts.getOrDefault("v3", 0)).isZero();
    assertThat(counts.get("v1") / 10_000.0).isBetween(0.68, 0.72);
    assertThat(counts.get("v2") / 10_000.0).isBetween(0.28, 0.32);
  }

  @Test
  void invalidBackendShareGets500AndDirectResponseAnswers() throws IOException {
    f.apply(
        f.snap()
            .listener("http", 80, null)
            .route(
                "http",
                "*",
                prefix("/half"),
                rule("half", List.of(), List.of(backend("v1", 1), invalidBackend(1))))
            .route(
                "http", "*", prefix("/none"), rule("none", List.of(), List.of(), 500, null, null)));
    Map<String, Integer> counts = tally(1000, "/half");
    assertThat(counts.get("500") / 1000.0).isBetween(0.48, 0.52);
    assertThat(counts.get("v1") / 1000.0).isBetween(0.48, 0.52);
    long before = f.v1.requestCount();
    assertThat(f.get(80, "x", "/none").status()).isEqualTo(500);
    assertThat(f.v1.requestCount()).isEqualTo(before);
  }

  @Test
  void clusterWithoutReadyEndpointsGets503() {
    f.apply(
        f.snap()
            .cluster("empty")
            .listener("http", 80, null)
            .route("http", "*", prefix("/"), forward("e", "empty")));
    assertThat(f.get(80, "x", "/").status()).isEqualTo(503);
  }

  @Test
  void unreachableEndpointGets503() {
    f.apply(
        f.snap()
            .cluster("refused", 1)
            .listener("http", 80, null)
            .route("http", "*", prefix("/"), forward("e", "refused")));
    assertThat(f.get(80, "x", "/").status()).isEqualTo(503);
  }

  @Test
  void c19RequestAndBackendTimeoutsGive504AndZeroDisables() {
    f.apply(
        f.snap()
            .listener("http", 80, null)
            .route("http", "*", prefix("/request-timeout"), timed("rt", 500L, null))
            .route("http", "*", prefix("/backend-timeout"), timed("bt", null, 500L))
            .route("http", "*", prefix("/disabled"), timed("off", 0L, 0L)));
    assertThat(f.get(80, "x", "/request-timeout").status()).isEqualTo(200);
    assertThat(f.get(80, "x", "/request-timeout?delay=1s").status()).isEqualTo(504);
    assertThat(f.get(80, "x", "/backend-timeout?delay=1s").status()).isEqualTo(504);
    assertThat(f.get(80, "x", "/disabled?delay=1s").status()).isEqualTo(200);
  }

  private static Rule timed(String name, Long request, Long backendMs) {
    return rule(
        name, List.of(), List.of(backend("v1", 1)), null, new Timeouts(request, backendMs), null);
  }

  private static Rule retrying(String name, List<Integer> codes, int attempts, Timeouts t) {
    return rule(
        name,
        List.of(),
        List.of(backend("v3", 1)),
        null,
        t,
        new RetryPolicy(codes, attempts, null));
  }

  private static int retry(String path, String params) {
    return f.get(80, "x", path + "?uuid=" + UUID.randomUUID() + "&" + params).status();
  }

  @Test
  void c20RetriesOnListedCodesConnectionErrorsAndTimeouts() {
    f.apply(
        f.snap()
            .listener("http", 80, null)
            .route("http", "*", prefix("/code-500"), retrying("c500", List.of(500), 3, null))
            .route(
                "http",
                "*",
                prefix("/code-all"),
                retrying("call", List.of(500, 502, 503, 504), 2, null))
            .route(
                "http",
                "*",
                prefix("/backend-timeout"),
                retrying("bt", List.of(), 2, new Timeouts(null, 200L)))
            .route(
                "http",
                "*",
                prefix("/request-timeout"),
                retrying("rt", List.of(500), 5, new Timeouts(400L, 200L)))
            .route("http", "*", prefix("/conn"), retrying("conn", List.of(), 3, null)));
    assertThat(retry("/code-500", "succeedAfter=2&responseCode=500")).isEqualTo(200);
    assertThat(retry("/code-500", "succeedAfter=4&responseCode=500")).isEqualTo(500);
    assertThat(retry("/code-500", "succeedAfter=2&responseCode=503")).isEqualTo(503);
    for (int code : List.of(500, 502, 503, 504)) {
      assertThat(retry("/code-all", "succeedAfter=1&responseCode=" + code)).isEqualTo(200);
      assertThat(retry("/code-all", "succeedAfter=3&responseCode=" + code)).isEqualTo(code);
    }
    assertThat(retry("/backend-timeout", "succeedAfter=2&failDelay=300ms")).isEqualTo(200);
    assertThat(retry("/backend-timeout", "succeedAfter=3&failDelay=300ms")).isEqualTo(504);
    assertThat(retry("/request-timeout", "succeedAfter=1&responseCode=500")).isEqualTo(200);
    assertThat(retry("/request-timeout", "succeedAfter=4&responseCode=500&failDelay=100ms"))
        .isEqualTo(504);
    assertThat(retry("/conn", "succeedAfter=2&responseCode=reset")).isEqualTo(200);
    assertThat(retry("/conn", "succeedAfter=4&responseCode=reset")).isIn(500, 503);
  }

  @Test
  void retriedPostReplaysTheBody() {
    f.apply(
        f.snap()
            .listener("http", 80, null)
            .route("http", "*", prefix("/"), retrying("p", List.of(500), 2, null)));
    RawHttp.Response r =
        f.exchange(
            80,
            "POST",
            "x",
            "/?uuid=" + UUID.randomUUID() + "&succeedAfter=1&responseCode=500",
            "replay-me");
    assertThat(r.status()).isEqualTo(200);
    assertThat(json(r).path("bodyLength").asInt()).isEqualTo(9);
  }

  @Test
  void h2cUpstreamClusterAndHttp2Downstream() throws Exception {
    f.apply(
        f.snap()
            .cluster("h2", AppProtocol.H2C, f.v1.port())
            .listener("http", 80, null)
            .route("http", "*", prefix("/h2"), forward("h2", "h2"))
            .route("http", "*", prefix("/"), forward("h1", "v2")));
    RawHttp.Response r = f.get(80, "x", "/h2?q=1");
    assertThat(json(r).path("protocol").asText()).isEqualTo("HTTP/2.0");
    assertThat(json(r).path("path").asText()).isEqualTo("/h2?q=1");
    // HTTP/2 downstream via h2c upgrade (java.net.http), several streams on one connection.
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
    try {
      for (int i = 0; i < 5; i++) {
        HttpResponse<String> res =
            client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + f.port(80) + "/x?i=" + i))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(ProxyFixture.json(res.body()).path("name").asText()).isEqualTo("v2");
        if (i > 0) {
          assertThat(res.version()).isEqualTo(HttpClient.Version.HTTP_2);
        }
      }
      HttpResponse<String> both =
          client.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + f.port(80) + "/h2/both"))
                  .POST(HttpRequest.BodyPublishers.ofString("abc"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(ProxyFixture.json(both.body()).path("protocol").asText()).isEqualTo("HTTP/2.0");
      assertThat(ProxyFixture.json(both.body()).path("bodyLength").asInt()).isEqualTo(3);
    } finally {
      client.close();
    }
  }

  @Test
  void h2cPriorKnowledgeDownstream() throws Exception {
    f.apply(
        f.snap().listener("http", 80, null).route("http", "*", prefix("/"), forward("r", "v1")));
    try (H2cPriorKnowledgeClient c = new H2cPriorKnowledgeClient(f.port(80))) {
      for (int i = 0; i < 3; i++) {
        H2cPriorKnowledgeClient.Result r = c.get("/pk?i=" + i, "example.com");
        assertThat(r.status()).isEqualTo(200);
        assertThat(ProxyFixture.json(r.body()).path("path").asText()).isEqualTo("/pk?i=" + i);
        assertThat(ProxyFixture.json(r.body()).path("host").asText()).isEqualTo("example.com");
      }
    }
  }

  @Test
  void webSocketUpgradeIsSplicedToWsClusters() throws Exception {
    f.apply(
        f.snap()
            .cluster("ws", AppProtocol.WS, f.v1.port())
            .listener("http", 80, null)
            .route("http", "*", prefix("/ws"), forward("ws", "ws")));
    LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
    HttpClient client = HttpClient.newHttpClient();
    try {
      WebSocket ws =
          client
              .newWebSocketBuilder()
              .buildAsync(
                  URI.create("ws://127.0.0.1:" + f.port(80) + "/ws"),
                  new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                      got.add("text:" + data);
                      w.request(1);
                      return null;
                    }

                    @Override
                    public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
                      got.add("binary:" + data.remaining());
                      w.request(1);
                      return null;
                    }
                  })
              .get(10, TimeUnit.SECONDS);
      ws.sendText("hello", true).get(5, TimeUnit.SECONDS);
      assertThat(got.poll(5, TimeUnit.SECONDS)).isEqualTo("text:hello");
      ws.sendBinary(ByteBuffer.wrap(new byte[1000]), true).get(5, TimeUnit.SECONDS);
      assertThat(got.poll(5, TimeUnit.SECONDS)).isEqualTo("binary:1000");
      CompletableFuture<WebSocket> closed = ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
      closed.get(5, TimeUnit.SECONDS);
    } finally {
      client.close();
    }
  }
}
