package dev.gantry.proxy;

import static dev.gantry.proxy.testing.RateLimits.header;
import static dev.gantry.proxy.testing.RateLimits.limit;
import static dev.gantry.proxy.testing.RateLimits.refs;
import static dev.gantry.proxy.testing.Snap.prefix;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.model.GatewaySnapshot;
import dev.gantry.model.routing.RateLimit;
import dev.gantry.model.routing.RateLimit.Scope;
import dev.gantry.proxy.echo.EchoServer;
import dev.gantry.proxy.ratelimit.RateLimitSettings;
import dev.gantry.proxy.testing.LeakGuard;
import dev.gantry.proxy.testing.RateLimits;
import dev.gantry.proxy.testing.RawHttp;
import dev.gantry.proxy.testing.RedisServers;
import dev.gantry.proxy.testing.Snap;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Global limits against the real Redis that {@code .ci/run} starts ({@code GANTRY_TEST_REDIS}).
 * Policy names carry a random suffix so a re-run within a window never reads an earlier run's
 * counters.
 */
@ExtendWith(LeakGuard.class)
@Timeout(120)
class GlobalRateLimitIT {
  static final long TEN_MINUTES = 600_000;

  static RateLimitSettings settings(String url) {
    // A generous store timeout: these tests measure accuracy on a loaded 2-core machine, not the
    // failure path (RedisOutageIT does that with the default 50 ms).
    return new RateLimitSettings(url, Duration.ofSeconds(2), null, 0, true, 1000);
  }

  static GantryProxy proxy(String url) {
    return GantryProxy.start(
        new ProxySettings(
            "127.0.0.1",
            x -> 0,
            1,
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            "ns/gw",
            settings(url)));
  }

  static GatewaySnapshot snapshot(int echoPort, RateLimit rl) {
    return new Snap()
        .cluster("v1", echoPort)
        .rateLimit(rl)
        .listener("http", 80, null)
        .route("http", "*", prefix("/"), Snap.forward("r0", "v1").withPolicies(refs(rl.name())))
        .build();
  }

  static RawHttp.Response get(GantryProxy p, String... headers) throws Exception {
    try (RawHttp c = new RawHttp(p.boundPort(80))) {
      return c.get("a.example", "/", headers);
    }
  }

  @Test
  void oneProxyPassesExactlyNPerKey() throws Exception {
    String url = RedisServers.sharedUrl();
    String name = "rl-one-" + UUID.randomUUID();
    RateLimit rl =
        RateLimits.of(
            name,
            Scope.GLOBAL,
            null,
            false,
            limit("per-key", 20, TEN_MINUTES, header("x-api-key")));
    try (EchoServer echo = EchoServer.start("127.0.0.1", 0, "v1");
        GantryProxy p = proxy(url)) {
      p.apply(snapshot(echo.port(), rl));
      int okA = 0;
      int okB = 0;
      for (int i = 0; i < 30; i++) {
        okA += get(p, "X-Api-Key: a").status() == 200 ? 1 : 0;
        okB += get(p, "X-Api-Key: b").status() == 200 ? 1 : 0;
      }
      assertThat(okA).isEqualTo(20);
      assertThat(okB).isEqualTo(20);
      RawHttp.Response no = get(p, "X-Api-Key: a");
      assertThat(no.status()).isEqualTo(429);
      assertThat(no.header("ratelimit-policy")).isEqualTo("\"per-key\";q=20;w=600");
      assertThat(Long.parseLong(no.header("retry-after"))).isBetween(1L, 600L);
      RawHttp.Response fresh = get(p, "X-Api-Key: c");
      assertThat(fresh.header("ratelimit")).matches("\"per-key\";r=19;t=\\d+");
    }
  }

  /**
   * One hot key (a limit with no key) under 48 concurrent requests, with the default 50 ms store
   * timeout: the checks of one key are batched into one compare-and-swap, so none of them times out
   * racing the others (before, they did, and failureMode Open let all 500 through) and exactly the
   * limit passes.
   */
  @Test
  void concurrentRequestsOnOneKeyAreBatchedNotTimedOut() throws Exception {
    String url = RedisServers.sharedUrl();
    int n = 400;
    String name = "rl-hot-" + UUID.randomUUID();
    RateLimit rl = RateLimits.of(name, Scope.GLOBAL, null, false, limit("all", n, TEN_MINUTES));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (EchoServer echo = EchoServer.start("127.0.0.1", 0, "v1");
        GantryProxy p =
            GantryProxy.start(
                new ProxySettings(
                    "127.0.0.1",
                    x -> 0,
                    1,
                    registry,
                    "ns/gw",
                    new RateLimitSettings(url, Duration.ofMillis(50), null, 0, true, 1000)))) {
      p.apply(snapshot(echo.port(), rl));
      get(p); // connects to Redis
      ExecutorService pool = Executors.newFixedThreadPool(48);
      try {
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < n + 100; i++) {
          results.add(pool.submit(() -> get(p).status()));
        }
        int ok = 0;
        int limited = 0;
        for (Future<Integer> r : results) {
          int s = r.get();
          assertThat(s).isIn(200, 429);
          ok += s == 200 ? 1 : 0;
          limited += s == 429 ? 1 : 0;
        }
        System.out.println("hot key, 48 concurrent: " + ok + " passed, " + limited + " limited");
        assertThat(ok).isEqualTo(n - 1);
        assertThat(limited).isEqualTo(101);
        assertThat(registry.scrape()).contains("result=\"store_error\"} 0.0");
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void threeProxiesSharingRedisPassNWithinOnePercent() throws Exception {
    String url = RedisServers.sharedUrl();
    int n = 300;
    String name = "rl-three-" + UUID.randomUUID();
    RateLimit rl = RateLimits.of(name, Scope.GLOBAL, null, false, limit("all", n, TEN_MINUTES));
    List<GantryProxy> proxies = new ArrayList<>();
    try (EchoServer echo = EchoServer.start("127.0.0.1", 0, "v1")) {
      for (int i = 0; i < 3; i++) {
        GantryProxy p = proxy(url);
        p.apply(snapshot(echo.port(), rl));
        proxies.add(p);
      }
      ExecutorService pool = Executors.newFixedThreadPool(6);
      try {
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 2 * n; i++) {
          GantryProxy p = proxies.get(i % 3);
          results.add(pool.submit(() -> get(p).status()));
        }
        int ok = 0;
        for (Future<Integer> r : results) {
          int s = r.get();
          assertThat(s).isIn(200, 429);
          ok += s == 200 ? 1 : 0;
        }
        System.out.println(
            "global limit " + n + " across 3 proxies sharing Redis: " + ok + " passed");
        assertThat(ok).isBetween((int) (n * 0.99), (int) (n * 1.01));
      } finally {
        pool.shutdownNow();
      }
    } finally {
      proxies.forEach(GantryProxy::close);
    }
  }
}
