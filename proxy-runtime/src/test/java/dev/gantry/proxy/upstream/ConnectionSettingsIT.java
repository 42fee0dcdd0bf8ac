package dev.gantry.proxy.upstream;

import static dev.gantry.proxy.testing.Snap.forward;
import static dev.gantry.proxy.testing.Snap.prefix;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.model.routing.AppProtocol;
import dev.gantry.model.routing.backend.BackendPolicy;
import dev.gantry.model.routing.backend.CircuitBreaker;
import dev.gantry.model.routing.backend.ConnectionSettings;
import dev.gantry.proxy.route.UpstreamEndpoint;
import dev.gantry.proxy.testing.ControlledBackend;
import dev.gantry.proxy.testing.LeakGuard;
import dev.gantry.proxy.testing.ProxyFixture;
import dev.gantry.proxy.testing.RawHttp;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A cluster's connection settings on real upstream connections: requests per connection, idle
 * timeout, h2c streams per connection, and the circuit breaker's connection limit.
 */
@ExtendWith(LeakGuard.class)
class ConnectionSettingsIT {
  static ProxyFixture f;

  @BeforeAll
  static void start() {
    f = new ProxyFixture();
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  private static BackendPolicy policy(CircuitBreaker cb, ConnectionSettings cs) {
    return new BackendPolicy(null, null, null, null, cb, null, cs);
  }

  private static EndpointState state(String cluster, int port, AppProtocol protocol) {
    return f.proxy
        .upstreams()
        .member(cluster, new UpstreamEndpoint(new InetSocketAddress("127.0.0.1", port), protocol))
        .state();
  }

  @Test
  void aConnectionIsClosedAfterMaxRequestsPerConnection() throws Exception {
    try (ControlledBackend b = new ControlledBackend("b")) {
      f.apply(
          f.snap()
              .cluster("capped", b.port())
              .policy("capped", policy(null, new ConnectionSettings(5_000, 60_000, 3, 100)))
              .listener("http", 80, null)
              .route("http", "*", prefix("/"), forward("capped-rule", "capped")));
      try (RawHttp c = new RawHttp(f.port(80))) {
        for (int i = 0; i < 9; i++) {
          assertThat(c.get("x", "/").status()).isEqualTo(200);
        }
      }
      assertThat(b.requests()).isEqualTo(9);
      assertThat(b.connections()).as("9 requests, 3 per connection").isEqualTo(3);
    }
  }

  @Test
  void idleConnectionsCloseAfterTheIdleTimeout() throws Exception {
    try (ControlledBackend b = new ControlledBackend("idle")) {
      f.apply(
          f.snap()
              .cluster("idle", b.port())
              .policy("idle", policy(null, new ConnectionSettings(5_000, 300, 0, 100)))
              .listener("http", 80, null)
              .route("http", "*", prefix("/"), forward("idle-rule", "idle")));
      assertThat(f.get(80, "x", "/").status()).isEqualTo(200);
      EndpointState s = state("idle", b.port(), AppProtocol.HTTP1);
      assertThat(s.openConnections()).isEqualTo(1);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (s.openConnections() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(s.openConnections()).as("closed after 300 ms idle").isZero();
    }
  }

  @Test
  void idleH2cConnectionsCloseAfterTheIdleTimeout() throws Exception {
    f.apply(
        f.snap()
            .cluster("h2-idle", AppProtocol.H2C, f.v2.port())
            .policy("h2-idle", policy(null, new ConnectionSettings(5_000, 300, 0, 100)))
            .listener("http", 80, null)
            .route("http", "*", prefix("/"), forward("h2-idle-rule", "h2-idle")));
    assertThat(f.get(80, "x", "/").status()).isEqualTo(200);
    EndpointState s = state("h2-idle", f.v2.port(), AppProtocol.H2C);
    assertThat(s.openConnections()).isEqualTo(1);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (s.openConnections() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(s.openConnections()).as("h2c connection closed after 300 ms idle").isZero();
    assertThat(f.get(80, "x", "/").status()).as("a new one opens on demand").isEqualTo(200);
  }

  @Test
  void h2cOpensAnotherConnectionBeyondMaxConcurrentStreams() throws Exception {
    f.apply(
        f.snap()
            .cluster("h2", AppProtocol.H2C, f.v1.port())
            .policy("h2", policy(null, new ConnectionSettings(5_000, 60_000, 0, 2)))
            .listener("http", 80, null)
            .route("http", "*", prefix("/"), forward("h2-rule", "h2")));
    EndpointState s = state("h2", f.v1.port(), AppProtocol.H2C);
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      long before = f.v1.requestCount();
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        results.add(pool.submit(() -> f.get(80, "x", "/?delay=2s").status()));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      while (f.v1.requestCount() - before < 6 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(f.v1.requestCount() - before).as("all 6 streams in flight").isEqualTo(6);
      int open = s.openConnections();
      for (Future<Integer> r : results) {
        assertThat(r.get(10, TimeUnit.SECONDS)).isEqualTo(200);
      }
      // 6 streams at most 2 per connection: 3 connections, or more when the proxy's event loops
      // (each with its own pool) split the streams unevenly.
      assertThat(open).as("6 concurrent streams, 2 per connection").isBetween(3, 6);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theConnectionLimitAnswersA503NamingIt() throws Exception {
    try (ControlledBackend b = new ControlledBackend("one")) {
      b.delayMs = 800;
      f.apply(
          f.snap()
              .cluster("one-conn", b.port())
              .policy("one-conn", policy(new CircuitBreaker(1, 100, 100, 3), null))
              .listener("http", 80, null)
              .route("http", "*", prefix("/"), forward("one-rule", "one-conn")));
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        Future<RawHttp.Response> first = pool.submit(() -> f.get(80, "x", "/"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (b.requests() == 0 && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
        RawHttp.Response second = f.get(80, "x", "/");
        assertThat(second.status()).isEqualTo(503);
        assertThat(second.header("x-gantry-overload")).isEqualTo("max-connections");
        assertThat(first.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
        b.delayMs = 0;
        // The first connection is pooled again: the next request reuses it.
        assertThat(f.get(80, "x", "/").status()).isEqualTo(200);
      } finally {
        pool.shutdownNow();
      }
    }
  }
}
