package dev.gantry.proxy;

import static dev.gantry.proxy.testing.Snap.forward;
import static dev.gantry.proxy.testing.Snap.prefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.proxy.echo.EchoServer;
import dev.gantry.proxy.testing.LeakGuard;
import dev.gantry.proxy.testing.RawHttp;
import dev.gantry.proxy.testing.Snap;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Idle downstream connections (HTTP/1.1 and HTTP/2) are closed after the idle timeout. */
@ExtendWith(LeakGuard.class)
class IdleConnectionIT {

  @Test
  void idleHttp1AndHttp2ConnectionsAreClosed() throws Exception {
    System.setProperty("gantry.proxy.idleSeconds", "1");
    try (EchoServer v1 = EchoServer.start("127.0.0.1", 0, "v1");
        GantryProxy p =
            GantryProxy.start(
                new ProxySettings(
                    "127.0.0.1",
                    c -> 0,
                    1,
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                    ""))) {
      p.apply(
          new Snap()
              .cluster("v1", v1.port())
              .listener("http", 80, null)
              .route("http", "*", prefix("/"), forward("r", "v1"))
              .build());
      try (RawHttp h1 = new RawHttp(p.boundPort(80));
          H2cPriorKnowledgeClient h2 = new H2cPriorKnowledgeClient(p.boundPort(80))) {
        assertThat(h1.get("x", "/").status()).isEqualTo(200);
        assertThat(h2.get("/", "x").status()).isEqualTo(200);
        assertThat(p.activeConnections()).isEqualTo(2);
        assertThat(h1.closedByServer(5000)).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> p.activeConnections() == 0);
      }
    } finally {
      System.clearProperty("gantry.proxy.idleSeconds");
    }
  }
}
