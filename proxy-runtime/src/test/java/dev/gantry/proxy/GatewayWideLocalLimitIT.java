package dev.gantry.proxy;

import static dev.gantry.proxy.testing.RateLimits.limit;
import static dev.gantry.proxy.testing.RateLimits.refs;
import static dev.gantry.proxy.testing.Snap.prefix;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.model.GatewaySnapshot;
import dev.gantry.model.routing.RateLimit;
import dev.gantry.model.routing.RateLimit.Scope;
import dev.gantry.proxy.echo.EchoServer;
import dev.gantry.proxy.testing.LeakGuard;
import dev.gantry.proxy.testing.RateLimits;
import dev.gantry.proxy.testing.RawHttp;
import dev.gantry.proxy.testing.Snap;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** A Local Gateway-wide limit across three replicas totals the limit the user wrote. */
@ExtendWith(LeakGuard.class)
@Timeout(120)
class GatewayWideLocalLimitIT {

  @Test
  void threeReplicasTogetherPassNWithinFivePercent() throws Exception {
    int n = 300;
    RateLimit rl = RateLimits.of("rl-wide", Scope.LOCAL, null, true, limit("gateway", n, 600_000));
    try (EchoServer echo = EchoServer.start("127.0.0.1", 0, "v1")) {
      GatewaySnapshot snap =
          new Snap()
              .cluster("v1", echo.port())
              .rateLimit(rl)
              .listener("http", 80, null)
              .route(
                  "http", "*", prefix("/"), Snap.forward("r0", "v1").withPolicies(refs("rl-wide")))
              .build();
      List<GantryProxy> proxies = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          GantryProxy p =
              GantryProxy.start(
                  new ProxySettings(
                      "127.0.0.1",
                      x -> 0,
                      1,
                      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                      "ns/gw"));
          // Scale up before the config: the operator sends the count with the snapshot.
          p.readyReplicas(3);
          p.apply(snap);
          proxies.add(p);
        }
        int passed = load(proxies, 2 * n);
        System.out.println(
            "local Gateway-wide limit " + n + " across 3 replicas: " + passed + " passed");
        assertThat(passed).isBetween((int) (n * 0.95), (int) (n * 1.05));
        assertThat(passed).isEqualTo(n); // 300 / 3 divides evenly: exact here

        // Scale down to one replica: the survivor's share becomes the whole limit, its bucket
        // keeping the fraction it has used (all of it) — so nothing more passes in this window.
        proxies.get(0).readyReplicas(1);
        assertThat(status(proxies.get(0))).isEqualTo(429);
      } finally {
        proxies.forEach(GantryProxy::close);
      }
    }
  }

  static int status(GantryProxy p) throws Exception {
    try (RawHttp c = new RawHttp(p.boundPort(80))) {
      return c.get("a.example", "/").status();
    }
  }

  /** Sends {@code total} requests round-robin over the proxies from 6 threads; returns the 200s. */
  static int load(List<GantryProxy> proxies, int total) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < total; i++) {
        GantryProxy p = proxies.get(i % proxies.size());
        results.add(pool.submit(() -> status(p)));
      }
      int ok = 0;
      for (Future<Integer> r : results) {
        int s = r.get();
        assertThat(s).isIn(200, 429);
        ok += s == 200 ? 1 : 0;
      }
      return ok;
    } finally {
      pool.shutdownNow();
    }
  }
}
