package dev.gantry.proxy.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.model.routing.filter.Cors;
import dev.gantry.model.routing.filter.Header;
import dev.gantry.model.routing.filter.HeaderModifier;
import dev.gantry.model.routing.filter.PathModifier;
import dev.gantry.model.routing.filter.PathModifierType;
import dev.gantry.model.routing.filter.RequestRedirect;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Header modifiers, path modifiers, redirect locations and CORS decisions. */
class FilterUnitsTest {

  @ParameterizedTest(name = "{0} with prefix {1} → {2} = {3}")
  @CsvSource({
    // The Gateway API's ReplacePrefixMatch table.
    "/foo/bar, /foo, /xyz, /xyz/bar",
    "/foo/bar, /foo, /xyz/, /xyz/bar",
    "/foo, /foo, /xyz, /xyz",
    "/foo/, /foo, /xyz, /xyz/",
    "/foo/bar, /foo, '', /bar",
    "/foo/, /foo, '', /",
    "/foo, /foo, '', /",
    "/foo/, /foo, /, /",
    "/foo, /foo, /, /",
    "/strip-prefix/three, /strip-prefix, /, /three",
    "/abc, /, /xyz, /xyz/abc",
  })
  void replacePrefixMatch(String path, String prefix, String value, String expected) {
    PathRewriter r =
        new PathRewriter(new PathModifier(PathModifierType.REPLACE_PREFIX_MATCH, value, prefix));
    assertThat(r.rewrite(path)).isEqualTo(expected);
  }

  @Test
  void replaceFullPath() {
    PathRewriter r =
        new PathRewriter(new PathModifier(PathModifierType.REPLACE_FULL_PATH, "/one", null));
    assertThat(r.rewrite("/full/one/two")).isEqualTo("/one");
  }

  @ParameterizedTest(name = "{0} listener :{1}, scheme {2}, port {3} → {4}")
  @CsvSource(
      nullValues = "-",
      value = {
        "http, 80, -, -, http://example.org/p",
        "http, 80, -, 8080, http://example.org:8080/p",
        "http, 80, https, -, https://example.org/p",
        "http, 80, https, 8443, https://example.org:8443/p",
        "http, 8080, -, -, http://example.org:8080/p",
        "http, 8080, -, 80, http://example.org/p",
        "http, 8080, https, -, https://example.org/p",
        "https, 443, -, -, https://example.org/p",
        "https, 443, -, 8443, https://example.org:8443/p",
        "https, 443, http, -, http://example.org/p",
        "https, 443, http, 8080, http://example.org:8080/p",
      })
  void redirectPortMatrix(
      String listenerScheme, int listenerPort, String scheme, Integer port, String expected) {
    RedirectAction a = new RedirectAction(new RequestRedirect(scheme, null, port, null, 302));
    assertThat(a.location(listenerScheme, "example.org", listenerPort, "/p", null))
        .isEqualTo(expected);
  }

  @Test
  void headerOpsSetAddRemoveIgnoreCase() {
    HeaderOps ops =
        new HeaderOps(
            new HeaderModifier(
                List.of(new Header("X-Header-Set", "set")),
                List.of(new Header("X-Header-Add", "add")),
                List.of("X-HEADER-REMOVE")));
    HttpHeaders h = new DefaultHttpHeaders();
    h.add("x-header-set", "a").add("x-header-set", "b");
    h.add("x-header-add", "old");
    h.add("x-header-remove", "r");
    ops.apply(h);
    assertThat(h.getAll("X-Header-Set")).containsExactly("set");
    assertThat(h.getAll("x-header-add")).containsExactly("old", "add");
    assertThat(h.contains("x-header-remove")).isFalse();
  }

  @Test
  void corsOriginMatchingAndPreflightHeaders() {
    CorsPolicy p =
        new CorsPolicy(
            new Cors(
                List.of("https://www.foo.com", "https://*.bar.com"),
                false,
                List.of("*"),
                List.of("x-a"),
                List.of(),
                5));
    assertThat(p.allows("https://www.foo.com")).isTrue();
    assertThat(p.allows("https://a.b.bar.com")).isTrue();
    assertThat(p.allows("https://bar.com")).isFalse();
    assertThat(p.allows("http://www.bar.com")).isFalse();
    assertThat(p.allows("https://foobar.com")).isFalse();
    HttpHeaders req = new DefaultHttpHeaders();
    req.set("origin", "https://www.foo.com").set("access-control-request-method", "POST");
    assertThat(CorsPolicy.isPreflight(HttpMethod.OPTIONS, req)).isTrue();
    assertThat(CorsPolicy.isPreflight(HttpMethod.GET, req)).isFalse();
    HttpHeaders res = new DefaultHttpHeaders();
    p.preflight(req, res);
    assertThat(res.get("access-control-allow-origin")).isEqualTo("https://www.foo.com");
    assertThat(res.get("access-control-allow-methods")).isEqualTo("POST");
    assertThat(res.get("access-control-allow-headers")).isEqualTo("x-a");
    assertThat(res.get("access-control-max-age")).isEqualTo("5");
    assertThat(res.contains("access-control-allow-credentials")).isFalse();
  }

  @Test
  void mirrorSamplingFollowsTheFraction() {
    FilterStep.Mirror never = new FilterStep.Mirror("c", 0, 100);
    FilterStep.Mirror always = new FilterStep.Mirror("c", 100, 100);
    FilterStep.Mirror third = new FilterStep.Mirror("c", 1, 3);
    int n = 0;
    for (int i = 0; i < 30_000; i++) {
      assertThat(never.sampled()).isFalse();
      assertThat(always.sampled()).isTrue();
      if (third.sampled()) {
        n++;
      }
    }
    assertThat(n / 30_000.0).isBetween(0.32, 0.347);
  }

  @Test
  void corsHeadersOnTheGatewaysOwnRefusals() {
    CorsPolicy p =
        new CorsPolicy(
            new Cors(
                List.of("https://app.example"),
                false,
                List.of("GET"),
                List.of(),
                List.of("retry-after", "x-trace"),
                5));
    FilterStep[] steps = {
      new FilterStep.RequestHeaders(
          new HeaderOps(new HeaderModifier(List.of(), List.of(), List.of()))),
      new FilterStep.CorsStep(p)
    };
    assertThat(CorsPolicy.of(steps)).isSameAs(p);
    assertThat(CorsPolicy.of(new FilterStep[0])).isNull();

    // A 429: the rate-limit headers the response has are exposed, once each.
    HttpHeaders limited = new DefaultHttpHeaders();
    limited.set("ratelimit", "\"all\";r=0;t=5").set("retry-after", "5");
    p.refusal("https://app.example", limited);
    assertThat(limited.get("access-control-allow-origin")).isEqualTo("https://app.example");
    assertThat(limited.get("access-control-expose-headers"))
        .isEqualTo("retry-after, x-trace, RateLimit");

    // A fail-closed 503 has no rate-limit headers: only the configured exposure.
    HttpHeaders unavailable = new DefaultHttpHeaders();
    p.refusal("https://app.example", unavailable);
    assertThat(unavailable.get("access-control-allow-origin")).isEqualTo("https://app.example");
    assertThat(unavailable.get("access-control-expose-headers")).isEqualTo("retry-after, x-trace");

    // An origin the filter refuses gets nothing, as on any other response.
    HttpHeaders foreign = new DefaultHttpHeaders();
    foreign.set("retry-after", "5");
    p.refusal("https://evil.example", foreign);
    assertThat(foreign.contains("access-control-allow-origin")).isFalse();
    assertThat(foreign.contains("access-control-expose-headers")).isFalse();
  }
}
