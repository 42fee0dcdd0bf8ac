package dev.gantry.proxy;

import static dev.gantry.proxy.testing.ProxyFixture.json;
import static dev.gantry.proxy.testing.Snap.forward;
import static dev.gantry.proxy.testing.Snap.prefix;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.model.routing.AppProtocol;
import dev.gantry.proxy.testing.LeakGuard;
import dev.gantry.proxy.testing.ProxyFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Bodies of several MiB stream through in both directions, over HTTP/1.1 and HTTP/2 downstream and
 * HTTP/1.1 and h2c upstream, with flow control and backpressure doing their work.
 */
@ExtendWith(LeakGuard.class)
class StreamingIT {
  /** Large enough to exceed every flow-control window and watermark; small enough for paranoid. */
  static final int SIZE = 2 << 20;

  static ProxyFixture f;
  static HttpClient h1;
  static HttpClient h2;

  @BeforeAll
  static void start() {
    f = new ProxyFixture();
    f.apply(
        f.snap()
            .cluster("h2", AppProtocol.H2C, f.v1.port())
            .listener("http", 80, null)
            .route("http", "*", prefix("/h2"), forward("h2", "h2"))
            .route("http", "*", prefix("/"), forward("h1", "v1")));
    h1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
  }

  @AfterAll
  static void stop() {
    h1.close();
    h2.close();
    f.close();
  }

  private static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + f.port(80) + path);
  }

  private static void download(HttpClient client, String path) throws Exception {
    HttpResponse<byte[]> r =
        client.send(
            HttpRequest.newBuilder(uri(path + "?bodySize=" + SIZE))
                .timeout(Duration.ofSeconds(120))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).hasSize(SIZE);
    for (int i = 0; i < SIZE; i += 4099) {
      assertThat(r.body()[i]).isEqualTo((byte) ('a' + i % 26));
    }
  }

  private static void upload(HttpClient client, String path) throws Exception {
    byte[] body = new byte[SIZE];
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(uri(path))
                .timeout(Duration.ofSeconds(120))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r.body()).path("bodyLength").asInt()).isEqualTo(SIZE);
  }

  @Test
  void largeDownloadsOverEveryProtocolPair() throws Exception {
    download(h1, "/plain");
    download(h1, "/h2");
    download(h2, "/plain");
    download(h2, "/h2");
  }

  @Test
  void largeUploadsOverEveryProtocolPair() throws Exception {
    upload(h1, "/plain");
    upload(h1, "/h2");
    upload(h2, "/plain");
    upload(h2, "/h2");
  }
}
