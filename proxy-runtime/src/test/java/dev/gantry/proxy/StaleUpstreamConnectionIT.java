package dev.gantry.proxy;

import static dev.gantry.proxy.testing.Snap.forward;
import static dev.gantry.proxy.testing.Snap.prefix;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.proxy.testing.LeakGuard;
import dev.gantry.proxy.testing.RawHttp;
import dev.gantry.proxy.testing.Snap;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An upstream that answers one request per connection and then closes the connection when the next
 * request arrives, without saying so (the keep-alive race every pooled proxy meets). A bodyless
 * request that lands on such a pooled connection is retried once on a fresh connection.
 */
@ExtendWith(LeakGuard.class)
class StaleUpstreamConnectionIT {

  @Test
  void bodylessRequestOnAStalePooledConnectionIsRetriedOnAFreshOne() throws Exception {
    AtomicInteger answered = new AtomicInteger();
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
    try {
      pool.submit(
          () -> {
            while (!server.isClosed()) {
              Socket s = server.accept();
              pool.submit(() -> serveOnce(s, answered));
            }
            return null;
          });
      try (GantryProxy p =
          GantryProxy.start(
              new ProxySettings(
                  "127.0.0.1",
                  c -> 0,
                  1,
                  new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                  ""))) {
        p.apply(
            new Snap()
                .cluster("once", server.getLocalPort())
                .listener("http", 80, null)
                .route("http", "*", prefix("/"), forward("r", "once"))
                .build());
        try (RawHttp c = new RawHttp(p.boundPort(80))) {
          for (int i = 0; i < 5; i++) {
            assertThat(c.get("x", "/n" + i).status()).as("request " + i).isEqualTo(200);
          }
        }
      }
    } finally {
      // Closing the socket first ends the accept loop, also when an assertion failed.
      server.close();
      pool.shutdownNow();
    }
    assertThat(answered.get()).isEqualTo(5);
  }

  /** Answers the first request with keep-alive, then drops the connection on the second. */
  private static Void serveOnce(Socket s, AtomicInteger answered) throws Exception {
    try (s) {
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
      OutputStream out = s.getOutputStream();
      for (int request = 0; ; request++) {
        String line = in.readLine();
        if (line == null) {
          return null;
        }
        while (!(line = in.readLine()).isEmpty()) {
          // headers ignored (GETs only)
        }
        if (request > 0) {
          return null; // close without answering
        }
        out.write(
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        answered.incrementAndGet();
      }
    }
  }
}
