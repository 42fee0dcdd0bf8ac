package dev.gantry.proxy;

import static dev.gantry.proxy.testing.ProxyFixture.json;
import static dev.gantry.proxy.testing.Snap.forward;
import static dev.gantry.proxy.testing.Snap.prefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gantry.model.routing.AppProtocol;
import dev.gantry.proxy.server.Transport;
import dev.gantry.proxy.testing.LeakGuard;
import dev.gantry.proxy.testing.ProxyFixture;
import dev.gantry.proxy.testing.RawHttp;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The proxy serves the same way on every socket transport: {@code auto} picks io_uring where the
 * kernel allows it, so the other test classes run on io_uring here and this one keeps epoll (the
 * fallback under Docker's and containerd's default seccomp profiles) and NIO covered: keep-alive
 * round robin, pipelining, HTTP/2 prior knowledge to an h2c upstream, bodies larger than every
 * window both ways, and a malformed request closed with a 400.
 */
@ExtendWith(LeakGuard.class)
class TransportIT {
  /** Larger than every HTTP/2 flow-control window and the channels' write watermarks. */
  static final int SIZE = 512 << 10;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"io_uring", "epoll", "nio"})
  void servesEverythingOn(String name) throws Exception {
    assumeTrue(!name.equals("io_uring") || IoUring.isAvailable(), "io_uring unavailable here");
    assumeTrue(!name.equals("epoll") || Epoll.isAvailable(), "epoll unavailable here");
    String before = System.getProperty(Transport.PROPERTY);
    System.setProperty(Transport.PROPERTY, name);
    try (ProxyFixture f = new ProxyFixture();
        HttpClient h1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build()) {
      assertThat(f.proxy.transport().name()).isEqualTo(name);
      f.apply(
          f.snap()
              .cluster("h2", AppProtocol.H2C, f.v1.port())
              .listener("http", 80, null)
              .route("http", "*", prefix("/h2"), forward("h2", "h2"))
              .route("http", "*", prefix("/"), forward("rr", "v1", "v2")));
      URI base = URI.create("http://127.0.0.1:" + f.port(80));

      Set<String> backends = new HashSet<>();
      for (int i = 0; i < 50; i++) {
        HttpResponse<String> r =
            h1.send(
                HttpRequest.newBuilder(base.resolve("/rr/" + i)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r.body()).path("path").asText()).isEqualTo("/rr/" + i);
        backends.add(json(r.body()).path("name").asText());
      }
      assertThat(backends).as("round robin over keep-alive").hasSize(2);

      try (RawHttp c = new RawHttp(f.port(80))) {
        c.send("GET /p1 HTTP/1.1\r\nHost: a\r\n\r\nGET /p2 HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(json(c.read().body()).path("path").asText()).isEqualTo("/p1");
        assertThat(json(c.read().body()).path("path").asText()).isEqualTo("/p2");
      }

      for (HttpClient client : new HttpClient[] {h1, h2}) {
        for (String path : new String[] {"/plain", "/h2"}) {
          HttpResponse<byte[]> down =
              client.send(
                  HttpRequest.newBuilder(base.resolve(path + "?bodySize=" + SIZE))
                      .timeout(Duration.ofSeconds(60))
                      .build(),
                  HttpResponse.BodyHandlers.ofByteArray());
          assertThat(down.statusCode()).isEqualTo(200);
          assertThat(down.body()).hasSize(SIZE);
          HttpResponse<String> up =
              client.send(
                  HttpRequest.newBuilder(base.resolve(path))
                      .timeout(Duration.ofSeconds(60))
                      .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[SIZE]))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          assertThat(up.statusCode()).isEqualTo(200);
          assertThat(json(up.body()).path("bodyLength").asInt()).isEqualTo(SIZE);
        }
      }

      try (RawHttp c = new RawHttp(f.port(80))) {
        c.send("GARBAGE\r\n\r\n");
        assertThat(c.read().status()).isEqualTo(400);
        assertThat(c.closedByServer(5000)).isTrue();
      }
    } finally {
      if (before == null) {
        System.clearProperty(Transport.PROPERTY);
      } else {
        System.setProperty(Transport.PROPERTY, before);
      }
    }
  }
}
