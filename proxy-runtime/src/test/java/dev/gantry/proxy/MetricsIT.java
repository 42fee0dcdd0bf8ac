package dev.gantry.proxy;

import static dev.gantry.proxy.testing.Snap.forward;
import static dev.gantry.proxy.testing.Snap.prefix;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.model.GatewaySnapshot;
import dev.gantry.proxy.admin.AdminHandlers;
import dev.gantry.proxy.admin.AdminServer;
import dev.gantry.proxy.testing.LeakGuard;
import dev.gantry.proxy.testing.PrometheusText;
import dev.gantry.proxy.testing.ProxyFixture;
import dev.gantry.proxy.testing.RawHttp;
import dev.gantry.proxy.testing.Snap;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scrapes {@code /metrics} of a real proxy (admin endpoint, Prometheus text) before and after
 * traffic and checks that the route, cluster, pool and config series move as they should.
 */
@ExtendWith(LeakGuard.class)
class MetricsIT {
  private static final String ROUTE_OK = "ok/match/0";
  private static final String ROUTE_DEAD = "dead/match/1";

  private ProxyFixture f;
  private AdminServer admin;
  private int deadPort;

  @BeforeEach
  void start() throws IOException {
    f = new ProxyFixture();
    admin =
        AdminServer.start("127.0.0.1", 0, new AdminHandlers(() -> true, () -> "{}", f.registry));
    // A port that was just free: nothing listens there, so connecting is refused at once.
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      deadPort = s.getLocalPort();
    }
  }

  @AfterEach
  void stop() {
    admin.close();
    f.close();
  }

  private Snap config() {
    return f.snap()
        .cluster("dead", deadPort)
        .listener("http", 80, null)
        .route("http", "*", prefix("/ok"), forward("ok", "v1"))
        .route("http", "*", prefix("/dead"), forward("dead", "dead"));
  }

  private String scrape() throws IOException {
    try (RawHttp a = new RawHttp(admin.port())) {
      RawHttp.Response r = a.get("admin", "/metrics");
      assertThat(r.status()).isEqualTo(200);
      return r.body();
    }
  }

  /** Scrapes until {@code done} holds (bounded), then returns that scrape. */
  private String settled(java.util.function.Predicate<String> done) throws IOException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
    String s = scrape();
    while (!done.test(s) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      s = scrape();
    }
    return s;
  }

  private static double v(String scrape, String name, String... labels) {
    Map<String, String> m = new java.util.HashMap<>();
    m.put("gateway", "ns/gw");
    for (int i = 0; i < labels.length; i += 2) {
      m.put(labels[i], labels[i + 1]);
    }
    return PrometheusText.value(scrape, name, m);
  }

  @Test
  void routeAndClusterSeriesCountRequestsAndLatency() throws IOException {
    f.apply(config());
    String before = scrape();
    // A route's series appear with its first request (RouteMetrics): no memory for idle routes.
    assertThat(before).doesNotContain(ROUTE_OK);
    assertThat(v(before, "gantry_upstream_requests_total", "cluster", "v1", "code_class", "2xx"))
        .isEqualTo(0);

    try (RawHttp c = new RawHttp(f.port(80))) {
      for (int i = 0; i < 5; i++) {
        assertThat(c.get("x", "/ok/" + i).status()).isEqualTo(200);
      }
    }
    assertThat(f.get(80, "x", "/nothing-here").status()).isEqualTo(404);

    // A request is counted just after its last byte is written: the client may scrape first.
    String after =
        settled(
            s ->
                v(s, "gantry_requests_total", "route", "none", "status_class", "4xx") == 1
                    && v(s, "gantry_requests_total", "route", ROUTE_OK, "status_class", "2xx") == 5
                    && v(s, "gantry_upstream_requests_total", "cluster", "v1", "code_class", "2xx")
                        == 5);
    assertThat(v(after, "gantry_requests_total", "route", ROUTE_OK, "status_class", "2xx"))
        .isEqualTo(5);
    assertThat(v(after, "gantry_request_duration_seconds_count", "route", ROUTE_OK)).isEqualTo(5);
    assertThat(v(after, "gantry_requests_total", "route", "none", "status_class", "4xx"))
        .isEqualTo(1);
    assertThat(v(after, "gantry_upstream_requests_total", "cluster", "v1", "code_class", "2xx"))
        .isEqualTo(5);
    assertThat(v(after, "gantry_upstream_request_duration_seconds_count", "cluster", "v1"))
        .isEqualTo(5);
    // Every request took less than 10 s: the +Inf bucket and the 10 s bucket agree.
    assertThat(
            v(
                after,
                "gantry_upstream_request_duration_seconds_bucket",
                "cluster",
                "v1",
                "le",
                "10.0"))
        .isEqualTo(5);
    assertThat(v(after, "gantry_upstream_request_duration_seconds_sum", "cluster", "v1"))
        .isGreaterThan(0);
    // The keep-alive connection to v1 went back to the pool of its event loop.
    assertThat(v(after, "gantry_upstream_connections", "state", "idle")).isGreaterThanOrEqualTo(1);
    assertThat(v(after, "gantry_upstream_connections", "state", "active")).isEqualTo(0);
  }

  @Test
  void aDeadEndpointCountsConnectFailuresAndA503() throws IOException {
    f.apply(config());
    String before = scrape();
    assertThat(v(before, "gantry_upstream_errors_total", "cluster", "dead", "kind", "connect"))
        .isEqualTo(0);

    for (int i = 0; i < 3; i++) {
      assertThat(f.get(80, "x", "/dead").status()).isEqualTo(503);
    }

    String after =
        settled(
            s -> v(s, "gantry_requests_total", "route", ROUTE_DEAD, "status_class", "5xx") == 3);
    // Each request tries twice: a connect failure is retried once (it never reached an upstream,
    // so that is always safe), and with one endpoint the retry goes to the same dead one.
    assertThat(v(after, "gantry_upstream_errors_total", "cluster", "dead", "kind", "connect"))
        .isEqualTo(6);
    assertThat(v(after, "gantry_requests_total", "route", ROUTE_DEAD, "status_class", "5xx"))
        .isEqualTo(3);
    // No attempt got a response head: nothing counted as an upstream response.
    assertThat(v(after, "gantry_upstream_request_duration_seconds_count", "cluster", "dead"))
        .isEqualTo(0);
  }

  @Test
  void aReloadMovesTheVersionInfoAndTheReloadTime() throws Exception {
    long startedSeconds = System.currentTimeMillis() / 1000;
    GatewaySnapshot first = f.apply(config());
    String one = scrape();
    assertThat(v(one, "gantry_config_version_info", "version", first.version())).isEqualTo(1);
    assertThat(v(one, "gantry_config_reloads_total")).isEqualTo(1);
    double firstReload = v(one, "gantry_config_last_reload_timestamp_seconds");
    assertThat(firstReload).isGreaterThanOrEqualTo(startedSeconds);

    Thread.sleep(20);
    GatewaySnapshot second =
        f.apply(
            f.snap()
                .listener("http", 80, null)
                .route("http", "*", prefix("/"), forward("other", "v2")));
    String two = scrape();
    assertThat(second.version()).isNotEqualTo(first.version());
    assertThat(v(two, "gantry_config_version_info", "version", second.version())).isEqualTo(1);
    assertThat(v(two, "gantry_config_version_info", "version", first.version())).isNaN();
    assertThat(v(two, "gantry_config_reloads_total")).isEqualTo(2);
    assertThat(v(two, "gantry_config_last_reload_timestamp_seconds")).isGreaterThan(firstReload);
    // The removed cluster's series are gone, the kept ones stay.
    assertThat(v(two, "gantry_upstream_requests_total", "cluster", "dead", "code_class", "2xx"))
        .isNaN();
    assertThat(v(two, "gantry_upstream_requests_total", "cluster", "v2", "code_class", "2xx"))
        .isEqualTo(0);
  }
}
