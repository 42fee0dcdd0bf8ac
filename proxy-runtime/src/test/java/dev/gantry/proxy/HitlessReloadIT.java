package dev.gantry.proxy;

import static dev.gantry.proxy.testing.Snap.backend;
import static dev.gantry.proxy.testing.Snap.forward;
import static dev.gantry.proxy.testing.Snap.prefix;
import static dev.gantry.proxy.testing.Snap.rule;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.model.routing.AppProtocol;
import dev.gantry.proxy.testing.LeakGuard;
import dev.gantry.proxy.testing.ProxyFixture;
import dev.gantry.proxy.testing.RawHttp;
import dev.gantry.proxy.testing.Snap;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The reload promise: under continuous load on 200 keep-alive connections (180 HTTP/1.1, 20
 * HTTP/2), 100 configs that add, change and remove routes, listeners and endpoints are applied; not
 * one request fails, not one connection is reset, and an open WebSocket keeps working after every
 * swap.
 */
@ExtendWith(LeakGuard.class)
class HitlessReloadIT {
  static final int H1_CONNECTIONS = 180;
  static final int H2_CONNECTIONS = 20;
  static final int CONFIGS = 100;

  static ProxyFixture f;

  @BeforeAll
  static void start() {
    f = new ProxyFixture();
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  /** Config i: the stable route with changing weights and endpoints, plus churning extras. */
  private static Snap config(int i) {
    Snap s =
        new Snap()
            .cluster(
                "v1", i % 2 == 0 ? new int[] {f.v1.port()} : new int[] {f.v1.port(), f.v3.port()})
            .cluster("v2", f.v2.port())
            .cluster("v3", f.v3.port())
            .cluster("ws", AppProtocol.WS, f.v1.port())
            .listener("http", 80, null)
            .route("http", "*", prefix("/ws"), forward("ws", "ws"))
            .route("http", "*", prefix("/extra-" + i), forward("extra-" + i, "v2"))
            .route(
                "http",
                "*",
                prefix("/stable"),
                rule("stable", List.of(), List.of(backend("v1", 1 + i % 3), backend("v2", 1))));
    if (i % 3 != 0) {
      // Listeners that come and go: an extra port, and a hostname listener on the stable port.
      s.listener("churn", 9000 + i % 2, null)
          .route("churn", "*", prefix("/"), forward("churn-" + i, "v2"));
    }
    if (i % 4 == 1) {
      s.listener("named", 80, "named" + i + ".example.com")
          .route("named", "named" + i + ".example.com", prefix("/"), forward("named-" + i, "v3"));
    }
    return s;
  }

  @Test
  void hundredReloadsUnderLoadLoseNothing() throws Exception {
    f.apply(config(0));
    int port = f.port(80);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong ok = new AtomicLong();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    CountDownLatch connected = new CountDownLatch(H1_CONNECTIONS + H2_CONNECTIONS);
    List<HttpClient> h2Clients = new ArrayList<>();
    ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
    try {
      for (int c = 0; c < H1_CONNECTIONS; c++) {
        int id = c;
        pool.submit(
            () -> {
              try (RawHttp conn = new RawHttp(port)) {
                boolean first = true;
                while (!stop.get()) {
                  RawHttp.Response r = conn.get("load.example", "/stable/h1/" + id);
                  if (first) {
                    connected.countDown();
                    first = false;
                  }
                  if (r.status() != 200) {
                    failures.add("h1 status " + r.status());
                  } else {
                    ok.incrementAndGet();
                  }
                }
              } catch (Exception e) {
                failures.add("h1 " + e);
                connected.countDown();
              }
            });
      }
      for (int c = 0; c < H2_CONNECTIONS; c++) {
        HttpClient client =
            HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_2)
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
        h2Clients.add(client);
        int id = c;
        pool.submit(
            () -> {
              boolean first = true;
              while (!stop.get()) {
                try {
                  HttpResponse<String> r =
                      client.send(
                          HttpRequest.newBuilder(
                                  URI.create("http://127.0.0.1:" + port + "/stable/h2/" + id))
                              .timeout(Duration.ofSeconds(20))
                              .build(),
                          HttpResponse.BodyHandlers.ofString());
                  if (first) {
                    connected.countDown();
                    first = false;
                  }
                  if (r.statusCode() != 200) {
                    failures.add("h2 status " + r.statusCode());
                  } else {
                    ok.incrementAndGet();
                  }
                } catch (Exception e) {
                  failures.add("h2 " + e);
                  if (first) {
                    connected.countDown();
                    first = false;
                  }
                }
              }
            });
      }
      assertThat(connected.await(60, TimeUnit.SECONDS)).isTrue();
      assertThat(f.proxy.activeConnections()).isGreaterThanOrEqualTo(200);

      LinkedBlockingQueue<String> echoes = new LinkedBlockingQueue<>();
      HttpClient wsClient = HttpClient.newHttpClient();
      WebSocket ws =
          wsClient
              .newWebSocketBuilder()
              .buildAsync(
                  URI.create("ws://127.0.0.1:" + port + "/ws"),
                  new WebSocket.Listener() {
                    @Override
                    public java.util.concurrent.CompletionStage<?> onText(
                        WebSocket w, CharSequence data, boolean last) {
                      echoes.add(data.toString());
                      w.request(1);
                      return null;
                    }
                  })
              .get(10, TimeUnit.SECONDS);
      long reloadsBefore = f.proxy.reloadCount();
      long okBefore = ok.get();
      for (int i = 1; i <= CONFIGS; i++) {
        f.apply(config(i));
        ws.sendText("swap-" + i, true).get(5, TimeUnit.SECONDS);
        assertThat(echoes.poll(5, TimeUnit.SECONDS)).isEqualTo("swap-" + i);
        if (i % 3 != 0) {
          try (RawHttp churn = new RawHttp(f.port(9000 + i % 2))) {
            assertThat(churn.get("x", "/").status()).isEqualTo(200);
          }
        }
        if (i % 4 == 1) {
          try (RawHttp named = new RawHttp(port)) {
            assertThat(ProxyFixture.backend(named.get("named" + i + ".example.com", "/")))
                .isEqualTo("v3");
          }
        }
        Thread.sleep(20);
      }
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
      wsClient.close();
      stop.set(true);
      pool.shutdown();
      assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
      assertThat(f.proxy.reloadCount() - reloadsBefore).isEqualTo(CONFIGS);
      long served = ok.get() - okBefore;
      System.out.printf(
          "hitless reload: %d requests answered 200 during %d reloads on %d connections%n",
          served, CONFIGS, H1_CONNECTIONS + H2_CONNECTIONS);
      assertThat(served).as("requests served during the reloads").isGreaterThan(1000);
    } finally {
      // Also on a failed assertion: the load loops must end or closing the executor waits forever.
      stop.set(true);
      h2Clients.forEach(HttpClient::close);
      pool.shutdownNow();
    }
    assertThat(failures).as("failed requests or reset connections").isEmpty();
  }
}
