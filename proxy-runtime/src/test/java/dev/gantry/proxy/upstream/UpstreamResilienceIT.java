package dev.gantry.proxy.upstream;

import static dev.gantry.proxy.testing.Snap.forward;
import static dev.gantry.proxy.testing.Snap.prefix;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.model.endpoints.Endpoint;
import dev.gantry.model.routing.backend.ActiveHealthCheck;
import dev.gantry.model.routing.backend.BackendPolicy;
import dev.gantry.model.routing.backend.CircuitBreaker;
import dev.gantry.model.routing.backend.LoadBalancing;
import dev.gantry.proxy.testing.ControlledBackend;
import dev.gantry.proxy.testing.LeakGuard;
import dev.gantry.proxy.testing.LoadLoop;
import dev.gantry.proxy.testing.ProxyFixture;
import dev.gantry.proxy.testing.RawHttp;
import dev.gantry.proxy.testing.Snap;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upstream resilience with real loopback upstreams under continuous load: passive ejection of a
 * killed endpoint, active health checks down and up again, a slow endpoint that least-request
 * balancing routes around, and the circuit breaker tripping and recovering.
 */
@ExtendWith(LeakGuard.class)
class UpstreamResilienceIT {
  static ProxyFixture f;

  @BeforeAll
  static void start() {
    f = new ProxyFixture();
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  private static double gauge(String cluster, String endpoint) {
    Gauge g =
        f.registry
            .find("gantry.upstream.endpoint.healthy")
            .tag("cluster", cluster)
            .tag("endpoint", endpoint)
            .gauge();
    return g == null ? Double.NaN : g.value();
  }

  private static double counter(String name, String cluster, String... tags) {
    var search = f.registry.find(name).tag("cluster", cluster);
    for (int i = 0; i < tags.length; i += 2) {
      search = search.tag(tags[i], tags[i + 1]);
    }
    Counter c = search.counter();
    return c == null ? 0 : c.count();
  }

  /** Polls {@code condition} every 5 ms; the milliseconds it took, or -1 after {@code maxMs}. */
  private static long millisUntil(BooleanSupplier condition, long maxMs)
      throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + TimeUnit.MILLISECONDS.toNanos(maxMs);
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      }
      Thread.sleep(5);
    }
    return -1;
  }

  private static String key(int port) {
    return "127.0.0.1:" + port;
  }

  @Test
  void killingOneOfThreeEndpointsUnderLoadFailsAlmostNothingAndStopsTrafficWithinOneSecond()
      throws Exception {
    try (ControlledBackend k1 = new ControlledBackend("k1");
        ControlledBackend k2 = new ControlledBackend("k2");
        ControlledBackend k3 = new ControlledBackend("k3")) {
      Snap snap =
          f.snap()
              .cluster("kill", k1.port(), k2.port(), k3.port())
              .listener("http", 80, null)
              .route("http", "*", prefix("/"), forward("kill-rule", "kill"));
      f.apply(snap);
      LoadLoop load = new LoadLoop(f.port(80), 4, "x", "/", RawHttp.Response::body);
      assertThat(millisUntil(() -> load.count("k3") >= 20, 10_000))
          .as("k3 gets traffic before the kill")
          .isNotNegative();

      // Like a killed process: the listener and every open connection go at once.
      k3.kill();
      long killed = System.nanoTime();
      long ejectedAfterMs = millisUntil(() -> gauge("kill", key(k3.port())) == 0, 1000);
      long sleepMs = 1000 - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
      Thread.sleep(Math.max(0, sleepMs));
      {
        Process ss =
            new ProcessBuilder(
                    "ss", "-tanoi", "( sport = :" + k3.port() + " or dport = :" + k3.port() + " )")
                .redirectErrorStream(true)
                .start();
        System.out.println("SSDUMP\n" + new String(ss.getInputStream().readAllBytes()));
      }
      double connectErrorsAtOneSecond =
          counter("gantry.upstream.errors", "kill", "kind", "connect");
      long totalAtOneSecond = load.total();

      // A reload keeps the ejection: the dead endpoint is still in the config and stays out.
      f.apply(snap.route("http", "reloaded.example", prefix("/"), forward("kill-rule-2", "kill")));
      // Enough requests after the kill for a 0.1 % bound to mean something, bounded well inside
      // the default 10 s ejection (after it the endpoint is tried again, by design).
      millisUntil(() -> load.total() - totalAtOneSecond >= 1500, 6_000);
      load.stop();

      {
        Process ss =
            new ProcessBuilder(
                    "ss", "-tanoi", "( sport = :" + k3.port() + " or dport = :" + k3.port() + " )")
                .redirectErrorStream(true)
                .start();
        System.out.println("SSDUMP-END\n" + new String(ss.getInputStream().readAllBytes()));
      }
      double connectErrorsAtEnd = counter("gantry.upstream.errors", "kill", "kind", "connect");
      double ratio = (double) load.failed() / load.total();
      System.out.printf(
          "kill one of three: %d requests, %d failed (%.4f%%), ejected %d ms after the kill,"
              + " connect attempts to the dead endpoint: %.0f in the first second, %.0f after;"
              + " statuses %s; per backend k1=%d k2=%d k3=%d%n",
          load.total(),
          load.failed(),
          ratio * 100,
          ejectedAfterMs,
          connectErrorsAtOneSecond,
          connectErrorsAtEnd - connectErrorsAtOneSecond,
          load.statuses(),
          load.count("k1"),
          load.count("k2"),
          load.count("k3"));
      load.failures().forEach(x -> System.out.println("  failure " + x));
      assertThat(ejectedAfterMs).as("ejected within 1 s").isBetween(0L, 1000L);
      assertThat(load.total() - totalAtOneSecond).as("load went on after the kill").isPositive();
      assertThat(ratio).as("failed share").isLessThan(0.001);
      assertThat(connectErrorsAtEnd)
          .as("no request sent to the killed endpoint later than 1 s after the kill")
          .isEqualTo(connectErrorsAtOneSecond);
      assertThat(counter("gantry.upstream.ejections", "kill")).isEqualTo(1.0);
      String scrape = f.registry.scrape();
      assertThat(scrape)
          .contains("gantry_upstream_ejections_total{cluster=\"kill\",gateway=\"ns/gw\"} 1.0")
          .contains(
              "gantry_upstream_endpoint_healthy{cluster=\"kill\",endpoint=\""
                  + key(k3.port())
                  + "\",gateway=\"ns/gw\"} 0.0");
    }
  }

  @Test
  void activeHealthCheckTakesAnEndpointOutWithinTwoIntervalsAndBringsItBack() throws Exception {
    long interval = 400;
    try (ControlledBackend h1 = new ControlledBackend("h1");
        ControlledBackend h2 = new ControlledBackend("h2");
        ControlledBackend h3 = new ControlledBackend("h3")) {
      BackendPolicy policy =
          new BackendPolicy(
              null,
              null,
              new ActiveHealthCheck(
                  ControlledBackend.HEALTH_PATH, null, List.of(), interval, 300, 1, 2),
              null,
              null,
              null,
              null);
      f.apply(
          f.snap()
              .cluster("checked", h1.port(), h2.port(), h3.port())
              .policy("checked", policy)
              .listener("http", 80, null)
              .route("http", "*", prefix("/"), forward("checked-rule", "checked")));
      assertThat(millisUntil(() -> h2.probes() >= 2, 2000)).as("probes run").isNotNegative();
      LoadLoop load = new LoadLoop(f.port(80), 2, "x", "/", RawHttp.Response::body);
      assertThat(millisUntil(() -> h2.requests() >= 5, 10_000)).isNotNegative();

      h2.healthStatus = 503;
      long downMs = millisUntil(() -> gauge("checked", key(h2.port())) == 0, 2000);
      // A request picked just before the flip may still be on the wire: it is in flight, not
      // traffic sent while unhealthy. Let those land before counting.
      Thread.sleep(200);
      long atDown = h2.requests();
      Thread.sleep(3 * interval);
      long whileDown = h2.requests() - atDown;

      h2.healthStatus = 200;
      long upMs = millisUntil(() -> gauge("checked", key(h2.port())) == 1, 2000);
      long atUp = h2.requests();
      millisUntil(() -> h2.requests() > atUp, 5_000);
      load.stop();
      System.out.printf(
          "active check (interval %d ms, unhealthy after 2, healthy after 1): down after %d ms,"
              + " %d requests to it while down, up after %d ms, %d requests after recovery,"
              + " %d of %d failed%n",
          interval, downMs, whileDown, upMs, h2.requests() - atUp, load.failed(), load.total());
      // Two intervals, plus slack for timers on a loaded 2-core CI machine.
      assertThat(downMs).as("marked down within two intervals").isBetween(0L, 2 * interval + 200);
      assertThat(whileDown).as("no traffic while unhealthy").isZero();
      assertThat(upMs).as("marked up again").isBetween(0L, 2 * interval + 200);
      assertThat(h2.requests()).as("used again after recovery").isGreaterThan(atUp);
      assertThat(load.failed()).isZero();

      // An endpoint that leaves the config is no longer probed.
      f.apply(
          f.snap()
              .cluster("checked", h1.port(), h3.port())
              .policy("checked", policy)
              .listener("http", 80, null)
              .route("http", "*", prefix("/"), forward("checked-rule", "checked")));
      Thread.sleep(interval); // a probe already under way may still land
      long probesAfterRemoval = h2.probes();
      Thread.sleep(3 * interval);
      assertThat(h2.probes()).as("no probes after removal").isEqualTo(probesAfterRemoval);
      assertThat(h1.probes()).as("the others are still probed").isPositive();
    }
  }

  @Test
  void leastRequestSendsASlowEndpointLittleAndTheOthersKeepServing() throws Exception {
    try (ControlledBackend fast1 = new ControlledBackend("fast1");
        ControlledBackend fast2 = new ControlledBackend("fast2");
        ControlledBackend slow = new ControlledBackend("slow")) {
      slow.delayMs = 2000;
      f.apply(
          f.snap()
              .cluster("mixed", fast1.port(), fast2.port(), slow.port())
              .policy(
                  "mixed",
                  new BackendPolicy(null, LoadBalancing.DEFAULT, null, null, null, null, null))
              .listener("http", 80, null)
              .route("http", "*", prefix("/"), forward("mixed-rule", "mixed")));
      LoadLoop load = new LoadLoop(f.port(80), 8, "x", "/", RawHttp.Response::body);
      Thread.sleep(3000);
      load.stop();
      long fast = load.count("fast1") + load.count("fast2");
      System.out.printf(
          "least request, one endpoint answering after 2 s: fast1=%d fast2=%d slow=%d of %d,"
              + " %d failed%n",
          load.count("fast1"), load.count("fast2"), slow.requests(), load.total(), load.failed());
      assertThat(load.failed()).isZero();
      // Round robin would send the slow endpoint a third of the requests and hold every client
      // on it for 2 s; least request leaves it a few while the fast ones take the load.
      assertThat(fast).as("the fast endpoints keep serving").isGreaterThan(20 * slow.requests());
      assertThat(slow.requests()).as("the slow endpoint gets little").isLessThan(load.total() / 20);
    }
  }

  @Test
  void circuitBreakerAnswersOverflowWithAFast503AndRecovers() throws Exception {
    try (ControlledBackend held = new ControlledBackend("held")) {
      held.delayMs = 800;
      f.apply(
          f.snap()
              .cluster("guarded", held.port())
              .policy(
                  "guarded",
                  new BackendPolicy(
                      null, null, null, null, new CircuitBreaker(100, 100, 2, 3), null, null))
              .listener("http", 80, null)
              .route("http", "*", prefix("/"), forward("guarded-rule", "guarded")));
      ExecutorService pool = Executors.newFixedThreadPool(5);
      try {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<long[]>> results = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          results.add(
              pool.submit(
                  () -> {
                    go.await();
                    long t0 = System.nanoTime();
                    RawHttp.Response r = f.get(80, "x", "/");
                    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                    boolean header = "max-requests".equals(r.header("x-gantry-overload"));
                    return new long[] {r.status(), ms, header ? 1 : 0};
                  }));
        }
        go.countDown();
        int ok = 0;
        int rejected = 0;
        long slowestRejectionMs = 0;
        for (Future<long[]> fu : results) {
          long[] r = fu.get(10, TimeUnit.SECONDS);
          if (r[0] == 200) {
            ok++;
          } else {
            assertThat(r[0]).isEqualTo(503);
            assertThat(r[2]).as("x-gantry-overload: max-requests").isEqualTo(1);
            rejected++;
            slowestRejectionMs = Math.max(slowestRejectionMs, r[1]);
          }
        }
        System.out.printf(
            "circuit breaker maxRequests=2, 5 concurrent: %d ok, %d rejected (slowest rejection"
                + " %d ms), upstream saw %d%n",
            ok, rejected, slowestRejectionMs, held.requests());
        assertThat(ok).isEqualTo(2);
        assertThat(rejected).isEqualTo(3);
        assertThat(slowestRejectionMs).as("rejections are fast").isLessThan(held.delayMs);
        assertThat(held.requests()).as("no upstream request for rejected ones").isEqualTo(2);
        assertThat(counter("gantry.upstream.overload", "guarded", "limit", "max-requests"))
            .isEqualTo(3.0);

        // Load dropped: the next requests pass at once.
        held.delayMs = 0;
        for (int i = 0; i < 3; i++) {
          assertThat(f.get(80, "x", "/").status()).isEqualTo(200);
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void servingTerminatingEndpointsAreUsedOnlyWhenNoReadyOneExists() throws Exception {
    Endpoint ready = new Endpoint("127.0.0.1", f.v1.port(), true, true, false, null);
    Endpoint terminating = new Endpoint("127.0.0.1", f.v2.port(), false, true, true, null);
    Endpoint gone = new Endpoint("127.0.0.1", f.v3.port(), false, false, true, null);
    Snap snap =
        f.snap()
            .cluster("draining", f.v1.port())
            .endpoints("draining", ready, terminating, gone)
            .listener("http", 80, null)
            .route("http", "*", prefix("/"), forward("draining-rule", "draining"));
    f.apply(snap);
    for (int i = 0; i < 20; i++) {
      assertThat(ProxyFixture.backend(f.get(80, "x", "/"))).isEqualTo("v1");
    }
    f.apply(snap.endpoints("draining", terminating, gone));
    for (int i = 0; i < 20; i++) {
      assertThat(ProxyFixture.backend(f.get(80, "x", "/"))).isEqualTo("v2");
    }
    f.apply(snap.endpoints("draining", gone));
    assertThat(f.get(80, "x", "/").status()).isEqualTo(503);
  }
}
