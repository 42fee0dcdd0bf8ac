package dev.gantry.proxy.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.model.ConfigValidationException;
import dev.gantry.model.routing.HeaderMatch;
import dev.gantry.model.routing.PathMatch;
import dev.gantry.model.routing.PathMatchType;
import dev.gantry.model.routing.QueryParamMatch;
import dev.gantry.model.routing.RouteMatch;
import dev.gantry.model.routing.ValueMatchType;
import dev.gantry.proxy.testing.Snap;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Matchers, host tables and the compiled route table, without any network. */
class RouteTablesTest {

  private static RequestView req(String method, String uri, String... headers) {
    HttpHeaders h = new DefaultHttpHeaders();
    for (int i = 0; i < headers.length; i += 2) {
      h.add(headers[i], headers[i + 1]);
    }
    return RequestView.of(method, uri, h);
  }

  @Test
  void prefixIsSegmentWiseExactIsByteExactRegexIsWhole() {
    PathMatcher p = PathMatcher.of(new PathMatch(PathMatchType.PATH_PREFIX, "/abc"));
    assertThat(List.of("/abc", "/abc/", "/abc/def")).allMatch(p::matches);
    assertThat(List.of("/abcd", "/ab", "/x/abc", "/Abc")).noneMatch(p::matches);
    PathMatcher root = PathMatcher.of(PathMatch.ROOT);
    assertThat(root.matches("/anything")).isTrue();
    PathMatcher e = PathMatcher.of(new PathMatch(PathMatchType.EXACT, "/abc"));
    assertThat(e.matches("/abc")).isTrue();
    assertThat(List.of("/abc/", "/Abc", "/abcd")).noneMatch(e::matches);
    PathMatcher r = PathMatcher.of(new PathMatch(PathMatchType.REGULAR_EXPRESSION, "/v[0-9]+"));
    assertThat(r.matches("/v12")).isTrue();
    assertThat(r.matches("/v12/x")).isFalse();
  }

  @Test
  void headerQueryAndMethodConditionsAreAnded() {
    RouteMatcher m =
        new RouteMatcher(
            new RouteMatch(
                PathMatch.ROOT,
                List.of(new HeaderMatch("version", ValueMatchType.EXACT, "two")),
                List.of(new QueryParamMatch("animal", ValueMatchType.REGULAR_EXPRESSION, "wh.le")),
                "GET"));
    assertThat(m.matches(req("GET", "/?animal=whale", "Version", "two"))).isTrue();
    assertThat(m.matches(req("GET", "/?animal=whale", "version", "Two"))).isFalse();
    assertThat(m.matches(req("POST", "/?animal=whale", "version", "two"))).isFalse();
    assertThat(m.matches(req("GET", "/?ANIMAL=whale", "version", "two"))).isFalse();
    // The first header value and the first query value count.
    assertThat(m.matches(req("GET", "/?animal=whale&animal=x", "version", "two", "version", "one")))
        .isTrue();
  }

  @Test
  void hostTableExactThenLongestWildcardThenAny() {
    HostTable<String> t =
        HostTable.<String>builder()
            .put("*.example.com", "wild")
            .put("*.foo.example.com", "wildfoo")
            .put("abc.foo.example.com", "exact")
            .put(null, "any")
            .build();
    assertThat(t.lookup("abc.foo.example.com")).isEqualTo("exact");
    assertThat(t.lookup("x.foo.example.com")).isEqualTo("wildfoo");
    assertThat(t.lookup("a.b.example.com")).isEqualTo("wild");
    assertThat(t.lookup("example.com")).isEqualTo("any");
    assertThat(t.lookup("foo.example.com")).isEqualTo("wild");
    HostTable<String> noAny = HostTable.<String>builder().put("*.a.io", "w").build();
    assertThat(noAny.lookup("a.io")).isNull();
  }

  @Test
  void hostNormalisationDropsPortLowerCasesAndKeepsIpv6Brackets() {
    assertThat(HostTable.normalizeHost("Very.Specific.com:1234")).isEqualTo("very.specific.com");
    assertThat(HostTable.normalizeHost("[::1]:8080")).isEqualTo("[::1]");
    assertThat(HostTable.normalizeHost("example.com.")).isEqualTo("example.com");
    assertThat(HostTable.normalizeHost(null)).isEmpty();
  }

  @Test
  void indexedVirtualHostFindsTheSameFirstMatchAsAScan() {
    Snap s = new Snap().cluster("c", 1).listener("l", 80, null);
    s.route("l", "*", Snap.prefix("/a/b"), Snap.forward("ab", "c"));
    for (int i = 0; i < 40; i++) {
      s.route("l", "*", Snap.prefix("/s" + i), Snap.forward("s" + i, "c"));
    }
    s.route("l", "*", Snap.regex("/s1.*"), Snap.forward("regex", "c"));
    s.route("l", "*", Snap.prefix("/a"), Snap.forward("a", "c"));
    s.route("l", "*", Snap.prefix("/"), Snap.forward("root", "c"));
    CompiledConfig cfg = new ConfigCompiler(new SimpleMeterRegistry(), "gw").compile(s.build());
    CompiledPort port = cfg.port(80);
    assertThat(port.route("x", req("GET", "/a/b/c")).rule().name()).isEqualTo("ab");
    assertThat(port.route("x", req("GET", "/a/c")).rule().name()).isEqualTo("a");
    assertThat(port.route("x", req("GET", "/s1")).rule().name()).isEqualTo("s1");
    assertThat(port.route("x", req("GET", "/s1x")).rule().name()).isEqualTo("regex");
    assertThat(port.route("x", req("GET", "/zzz")).rule().name()).isEqualTo("root");
    assertThat(port.route("x", req("GET", "/")).rule().name()).isEqualTo("root");
  }

  @Test
  void invalidRegexIsRejectedNamingTheField() {
    Snap s =
        new Snap()
            .cluster("c", 1)
            .listener("l", 80, null)
            .route("l", "*", Snap.regex("/(unclosed"), Snap.forward("r", "c"));
    assertThatThrownBy(() -> new ConfigCompiler(new SimpleMeterRegistry(), "gw").compile(s.build()))
        .isInstanceOf(ConfigValidationException.class)
        .hasMessageContaining("routing.listeners[0].virtualHosts[0].routes[0].match: /(unclosed")
        .hasMessageContaining("(expected: an RE2 regular expression)");
  }

  @Test
  void smoothWeightedPickerIsExactPerCycleAndInterleaves() {
    CompiledBackend a = new CompiledBackend(null, 500, new dev.gantry.proxy.filter.FilterStep[0]);
    CompiledBackend b = new CompiledBackend(null, 501, new dev.gantry.proxy.filter.FilterStep[0]);
    CompiledBackend z = new CompiledBackend(null, 502, new dev.gantry.proxy.filter.FilterStep[0]);
    BackendPicker p = new BackendPicker(List.of(a, b, z), List.of(70, 30, 0));
    int na = 0;
    int maxRun = 0;
    int run = 0;
    for (int i = 0; i < 100; i++) {
      CompiledBackend x = p.pick();
      assertThat(x).isNotSameAs(z);
      if (x == a) {
        na++;
        run++;
        maxRun = Math.max(maxRun, run);
      } else {
        run = 0;
      }
    }
    assertThat(na).isEqualTo(70);
    assertThat(maxRun).as("smooth: no long bursts").isLessThanOrEqualTo(3);
    assertThat(new BackendPicker(List.of(a), List.of(0)).isEmpty()).isTrue();
    // Huge totals fall back to a weighted draw that still respects the shares.
    BackendPicker big = new BackendPicker(List.of(a, b), List.of(999_999, 333_333));
    int bigA = 0;
    for (int i = 0; i < 10_000; i++) {
      if (big.pick() == a) {
        bigA++;
      }
    }
    assertThat(bigA / 10_000.0).isBetween(0.73, 0.77);
  }
}
