package dev.gantry.proxy;

import static dev.gantry.proxy.testing.RateLimits.header;
import static dev.gantry.proxy.testing.RateLimits.limit;
import static dev.gantry.proxy.testing.RateLimits.limitWhen;
import static dev.gantry.proxy.testing.RateLimits.refs;
import static dev.gantry.proxy.testing.Snap.backend;
import static dev.gantry.proxy.testing.Snap.prefix;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.model.routing.PathMatch;
import dev.gantry.model.routing.PathMatchType;
import dev.gantry.model.routing.RateLimit;
import dev.gantry.model.routing.RateLimit.FailureMode;
import dev.gantry.model.routing.RateLimit.Scope;
import dev.gantry.model.routing.RouteMatch;
import dev.gantry.model.routing.Rule;
import dev.gantry.model.routing.filter.Cors;
import dev.gantry.proxy.testing.LeakGuard;
import dev.gantry.proxy.testing.ProxyFixture;
import dev.gantry.proxy.testing.RateLimits;
import dev.gantry.proxy.testing.RawHttp;
import dev.gantry.proxy.testing.Snap;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakGuard.class)
@Timeout(60)
class LocalRateLimitIT {
  static final long MINUTE = 60_000;
  ProxyFixture f;

  @BeforeEach
  void start() {
    f = new ProxyFixture();
  }

  @AfterEach
  void stop() {
    f.close();
  }

  private static Rule limited(String name, String... policies) {
    return Snap.forward(name, "v1").withPolicies(refs(policies));
  }

  private int status(String path, String... headers) {
    return f.get(80, "a.example", path, headers).status();
  }

  @Test
  void exactlyNPerKeyPerWindowWith429HeadersAndAbsentKeyCountedAsEmpty() {
    RateLimit rl =
        RateLimits.of(
            "rl-key", Scope.LOCAL, null, false, limit("per-key", 5, MINUTE, header("x-api-key")));
    f.apply(
        f.snap()
            .rateLimit(rl)
            .listener("http", 80, null)
            .route("http", "a.example", prefix("/"), limited("r0", "rl-key")));

    List<Integer> a = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      a.add(status("/", "X-Api-Key: a"));
    }
    assertThat(a).containsExactly(200, 200, 200, 200, 200, 429, 429, 429);

    RawHttp.Response ok = f.get(80, "a.example", "/", "X-Api-Key: b");
    assertThat(ok.status()).isEqualTo(200);
    // Allowed responses carry the remaining count of the tightest limit (draft structured form).
    assertThat(ok.header("ratelimit")).matches("\"per-key\";r=4;t=\\d+");

    RawHttp.Response no = f.get(80, "a.example", "/", "X-Api-Key: a");
    assertThat(no.status()).isEqualTo(429);
    assertThat(no.header("ratelimit-policy")).isEqualTo("\"per-key\";q=5;w=60");
    assertThat(no.header("ratelimit")).matches("\"per-key\";r=0;t=\\d+");
    long retry = Long.parseLong(no.header("retry-after"));
    assertThat(retry).isBetween(1L, 60L);
    assertThat(ProxyFixture.backend(no)).isNull();

    // No X-Api-Key: all such requests share the empty key, they do not escape the limit.
    List<Integer> anonymous = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      anonymous.add(status("/"));
    }
    assertThat(anonymous).containsExactly(200, 200, 200, 200, 200, 429, 429);
    assertThat(f.registry.scrape())
        .contains(
            "gantry_ratelimit_requests_total{gateway=\"ns/gw\",policy=\"rl-key\",result=\"limited\"} 6.0");
  }

  @Test
  void gatewayAndRouteLimitsBothApplyAndWhenSelectsWhatCounts() {
    RateLimit gw = RateLimits.of("rl-gw", Scope.LOCAL, null, false, limit("gateway", 6, MINUTE));
    RateLimit posts =
        RateLimits.of(
            "rl-posts",
            Scope.LOCAL,
            null,
            false,
            limitWhen(
                "posts",
                2,
                MINUTE,
                List.of(
                    new RouteMatch(
                        new PathMatch(PathMatchType.PATH_PREFIX, "/orders"), null, null, "POST"))));
    f.apply(
        f.snap()
            .rateLimit(gw)
            .rateLimit(posts)
            .listener("http", 80, null)
            .listenerRateLimit("http", "rl-gw")
            .route("http", "a.example", prefix("/"), limited("r0", "rl-posts")));

    assertThat(f.exchange(80, "POST", "a.example", "/orders", "x").status()).isEqualTo(200);
    assertThat(f.exchange(80, "POST", "a.example", "/orders", "x").status()).isEqualTo(200);
    // The route limit on POST /orders is spent; GETs do not count against it...
    RawHttp.Response third = f.exchange(80, "POST", "a.example", "/orders", "x");
    assertThat(third.status()).isEqualTo(429);
    assertThat(third.header("ratelimit-policy")).isEqualTo("\"posts\";q=2;w=60");
    assertThat(status("/orders")).isEqualTo(200);
    assertThat(status("/orders")).isEqualTo(200);
    // ...but the Gateway-level limit counted all five (the refused POST took its token too).
    assertThat(status("/orders")).isEqualTo(200);
    RawHttp.Response gwLimited = f.get(80, "a.example", "/orders");
    assertThat(gwLimited.status()).isEqualTo(429);
    assertThat(gwLimited.header("ratelimit-policy")).isEqualTo("\"gateway\";q=6;w=60");
  }

  @Test
  void bucketsSurviveAReloadThatKeepsTheirDefinition() {
    RateLimit rl = RateLimits.of("rl-keep", Scope.LOCAL, null, false, limit("all", 4, MINUTE));
    Snap base =
        f.snap()
            .rateLimit(rl)
            .listener("http", 80, null)
            .route("http", "a.example", prefix("/"), limited("r0", "rl-keep"));
    f.apply(base);
    assertThat(status("/")).isEqualTo(200);
    assertThat(status("/")).isEqualTo(200);
    assertThat(status("/")).isEqualTo(200);
    // Another route is added: a new routing version, same rate-limit definition.
    f.apply(base.route("http", "b.example", prefix("/"), Snap.forward("r1", "v2")));
    assertThat(status("/")).isEqualTo(200);
    assertThat(status("/")).isEqualTo(429);
    // A changed definition starts fresh.
    RateLimit bigger = RateLimits.of("rl-keep", Scope.LOCAL, null, false, limit("all", 5, MINUTE));
    f.apply(
        f.snap()
            .rateLimit(bigger)
            .listener("http", 80, null)
            .route("http", "a.example", prefix("/"), limited("r0", "rl-keep")));
    assertThat(status("/")).isEqualTo(200);
  }

  @Test
  void corsPreflightsAreNotCountedOnARouteWithACorsFilter() {
    RateLimit rl = RateLimits.of("rl-cors", Scope.LOCAL, null, false, limit("all", 1, MINUTE));
    Rule rule =
        Snap.rule(
                "r0",
                List.of(
                    new Cors(
                        List.of("https://app.example"),
                        false,
                        List.of("GET", "PUT"),
                        List.of(),
                        List.of(),
                        60)),
                List.of(backend("v1", 1)))
            .withPolicies(refs("rl-cors"));
    f.apply(
        f.snap()
            .rateLimit(rl)
            .listener("http", 80, null)
            .route("http", "a.example", prefix("/"), rule));
    for (int i = 0; i < 3; i++) {
      RawHttp.Response pre =
          f.exchange(
              80,
              "OPTIONS",
              "a.example",
              "/",
              null,
              "Origin: https://app.example",
              "Access-Control-Request-Method: PUT");
      assertThat(pre.status()).isEqualTo(204);
    }
    assertThat(status("/", "Origin: https://app.example")).isEqualTo(200);
    assertThat(status("/", "Origin: https://app.example")).isEqualTo(429);
  }

  @Test
  void headersOnAllowedResponsesCanBeTurnedOff() {
    f.close();
    f =
        new ProxyFixture(
            new dev.gantry.proxy.ratelimit.RateLimitSettings(null, null, null, 0, false, 1000));
    RateLimit rl =
        RateLimits.of("rl-quiet", Scope.LOCAL, FailureMode.OPEN, false, limit("all", 1, MINUTE));
    f.apply(
        f.snap()
            .rateLimit(rl)
            .listener("http", 80, null)
            .route("http", "a.example", prefix("/"), limited("r0", "rl-quiet")));
    RawHttp.Response ok = f.get(80, "a.example", "/");
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.header("ratelimit")).isNull();
    assertThat(f.get(80, "a.example", "/").header("ratelimit")).isEqualTo("\"all\";r=0;t=60");
  }

  @Test
  void a429OnARouteWithACorsFilterCarriesTheCorsHeadersSoABrowserCanReadIt() {
    RateLimit rl = RateLimits.of("rl-cors429", Scope.LOCAL, null, false, limit("all", 1, MINUTE));
    Rule rule =
        Snap.rule(
                "r0",
                List.of(
                    new Cors(
                        List.of("https://app.example"),
                        true,
                        List.of("GET"),
                        List.of(),
                        List.of("X-Request-Id"),
                        60)),
                List.of(backend("v1", 1)))
            .withPolicies(refs("rl-cors429"));
    f.apply(
        f.snap()
            .rateLimit(rl)
            .listener("http", 80, null)
            .route("http", "a.example", prefix("/"), rule));
    assertThat(status("/", "Origin: https://app.example")).isEqualTo(200);

    RawHttp.Response limited = f.get(80, "a.example", "/", "Origin: https://app.example");
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.header("access-control-allow-origin")).isEqualTo("https://app.example");
    assertThat(limited.header("access-control-allow-credentials")).isEqualTo("true");
    assertThat(limited.header("vary")).isEqualTo("origin");
    // The configured exposed headers, plus the limit's own so the page can read Retry-After.
    assertThat(limited.header("access-control-expose-headers"))
        .isEqualTo("X-Request-Id, RateLimit, RateLimit-Policy, Retry-After");
    assertThat(limited.header("retry-after")).isNotNull();

    // An origin the filter does not allow gets the 429 without CORS headers, as on a 200.
    RawHttp.Response foreign = f.get(80, "a.example", "/", "Origin: https://evil.example");
    assertThat(foreign.status()).isEqualTo(429);
    assertThat(foreign.header("access-control-allow-origin")).isNull();
    assertThat(foreign.header("access-control-expose-headers")).isNull();
  }
}
