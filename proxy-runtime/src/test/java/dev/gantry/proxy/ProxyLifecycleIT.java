package dev.gantry.proxy;

import static dev.gantry.proxy.testing.ProxyFixture.backend;
import static dev.gantry.proxy.testing.Snap.forward;
import static dev.gantry.proxy.testing.Snap.prefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.model.CanonicalJson;
import dev.gantry.model.ConfigValidationException;
import dev.gantry.model.GatewaySnapshot;
import dev.gantry.proxy.admin.AdminHandlers;
import dev.gantry.proxy.admin.AdminServer;
import dev.gantry.proxy.echo.EchoServer;
import dev.gantry.proxy.testing.LeakGuard;
import dev.gantry.proxy.testing.RawHttp;
import dev.gantry.proxy.testing.Snap;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.ServerSocket;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** apply() is all-or-nothing, readiness, the admin endpoint, and graceful close. */
@ExtendWith(LeakGuard.class)
class ProxyLifecycleIT {

  @Test
  void invalidConfigOrUnbindablePortChangesNothing() throws Exception {
    try (EchoServer v1 = EchoServer.start("127.0.0.1", 0, "v1");
        ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      int takenPort = taken.getLocalPort();
      PrometheusMeterRegistry reg = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      // Port 80 → ephemeral, port 81 → a port that is already in use.
      try (GantryProxy p =
          GantryProxy.start(
              new ProxySettings("127.0.0.1", c -> c == 81 ? takenPort : 0, 1, reg, "gw"))) {
        assertThat(p.ready()).isFalse();
        assertThat(p.current()).isEmpty();
        GatewaySnapshot good =
            new Snap()
                .cluster("v1", v1.port())
                .listener("http", 80, null)
                .route("http", "*", prefix("/"), forward("r", "v1"))
                .build();
        p.apply(good);
        assertThat(p.ready()).isTrue();
        assertThat(p.reloadCount()).isEqualTo(1);
        int bound = p.boundPort(80);

        GatewaySnapshot invalid =
            new Snap()
                .listener("http", 80, null)
                .route("http", "*", prefix("/"), forward("r", "missing-cluster"))
                .build();
        assertThatThrownBy(() -> p.apply(invalid))
            .isInstanceOf(ConfigValidationException.class)
            .hasMessageContaining("missing-cluster");

        GatewaySnapshot conflict =
            new Snap()
                .cluster("v1", v1.port())
                .listener("http", 80, null)
                .listener("other", 81, null)
                .route("http", "*", prefix("/"), forward("r2", "v1"))
                .route("other", "*", prefix("/"), forward("r2", "v1"))
                .build();
        assertThatThrownBy(() -> p.apply(conflict))
            .isInstanceOf(ApplyException.class)
            .hasMessageContaining("listeners.port: 81");

        assertThat(p.current()).contains(good);
        assertThat(p.reloadCount()).isEqualTo(1);
        assertThat(p.boundPort(80)).isEqualTo(bound);
        assertThat(p.boundPort(81)).isEqualTo(-1);
        try (RawHttp c = new RawHttp(bound)) {
          assertThat(backend(c.get("x", "/"))).isEqualTo("v1");
        }
      }
    }
  }

  @Test
  void adminEndpointServesReadinessConfigAndMetrics() throws Exception {
    try (EchoServer v1 = EchoServer.start("127.0.0.1", 0, "v1")) {
      PrometheusMeterRegistry reg = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      try (GantryProxy p =
              GantryProxy.start(new ProxySettings("127.0.0.1", c -> 0, 1, reg, "ns/gw"));
          AdminServer admin =
              AdminServer.start(
                  "127.0.0.1",
                  0,
                  new AdminHandlers(
                      p::ready,
                      () -> p.current().map(CanonicalJson::toPrettyJson).orElse(null),
                      reg))) {
        try (RawHttp a = new RawHttp(admin.port())) {
          assertThat(a.get("admin", "/ready").status()).isEqualTo(503);
          assertThat(a.get("admin", "/live").status()).isEqualTo(200);
        }
        GatewaySnapshot s =
            new Snap()
                .cluster("v1", v1.port())
                .listener("http", 80, null)
                .route("http", "*", prefix("/"), forward("httproute/ns/r/rule/0", "v1"))
                .build();
        p.apply(s);
        try (RawHttp c = new RawHttp(p.boundPort(80))) {
          assertThat(c.get("x", "/").status()).isEqualTo(200);
          assertThat(c.get("x", "/").status()).isEqualTo(200);
        }
        try (RawHttp a = new RawHttp(admin.port())) {
          assertThat(a.get("admin", "/ready").status()).isEqualTo(200);
          RawHttp.Response config = a.get("admin", "/config");
          assertThat(config.body()).contains(s.routing().version());
          String metrics = a.get("admin", "/metrics").body();
          assertThat(metrics)
              .contains(
                  "gantry_requests_total{gateway=\"ns/gw\",route=\"httproute/ns/r/rule/0/match/0\",status_class=\"2xx\"} 2.0")
              .contains("gantry_request_duration_seconds_bucket")
              .contains("gantry_connections_active")
              .contains("gantry_config_reloads_total{gateway=\"ns/gw\"} 1.0")
              .contains("gantry_config_version_info{gateway=\"ns/gw\",version=\"" + s.version());
          assertThat(a.get("admin", "/nope").status()).isEqualTo(404);
        }
      }
    }
  }

  @Test
  void removedListenerDrainsItsConnectionsAndRemovedRoutesLoseTheirMeters() throws Exception {
    try (EchoServer v1 = EchoServer.start("127.0.0.1", 0, "v1")) {
      PrometheusMeterRegistry reg = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      try (GantryProxy p =
          GantryProxy.start(new ProxySettings("127.0.0.1", c -> 0, 1, reg, "gw"))) {
        p.apply(
            new Snap()
                .cluster("v1", v1.port())
                .listener("http", 80, null)
                .listener("extra", 8080, null)
                .route("http", "*", prefix("/"), forward("kept", "v1"))
                .route("extra", "*", prefix("/"), forward("dropped", "v1"))
                .build());
        try (RawHttp extra = new RawHttp(p.boundPort(8080))) {
          assertThat(extra.get("x", "/").status()).isEqualTo(200);
          assertThat(scrapeOnce(reg, "route=\"dropped/match/1\""))
              .contains("route=\"dropped/match/1\"");
          p.apply(
              new Snap()
                  .cluster("v1", v1.port())
                  .listener("http", 80, null)
                  .route("http", "*", prefix("/"), forward("kept", "v1"))
                  .build());
          assertThat(extra.closedByServer(5000))
              .as("idle connection of a removed listener")
              .isTrue();
        }
        assertThat(p.boundPort(8080)).isEqualTo(-1);
        try (RawHttp kept = new RawHttp(p.boundPort(80))) {
          assertThat(kept.get("x", "/").status()).isEqualTo(200);
        }
        assertThat(scrapeOnce(reg, "route=\"kept/match/0\""))
            .doesNotContain("dropped")
            .contains("route=\"kept/match/0\"");
      }
    }
  }

  @Test
  void closeLetsAnInFlightRequestFinish() throws Exception {
    try (EchoServer v1 = EchoServer.start("127.0.0.1", 0, "v1")) {
      GantryProxy p =
          GantryProxy.start(
              new ProxySettings(
                  "127.0.0.1",
                  c -> 0,
                  1,
                  new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                  ""));
      p.apply(
          new Snap()
              .cluster("v1", v1.port())
              .listener("http", 80, null)
              .route("http", "*", prefix("/"), forward("r", "v1"))
              .build());
      try (RawHttp c = new RawHttp(p.boundPort(80))) {
        c.send("GET /?delay=500ms HTTP/1.1\r\nHost: x\r\n\r\n");
        Thread.sleep(100);
        CompletableFuture<Void> closing = CompletableFuture.runAsync(p::close);
        RawHttp.Response r = c.read();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("connection")).isEqualTo("close");
        closing.get();
        assertThat(c.closedByServer(2000)).isTrue();
      }
      assertThat(p.ready()).isFalse();
    }
  }

  /**
   * The scrape once it contains {@code text}, or after 2 s: a request is counted just after its
   * last byte is written, so the client may see the answer first.
   */
  private static String scrapeOnce(PrometheusMeterRegistry reg, String text)
      throws InterruptedException {
    long until = System.nanoTime() + 2_000_000_000L;
    String s = reg.scrape();
    while (!s.contains(text) && System.nanoTime() < until) {
      Thread.sleep(10);
      s = reg.scrape();
    }
    return s;
  }
}
