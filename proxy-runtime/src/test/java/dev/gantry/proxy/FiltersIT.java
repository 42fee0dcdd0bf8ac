package dev.gantry.proxy;

import static dev.gantry.proxy.testing.ProxyFixture.backend;
import static dev.gantry.proxy.testing.ProxyFixture.json;
import static dev.gantry.proxy.testing.Snap.backend;
import static dev.gantry.proxy.testing.Snap.prefix;
import static dev.gantry.proxy.testing.Snap.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.model.routing.filter.Cors;
import dev.gantry.model.routing.filter.Filter;
import dev.gantry.model.routing.filter.Header;
import dev.gantry.model.routing.filter.HeaderModifier;
import dev.gantry.model.routing.filter.PathModifier;
import dev.gantry.model.routing.filter.PathModifierType;
import dev.gantry.model.routing.filter.RequestHeaderModifier;
import dev.gantry.model.routing.filter.RequestMirror;
import dev.gantry.model.routing.filter.RequestRedirect;
import dev.gantry.model.routing.filter.ResponseHeaderModifier;
import dev.gantry.model.routing.filter.UrlRewrite;
import dev.gantry.proxy.testing.LeakGuard;
import dev.gantry.proxy.testing.ProxyFixture;
import dev.gantry.proxy.testing.RawHttp;
import dev.gantry.proxy.testing.Snap;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every filter against the conformance tables: C11–C14, C21, C22 and the redirect port matrix. */
@ExtendWith(LeakGuard.class)
class FiltersIT {
  static ProxyFixture f;

  @BeforeAll
  static void start() {
    f = new ProxyFixture();
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  private static HeaderModifier mods(List<Header> set, List<Header> add, List<String> remove) {
    return new HeaderModifier(set, add, remove);
  }

  private static Snap withRule(String path, List<Filter> filters) {
    return f.snap()
        .listener("http", 80, null)
        .listener("alt", 8080, null)
        .route("http", "*", prefix(path), rule("r" + path, filters, List.of(backend("v1", 1))))
        .route("alt", "*", prefix(path), rule("r" + path, filters, List.of(backend("v1", 1))));
  }

  @Test
  void c11RequestHeaderModifierSetAddRemoveCaseInsensitive() {
    Filter mod =
        new RequestHeaderModifier(
            mods(
                List.of(new Header("X-Header-Set", "header-set")),
                List.of(new Header("X-Header-Add", "header-add")),
                List.of("X-Header-Remove")));
    f.apply(withRule("/", List.of(mod)));
    JsonNode h =
        json(f.get(
                80,
                "x",
                "/case-insensitivity",
                "x-header-set: original-val-set",
                "x-header-add: original-val-add",
                "x-header-remove: original-val-remove"))
            .path("headers");
    assertThat(h.path("x-header-set").asText()).isEqualTo("header-set");
    assertThat(h.path("x-header-add").asText()).isEqualTo("original-val-add,header-add");
    assertThat(h.has("x-header-remove")).isFalse();
    JsonNode plain = json(f.get(80, "x", "/set", "Some-Other-Header: val")).path("headers");
    assertThat(plain.path("x-header-set").asText()).isEqualTo("header-set");
    assertThat(plain.path("x-header-add").asText()).isEqualTo("header-add");
    assertThat(plain.path("some-other-header").asText()).isEqualTo("val");
  }

  @Test
  void backendLevelRequestHeaderModifierRunsOnlyForItsBackend() {
    Filter setV1 =
        new RequestHeaderModifier(mods(List.of(new Header("Backend", "v1")), null, null));
    Filter setV2 =
        new RequestHeaderModifier(mods(List.of(new Header("Backend", "v2")), null, null));
    f.apply(
        f.snap()
            .listener("http", 80, null)
            .route(
                "http",
                "*",
                prefix("/"),
                rule("w", List.of(), List.of(backend("v1", 10, setV1), backend("v2", 10, setV2)))));
    for (int i = 0; i < 40; i++) {
      JsonNode echo = json(f.get(80, "x", "/"));
      assertThat(echo.path("headers").path("backend").asText())
          .isEqualTo(echo.path("name").asText());
    }
  }

  @Test
  void c12ResponseHeaderModifier() {
    Filter mod =
        new ResponseHeaderModifier(
            mods(
                List.of(new Header("X-Header-Set", "header-set")),
                List.of(
                    new Header("X-Header-Add", "header-add"), new Header("X-UPPERCASE-ADD", "u")),
                List.of("X-Header-Remove")));
    f.apply(withRule("/", List.of(mod)));
    RawHttp.Response r =
        f.get(
            80,
            "x",
            "/",
            "X-Echo-Set-Header: x-header-set:original,x-header-add:original-val-add,"
                + "x-header-remove:gone,Some-Other-Header:val");
    assertThat(r.header("x-header-set")).isEqualTo("header-set");
    assertThat(r.header("x-header-add")).isEqualTo("original-val-add,header-add");
    assertThat(r.header("x-uppercase-add")).isEqualTo("u");
    assertThat(r.header("x-header-remove")).isNull();
    assertThat(r.header("some-other-header")).isEqualTo("val");
  }

  private static RawHttp.Response redirect(int port, RequestRedirect rr, String path) {
    f.apply(withRule("/", List.of(rr)));
    return f.get(port, "example.com", path);
  }

  @Test
  void c13RedirectsHostStatusPathAndPortMatrix() {
    PathModifier prefixRepl =
        new PathModifier(PathModifierType.REPLACE_PREFIX_MATCH, "/replacement-prefix", "/");
    RawHttp.Response r =
        redirect(80, new RequestRedirect(null, "example.org", null, null, 302), "/a");
    assertThat(r.status()).isEqualTo(302);
    assertThat(r.header("location")).isEqualTo("http://example.org/a");
    assertThat(
            redirect(80, new RequestRedirect(null, "example.org", null, null, 301), "/a").status())
        .isEqualTo(301);
    assertThat(
            redirect(80, new RequestRedirect(null, null, null, prefixRepl, 302), "/lemon?x=1")
                .header("location"))
        .isEqualTo("http://example.com/replacement-prefix/lemon?x=1");
    PathModifier full = new PathModifier(PathModifierType.REPLACE_FULL_PATH, "/full-path", null);
    assertThat(
            redirect(80, new RequestRedirect(null, null, null, full, 302), "/a/b/c")
                .header("location"))
        .isEqualTo("http://example.com/full-path");
    for (int code : List.of(303, 307, 308)) {
      assertThat(redirect(80, new RequestRedirect(null, null, null, null, code), "/s").status())
          .isEqualTo(code);
    }
    // The port/scheme matrix on :80 and :8080 HTTP listeners (HTTPRouteRedirectPortAndScheme).
    Object[][] matrix = {
      {80, null, null, "http://example.com/p"},
      {80, null, 8080, "http://example.com:8080/p"},
      {80, "https", null, "https://example.com/p"},
      {80, "https", 8443, "https://example.com:8443/p"},
      {8080, null, null, "http://example.com:8080/p"},
      {8080, null, 80, "http://example.com/p"},
      {8080, "https", null, "https://example.com/p"},
    };
    for (Object[] m : matrix) {
      RequestRedirect rr = new RequestRedirect((String) m[1], null, (Integer) m[2], null, 302);
      assertThat(redirect((Integer) m[0], rr, "/p").header("location"))
          .as(java.util.Arrays.toString(m))
          .isEqualTo(m[3]);
    }
  }

  @Test
  void c14UrlRewritePrefixFullAndHost() {
    f.apply(
        f.snap()
            .listener("http", 80, null)
            .route(
                "http",
                "*",
                prefix("/strip-prefix"),
                rule(
                    "strip",
                    List.of(
                        new UrlRewrite(
                            null,
                            new PathModifier(
                                PathModifierType.REPLACE_PREFIX_MATCH, "/", "/strip-prefix"))),
                    List.of(backend("v1", 1))))
            .route(
                "http",
                "*",
                prefix("/full/one"),
                rule(
                    "full",
                    List.of(
                        new UrlRewrite(
                            "one.example.org",
                            new PathModifier(PathModifierType.REPLACE_FULL_PATH, "/one", null))),
                    List.of(backend("v2", 1)))));
    assertThat(json(f.get(80, "rewrite.example", "/strip-prefix/three?q=1")).path("path").asText())
        .isEqualTo("/three?q=1");
    assertThat(json(f.get(80, "rewrite.example", "/strip-prefix")).path("path").asText())
        .isEqualTo("/");
    JsonNode full = json(f.get(80, "rewrite.example", "/full/one/two"));
    assertThat(full.path("path").asText()).isEqualTo("/one");
    assertThat(full.path("host").asText()).isEqualTo("one.example.org");
    assertThat(full.path("name").asText()).isEqualTo("v2");
  }

  @Test
  void c21CorsPreflightAnsweredByGatewayAndActualResponsesDecorated() {
    Cors cors =
        new Cors(
            List.of("https://www.foo.com", "https://*.bar.com"),
            true,
            List.of("GET", "OPTIONS"),
            List.of("x-header-1", "x-header-2"),
            List.of("x-header-3", "x-header-4"),
            3600);
    f.apply(withRule("/cors-1", List.of(cors)));
    long before = f.v1.requestCount();
    for (String origin :
        List.of("https://www.foo.com", "https://www.bar.com", "https://a.b.bar.com")) {
      RawHttp.Response pre =
          f.exchange(
              80,
              "OPTIONS",
              "x",
              "/cors-1",
              null,
              "Origin: " + origin,
              "Access-Control-Request-Method: GET",
              "Access-Control-Request-Headers: x-header-1, x-header-2");
      assertThat(pre.status()).isIn(200, 204);
      assertThat(pre.header("access-control-allow-origin")).isEqualTo(origin);
      assertThat(pre.header("access-control-allow-methods")).isEqualTo("GET, OPTIONS");
      assertThat(pre.header("access-control-allow-headers")).isEqualTo("x-header-1, x-header-2");
      assertThat(pre.header("access-control-expose-headers")).isEqualTo("x-header-3, x-header-4");
      assertThat(pre.header("access-control-max-age")).isEqualTo("3600");
      assertThat(pre.header("access-control-allow-credentials")).isEqualTo("true");
    }
    RawHttp.Response denied =
        f.exchange(
            80,
            "OPTIONS",
            "x",
            "/cors-1",
            null,
            "Origin: https://foobar.com",
            "Access-Control-Request-Method: GET");
    assertThat(denied.status()).isIn(200, 204, 403);
    assertThat(denied.header("access-control-allow-origin")).isNull();
    assertThat(f.v1.requestCount()).as("preflights never reach the backend").isEqualTo(before);
    RawHttp.Response actual = f.get(80, "x", "/cors-1", "Origin: https://www.foo.com");
    assertThat(backend(actual)).isEqualTo("v1");
    assertThat(actual.header("access-control-allow-origin")).isEqualTo("https://www.foo.com");
    assertThat(actual.header("access-control-allow-credentials")).isEqualTo("true");
    RawHttp.Response other = f.get(80, "x", "/cors-1", "Origin: https://foobar.com");
    assertThat(other.status()).isEqualTo(200);
    assertThat(other.header("access-control-allow-origin")).isNull();
  }

  @Test
  void corsWildcardMethodsAndHeadersEchoTheRequestWhenCredentialsAllowed() {
    Cors cors = new Cors(List.of("*"), true, List.of("*"), List.of("*"), List.of(), 5);
    f.apply(withRule("/cors-w", List.of(cors)));
    RawHttp.Response pre =
        f.exchange(
            80,
            "OPTIONS",
            "x",
            "/cors-w",
            null,
            "Origin: https://other.foo.com",
            "Access-Control-Request-Method: PUT",
            "Access-Control-Request-Headers: x-header-1, x-header-2");
    assertThat(pre.header("access-control-allow-origin")).isEqualTo("https://other.foo.com");
    assertThat(pre.header("access-control-allow-methods")).isEqualTo("PUT");
    assertThat(pre.header("access-control-allow-headers")).isEqualTo("x-header-1, x-header-2");
    assertThat(pre.header("access-control-max-age")).isEqualTo("5");
  }

  @Test
  void c22MirrorsNeverAffectThePrimaryAndCarryModifiedHeadersAndBody() {
    Filter mod =
        new RequestHeaderModifier(mods(List.of(new Header("X-Mirrored", "yes")), null, null));
    f.apply(
        withRule(
            "/mirror", List.of(mod, new RequestMirror("v2", 1, 1), new RequestMirror("v3", 1, 1))));
    long v2Before = f.v2.requestCount();
    long v3Before = f.v3.requestCount();
    String id = "mirror-" + System.nanoTime();
    RawHttp.Response r = f.exchange(80, "POST", "x", "/mirror?id=" + id, "payload");
    assertThat(backend(r)).isEqualTo("v1");
    assertThat(json(r).path("headers").path("x-mirrored").asText()).isEqualTo("yes");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> f.v2.requestCount() > v2Before && f.v3.requestCount() > v3Before);
    String copy =
        f.v2.recentRequests().stream().filter(s -> s.contains(id)).findFirst().orElseThrow();
    assertThat(json(copy).path("headers").path("x-mirrored").asText()).isEqualTo("yes");
    assertThat(json(copy).path("bodyLength").asInt()).isEqualTo(7);
  }

  @Test
  void mirrorToADeadBackendStillAnswersThePrimary() {
    f.apply(
        f.snap()
            .cluster("dead", 1) // port 1 on loopback: connection refused
            .listener("http", 80, null)
            .route(
                "http",
                "*",
                prefix("/"),
                rule("m", List.of(new RequestMirror("dead", 1, 1)), List.of(backend("v1", 1)))));
    for (int i = 0; i < 5; i++) {
      assertThat(backend(f.get(80, "x", "/"))).isEqualTo("v1");
    }
  }

  @Test
  void mirrorFractionIsHonoured() {
    f.apply(withRule("/pct", List.of(new RequestMirror("v2", 1, 4))));
    long before = f.v2.requestCount();
    int n = 400;
    try (RawHttp c = new RawHttp(f.port(80))) {
      for (int i = 0; i < n; i++) {
        assertThat(c.get("x", "/pct").status()).isEqualTo(200);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    // 25% of 400 = 100, sd ≈ 8.7: ±4 sd.
    await().atMost(Duration.ofSeconds(5)).until(() -> f.v2.requestCount() - before >= 65);
    long mirrored = f.v2.requestCount() - before;
    assertThat(mirrored).isBetween(65L, 135L);
  }
}
