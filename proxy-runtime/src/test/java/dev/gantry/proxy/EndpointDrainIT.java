package dev.gantry.proxy;

import static dev.gantry.proxy.testing.ProxyFixture.backend;
import static dev.gantry.proxy.testing.Snap.forward;
import static dev.gantry.proxy.testing.Snap.prefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.model.routing.AppProtocol;
import dev.gantry.proxy.echo.EchoServer;
import dev.gantry.proxy.testing.LeakGuard;
import dev.gantry.proxy.testing.RawHttp;
import dev.gantry.proxy.testing.Snap;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An endpoint that a new config removes, or reports as terminating, drains: the request in flight
 * to it completes, its pooled idle connections close at once, no new request goes to it, and its
 * last busy connection closes after its response instead of returning to the pool. Connections are
 * counted at the backend itself.
 */
@ExtendWith(LeakGuard.class)
class EndpointDrainIT {
  private EchoServer v1;
  private EchoServer v2;
  private GantryProxy proxy;

  @BeforeEach
  void start() {
    v1 = EchoServer.start("127.0.0.1", 0, "v1");
    v2 = EchoServer.start("127.0.0.1", 0, "v2");
    // One event loop: one upstream pool, so the pooled connections below are all in it.
    proxy =
        GantryProxy.start(
            new ProxySettings(
                "127.0.0.1",
                c -> 0,
                1,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                "gw"));
  }

  @AfterEach
  void stop() {
    proxy.close();
    v1.close();
    v2.close();
  }

  @Test
  void removedEndpointFinishesItsRequestClosesItsPoolAndGetsNoNewRequests() throws Exception {
    proxy.apply(config(new Snap().cluster("svc", v1.port())).build());
    drainScenario(config(new Snap().cluster("svc", v2.port())));
  }

  @Test
  void terminatingEndpointDrainsTheSameWay() throws Exception {
    proxy.apply(config(new Snap().cluster("svc", v1.port())).build());
    drainScenario(
        config(new Snap().cluster("svc", v2.port()).terminatingEndpoint("svc", v1.port())));
  }

  @Test
  void h2cConnectionToARemovedEndpointFinishesItsStreamThenCloses() throws Exception {
    proxy.apply(config(new Snap().cluster("svc", AppProtocol.H2C, v1.port())).build());
    int port = proxy.boundPort(80);
    try (RawHttp busy = new RawHttp(port);
        RawHttp client = new RawHttp(port)) {
      busy.send("GET /?delay=4s HTTP/1.1\r\nHost: x\r\n\r\n");
      await().atMost(Duration.ofSeconds(2)).until(() -> v1.requestCount() == 1);

      proxy.apply(config(new Snap().cluster("svc", AppProtocol.H2C, v2.port())).build());
      // GOAWAY sent, but the connection stays for the stream still open on it.
      Thread.sleep(300);
      assertThat(v1.openConnections()).isEqualTo(1);
      for (int i = 0; i < 3; i++) {
        assertThat(backend(client.get("x", "/"))).isEqualTo("v2");
      }
      RawHttp.Response inFlight = busy.read();
      assertThat(inFlight.status()).isEqualTo(200);
      assertThat(backend(inFlight)).isEqualTo("v1");
      await().atMost(Duration.ofSeconds(2)).until(() -> v1.openConnections() == 0);
      assertThat(v1.requestCount()).isEqualTo(1);
    }
  }

  /** Two pooled connections to v1, one of them busy, then {@code next} drops v1. */
  private void drainScenario(Snap next) throws Exception {
    int port = proxy.boundPort(80);
    // Two concurrent requests leave two pooled connections to v1.
    try (RawHttp a = new RawHttp(port);
        RawHttp b = new RawHttp(port)) {
      a.send("GET /?delay=200ms HTTP/1.1\r\nHost: x\r\n\r\n");
      b.send("GET /?delay=200ms HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(backend(a.read())).isEqualTo("v1");
      assertThat(backend(b.read())).isEqualTo("v1");
    }
    await().atMost(Duration.ofSeconds(2)).until(() -> v1.openConnections() == 2);

    try (RawHttp busy = new RawHttp(port);
        RawHttp client = new RawHttp(port)) {
      busy.send("GET /?delay=1500ms HTTP/1.1\r\nHost: x\r\n\r\n"); // takes one pooled connection
      await().atMost(Duration.ofSeconds(2)).until(() -> v1.requestCount() == 3);
      long v1Requests = v1.requestCount();

      long swapped = System.nanoTime();
      proxy.apply(next.build());

      // The idle pooled connection closes at once; the busy one stays for its request.
      await().atMost(Duration.ofSeconds(1)).until(() -> v1.openConnections() == 1);
      long closedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - swapped);
      assertThat(closedMs).isLessThan(1000);

      for (int i = 0; i < 20; i++) {
        assertThat(backend(client.get("x", "/"))).isEqualTo("v2");
      }
      RawHttp.Response inFlight = busy.read();
      assertThat(inFlight.status()).isEqualTo(200);
      assertThat(backend(inFlight)).isEqualTo("v1");
      assertThat(v1.requestCount()).isEqualTo(v1Requests);
      // Its connection is closed after the response, not pooled for a backend that is gone.
      await().atMost(Duration.ofSeconds(2)).until(() -> v1.openConnections() == 0);
      assertThat(backend(busy.get("x", "/"))).isEqualTo("v2");
    }
  }

  private static Snap config(Snap s) {
    return s.listener("http", 80, null).route("http", "*", prefix("/"), forward("r", "svc"));
  }
}
