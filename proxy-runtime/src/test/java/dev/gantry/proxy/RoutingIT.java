package dev.gantry.proxy;

import static dev.gantry.proxy.testing.ProxyFixture.backend;
import static dev.gantry.proxy.testing.ProxyFixture.json;
import static dev.gantry.proxy.testing.Snap.exact;
import static dev.gantry.proxy.testing.Snap.forward;
import static dev.gantry.proxy.testing.Snap.header;
import static dev.gantry.proxy.testing.Snap.match;
import static dev.gantry.proxy.testing.Snap.prefix;
import static dev.gantry.proxy.testing.Snap.query;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.model.routing.PathMatch;
import dev.gantry.model.routing.PathMatchType;
import dev.gantry.model.routing.RouteMatch;
import dev.gantry.model.routing.Rule;
import dev.gantry.proxy.testing.LeakGuard;
import dev.gantry.proxy.testing.ProxyFixture;
import dev.gantry.proxy.testing.RawHttp;
import dev.gantry.proxy.testing.Snap;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Listener and route selection against the conformance tables (C1–C10), plus forwarding basics. */
@ExtendWith(LeakGuard.class)
class RoutingIT {
  static ProxyFixture f;

  @BeforeAll
  static void start() {
    f = new ProxyFixture();
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  private static RouteMatch hdr(String path, String name, String value) {
    return match(
        new PathMatch(PathMatchType.PATH_PREFIX, path), List.of(header(name, value)), null, null);
  }

  @Test
  void c1MatchingPrecedenceWithinOneHost() {
    // The translator's precedence order: longest prefix, then header count, first rule on ties.
    Rule a = forward("rule/a", "v1");
    Rule b = forward("rule/b", "v2");
    f.apply(
        f.snap()
            .listener("http", 80, null)
            .route("http", "*", prefix("/v2"), b)
            .route("http", "*", hdr("/", "version", "two"), b)
            .route("http", "*", hdr("/", "version", "one"), a)
            .route("http", "*", prefix("/"), a));
    assertThat(backend(f.get(80, "x", "/"))).isEqualTo("v1");
    assertThat(backend(f.get(80, "x", "/example"))).isEqualTo("v1");
    assertThat(backend(f.get(80, "x", "/", "Version: one"))).isEqualTo("v1");
    assertThat(backend(f.get(80, "x", "/v2"))).isEqualTo("v2");
    assertThat(backend(f.get(80, "x", "/v2/example"))).isEqualTo("v2");
    assertThat(backend(f.get(80, "x", "/", "Version: two"))).isEqualTo("v2");
    assertThat(backend(f.get(80, "x", "/v2/"))).isEqualTo("v2");
    assertThat(backend(f.get(80, "x", "/v2example"))).isEqualTo("v1");
    assertThat(backend(f.get(80, "x", "/foo/v2/example"))).isEqualTo("v1");
  }

  @Test
  void c3ExactPathsAnd404() {
    f.apply(
        f.snap()
            .listener("http", 80, null)
            .route("http", "*", exact("/one"), forward("one", "v1"))
            .route("http", "*", exact("/two"), forward("two", "v2")));
    assertThat(backend(f.get(80, "x", "/one"))).isEqualTo("v1");
    assertThat(backend(f.get(80, "x", "/two"))).isEqualTo("v2");
    for (String p : List.of("/", "/one/example", "/two/", "/Two")) {
      assertThat(f.get(80, "x", p).status()).as(p).isEqualTo(404);
    }
  }

  @Test
  void c6QueryParamsAndC7Methods() {
    Rule q1 = forward("q1", "v1");
    Rule q3 = forward("q3", "v3");
    Rule m1 = forward("m1", "v1");
    f.apply(
        f.snap()
            .listener("http", 80, null)
            .route(
                "http",
                "*",
                match(PathMatch.ROOT, null, List.of(query("animal", "whale")), null),
                q1)
            .route(
                "http",
                "*",
                match(PathMatch.ROOT, null, List.of(query("ANIMAL", "Whale")), null),
                q3)
            .route("http", "*", match(PathMatch.ROOT, null, null, "POST"), m1));
    assertThat(backend(f.get(80, "x", "/?animal=whale"))).isEqualTo("v1");
    assertThat(backend(f.get(80, "x", "/?animal=whale&otherparam=irrelevant"))).isEqualTo("v1");
    assertThat(backend(f.get(80, "x", "/?ANIMAL=Whale"))).isEqualTo("v3");
    assertThat(f.get(80, "x", "/?animal=whaledolphin").status()).isEqualTo(404);
    assertThat(backend(f.exchange(80, "POST", "x", "/", "body"))).isEqualTo("v1");
    assertThat(f.exchange(80, "HEAD", "x", "/", null).status()).isEqualTo(404);
  }

  @Test
  void c8HostnamesPortInHostIgnoredWildcardsNeverCoverBareSuffix() {
    f.apply(
        f.snap()
            .listener("l1", 80, "very.specific.com")
            .listener("l2", 80, "*.wildcard.io")
            .route("l1", "very.specific.com", prefix("/s1"), forward("s1", "v1"))
            .route("l2", "*.wildcard.io", prefix("/s2"), forward("s2", "v2")));
    assertThat(backend(f.get(80, "very.specific.com", "/s1"))).isEqualTo("v1");
    assertThat(backend(f.get(80, "very.specific.com:1234", "/s1"))).isEqualTo("v1");
    assertThat(backend(f.get(80, "VERY.Specific.com", "/s1"))).isEqualTo("v1");
    assertThat(f.get(80, "non.matching.com", "/s1").status()).isEqualTo(404);
    assertThat(backend(f.get(80, "foo.bar.wildcard.io", "/s2"))).isEqualTo("v2");
    assertThat(f.get(80, "wildcard.io", "/s2").status()).isEqualTo(404);
    assertThat(f.get(80, "very.specific.com", "/s2").status()).isEqualTo(404);
  }

  @Test
  void c10ListenerIsolationExactBeatsWildcardBeatsEmpty() {
    f.apply(
        f.snap()
            .listener("empty", 80, null)
            .listener("wild", 80, "*.example.com")
            .listener("wildfoo", 80, "*.foo.example.com")
            .listener("abc", 80, "abc.foo.example.com")
            .route("empty", "*", prefix("/empty-hostname"), forward("e", "v1"))
            .route("wild", "*.example.com", prefix("/wildcard-example-com"), forward("w", "v1"))
            .route(
                "wildfoo",
                "*.foo.example.com",
                prefix("/wildcard-foo-example-com"),
                forward("wf", "v1"))
            .route(
                "abc", "abc.foo.example.com", prefix("/abc-foo-example-com"), forward("a", "v1")));
    String[][] cases = {
      {"bar.com", "/empty-hostname"},
      {"bar.example.com", "/wildcard-example-com"},
      {"bar.foo.example.com", "/wildcard-foo-example-com"},
      {"abc.foo.example.com", "/abc-foo-example-com"}
    };
    for (String[] c : cases) {
      for (String[] other : cases) {
        int expected = other[1].equals(c[1]) ? 200 : 404;
        assertThat(f.get(80, c[0], other[1]).status()).as(c[0] + other[1]).isEqualTo(expected);
      }
    }
  }

  @Test
  void listenerPortsAreSeparateAndUnknownPortsAreNotBound() {
    f.apply(
        f.snap()
            .listener("a", 80, null)
            .listener("b", 8080, null)
            .route("a", "*", prefix("/"), forward("ra", "v1"))
            .route("b", "*", prefix("/"), forward("rb", "v2")));
    assertThat(backend(f.get(80, "x", "/"))).isEqualTo("v1");
    assertThat(backend(f.get(8080, "x", "/"))).isEqualTo("v2");
    assertThat(f.port(9999)).isEqualTo(-1);
  }

  @Test
  void forwardsQueryVerbatimStripsHopByHopAddsForwardedHeadersAndRequestId() throws Exception {
    f.apply(
        f.snap().listener("http", 80, null).route("http", "*", prefix("/"), forward("r", "v1")));
    RawHttp.Response r =
        f.get(
            80,
            "Example.com:8000",
            "/p%2Fx/y?b=2&a=1&a=%zz&empty",
            "Connection: keep-alive, X-Secret",
            "X-Secret: drop-me",
            "Keep-Alive: timeout=5",
            "TE: trailers",
            "X-Forwarded-For: 10.0.0.1",
            "Upgrade: something");
    JsonNode echo = json(r);
    assertThat(echo.path("path").asText()).isEqualTo("/p%2Fx/y?b=2&a=1&a=%zz&empty");
    JsonNode h = echo.path("headers");
    assertThat(h.has("x-secret")).isFalse();
    assertThat(h.has("keep-alive")).isFalse();
    assertThat(h.has("te")).isFalse();
    assertThat(h.has("upgrade")).isFalse();
    assertThat(h.path("x-forwarded-for").asText()).isEqualTo("10.0.0.1, 127.0.0.1");
    assertThat(h.path("x-forwarded-proto").asText()).isEqualTo("http");
    assertThat(h.path("x-forwarded-host").asText()).isEqualTo("Example.com:8000");
    assertThat(h.path("host").asText()).isEqualTo("Example.com:8000");
    assertThat(h.path("x-request-id").asText()).matches("[0-9a-f-]{36}");
    JsonNode kept = json(f.get(80, "x", "/", "X-Request-Id: given-id"));
    assertThat(kept.path("headers").path("x-request-id").asText()).isEqualTo("given-id");
  }

  @Test
  void keepAliveAndPipeliningAnswerInOrder() throws Exception {
    f.apply(
        f.snap()
            .listener("http", 80, null)
            .route("http", "*", prefix("/slow"), forward("slow", "v1"))
            .route("http", "*", prefix("/"), forward("fast", "v2")));
    try (RawHttp c = new RawHttp(f.port(80))) {
      // Three pipelined requests; the first is delayed at the backend, yet answers come in order.
      c.send(
          "GET /slow?delay=200ms HTTP/1.1\r\nHost: a\r\n\r\n"
              + "GET /fast?n=2 HTTP/1.1\r\nHost: a\r\n\r\n"
              + "POST /fast?n=3 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello");
      assertThat(json(c.read()).path("path").asText()).isEqualTo("/slow?delay=200ms");
      assertThat(json(c.read()).path("path").asText()).isEqualTo("/fast?n=2");
      JsonNode third = json(c.read());
      assertThat(third.path("path").asText()).isEqualTo("/fast?n=3");
      assertThat(third.path("bodyLength").asInt()).isEqualTo(5);
      // Still usable afterwards: keep-alive.
      assertThat(backend(c.get("a", "/again"))).isEqualTo("v2");
    }
  }

  @Test
  void chunkedRequestBodyIsStreamedToTheBackend() throws Exception {
    f.apply(
        f.snap().listener("http", 80, null).route("http", "*", prefix("/"), forward("r", "v1")));
    try (RawHttp c = new RawHttp(f.port(80))) {
      c.send(
          "POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
              + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
      JsonNode echo = json(c.read());
      assertThat(echo.path("bodyLength").asInt()).isEqualTo(11);
    }
  }

  @Test
  void largeRouteTableUsesTheSegmentIndexWithoutChangingFirstMatchOrder() {
    Snap s = f.snap().listener("http", 80, null);
    s.route("http", "*", exact("/seg5/exact"), forward("exact", "v3"));
    for (int i = 0; i < 50; i++) {
      s.route("http", "*", prefix("/seg" + i), forward("r" + i, i % 2 == 0 ? "v1" : "v2"));
    }
    s.route("http", "*", Snap.regex("/re[0-9]+/.*"), forward("re", "v3"));
    s.route("http", "*", prefix("/"), forward("root", "v3"));
    f.apply(s);
    assertThat(backend(f.get(80, "x", "/seg4/a"))).isEqualTo("v1");
    assertThat(backend(f.get(80, "x", "/seg5/a"))).isEqualTo("v2");
    assertThat(backend(f.get(80, "x", "/seg5/exact"))).isEqualTo("v3");
    assertThat(backend(f.get(80, "x", "/re42/x"))).isEqualTo("v3");
    assertThat(backend(f.get(80, "x", "/seg4x"))).isEqualTo("v3");
    assertThat(backend(f.get(80, "x", "/"))).isEqualTo("v3");
  }
}
