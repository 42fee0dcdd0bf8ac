package dev.gantry.proxy;

import static dev.gantry.proxy.testing.Snap.forward;
import static dev.gantry.proxy.testing.Snap.prefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gantry.proxy.admin.AdminHandlers;
import dev.gantry.proxy.admin.AdminServer;
import dev.gantry.proxy.echo.EchoServer;
import dev.gantry.proxy.testing.H2Streams;
import dev.gantry.proxy.testing.LeakGuard;
import dev.gantry.proxy.testing.RawHttp;
import dev.gantry.proxy.testing.Snap;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link GantryProxy#drain(DrainSettings)} in process, phase by phase: readiness fails at once;
 * during the drain period new connections are still served, HTTP/1.1 responses carry {@code
 * Connection: close} and HTTP/2 connections get the first GOAWAY (2^31-1); when the listeners close
 * idle connections close and HTTP/2 gets the final GOAWAY; requests in flight finish.
 */
@ExtendWith(LeakGuard.class)
class DrainIT {
  /** Long enough that the checks made during the period finish within it on a loaded machine. */
  private static final Duration PERIOD = Duration.ofMillis(3000);

  private EchoServer v1;
  private GantryProxy proxy;
  private AdminServer admin;
  private int port;

  @BeforeEach
  void start() {
    v1 = EchoServer.start("127.0.0.1", 0, "v1");
    proxy =
        GantryProxy.start(
            new ProxySettings(
                "127.0.0.1",
                c -> 0,
                1,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                "ns/gw"));
    proxy.apply(
        new Snap()
            .cluster("v1", v1.port())
            .listener("http", 80, null)
            .route("http", "*", prefix("/"), forward("r", "v1"))
            .build());
    port = proxy.boundPort(80);
    admin =
        AdminServer.start(
            "127.0.0.1",
            0,
            new AdminHandlers(
                proxy::ready, () -> null, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)));
  }

  @AfterEach
  void stop() {
    proxy.close();
    admin.close();
    v1.close();
  }

  @Test
  void http1ConnectionsGetConnectionCloseThenListenersCloseAndInFlightRequestsFinish()
      throws Exception {
    try (RawHttp idle = new RawHttp(port);
        RawHttp keepAlive = new RawHttp(port);
        RawHttp busy = new RawHttp(port);
        RawHttp adminClient = new RawHttp(admin.port())) {
      assertThat(idle.get("x", "/").header("connection")).isNull();
      assertThat(keepAlive.get("x", "/").header("connection")).isNull();
      assertThat(adminClient.get("admin", "/ready").status()).isEqualTo(200);
      // In flight across the whole drain period and past the listener close.
      busy.send("GET /?delay=4s HTTP/1.1\r\nHost: x\r\n\r\n");
      await().atMost(Duration.ofSeconds(5)).until(() -> v1.openConnections() == 1);
      Thread.sleep(100); // the slow request has reached the echo backend

      long started = System.nanoTime();
      CompletableFuture<DrainReport> drain =
          CompletableFuture.supplyAsync(
              () -> proxy.drain(new DrainSettings(PERIOD, ofSeconds(10))));

      await().atMost(Duration.ofSeconds(1)).until(() -> !proxy.ready());
      assertThat(adminClient.get("admin", "/ready").status()).isEqualTo(503);
      // An idle keep-alive connection stays open during the period (clients are not cut while the
      // load balancer may still send here)...
      assertThat(idle.closedByServer(200)).isFalse();
      assertThat(elapsedMs(started)).isLessThan(PERIOD.toMillis());

      // Drain period: a keep-alive connection is answered, told to close, and closed.
      RawHttp.Response r = keepAlive.get("x", "/");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("connection")).isEqualTo("close");
      assertThat(keepAlive.closedByServer(2000)).isTrue();
      // ... and a new connection is still accepted and served, once.
      try (RawHttp late = new RawHttp(port)) {
        RawHttp.Response lr = late.get("x", "/");
        assertThat(lr.status()).isEqualTo(200);
        assertThat(lr.header("connection")).isEqualTo("close");
      }
      // ... and closes when the listeners do.
      assertThat(idle.closedByServer(5000)).isTrue();
      assertThat(elapsedMs(started)).isGreaterThanOrEqualTo(PERIOD.toMillis());
      assertThatThrownBy(() -> new RawHttp(port).close()).isInstanceOf(ConnectException.class);

      RawHttp.Response slow = busy.read();
      assertThat(slow.status()).isEqualTo(200);
      assertThat(slow.header("connection")).isEqualTo("close");
      assertThat(busy.closedByServer(2000)).isTrue();

      DrainReport report = drain.get(15, TimeUnit.SECONDS);
      assertThat(report.atStart().connections()).isEqualTo(3);
      assertThat(report.atStart().inFlight()).isEqualTo(1);
      assertThat(report.atListenerClose().inFlight()).isEqualTo(1);
      assertThat(report.cut()).isZero();
      assertThat(report.elapsed()).isLessThan(Duration.ofSeconds(10));
      // A second drain (the try-with-resources close) returns the same report.
      assertThat(proxy.drain(DrainSettings.IMMEDIATE)).isEqualTo(report);
    }
  }

  @Test
  void http2ConnectionsGetTwoGoAwaysAndTheirOpenStreamsFinish() throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    List<GoAway> goAways = new CopyOnWriteArrayList<>();
    try {
      Channel h2 = h2cConnection(group, goAways);
      CompletableFuture<H2Streams.Response> slow =
          CompletableFuture.supplyAsync(() -> get(h2, "/?delay=5s")); // the first stream
      await().atMost(Duration.ofSeconds(5)).until(() -> v1.openConnections() == 1);
      Thread.sleep(100);
      assertThat(get(h2, "/").status()).isEqualTo(200); // the second

      CompletableFuture<DrainReport> drain =
          CompletableFuture.supplyAsync(
              () -> proxy.drain(new DrainSettings(PERIOD, ofSeconds(10))));

      await().atMost(Duration.ofSeconds(1)).until(() -> goAways.size() == 1);
      assertThat(goAways.get(0).lastStreamId()).isEqualTo(Integer.MAX_VALUE);
      assertThat(goAways.get(0).errorCode()).isZero();
      assertThat(proxy.ready()).isFalse();
      // A stream the client opened after the first GOAWAY (as one in flight when it was sent
      // would be) is still served.
      assertThat(get(h2, "/").status()).isEqualTo(200); // the third

      await().atMost(Duration.ofSeconds(5)).until(() -> goAways.size() == 2);
      // The final GOAWAY names the last stream the client opened: the one after the first GOAWAY.
      int lastOpened =
          h2.eventLoop()
              .submit(
                  () ->
                      h2.pipeline()
                          .get(Http2FrameCodec.class)
                          .connection()
                          .local()
                          .lastStreamCreated())
              .get();
      assertThat(goAways.get(1).lastStreamId()).isEqualTo(lastOpened);
      assertThat(goAways.get(1).errorCode()).isZero();
      assertThat(h2.isActive()).as("open while stream 1 is in flight").isTrue();

      H2Streams.Response r = slow.get(10, TimeUnit.SECONDS);
      assertThat(r.status()).isEqualTo(200);
      assertThat(h2.closeFuture().await(5, TimeUnit.SECONDS))
          .as("closed after its last stream")
          .isTrue();

      DrainReport report = drain.get(15, TimeUnit.SECONDS);
      assertThat(report.atStart().connections()).isEqualTo(1);
      assertThat(report.atStart().inFlight()).isEqualTo(1);
      assertThat(report.cut()).isZero();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @Test
  void aRequestStillRunningAtTheDrainTimeoutIsCut() throws Exception {
    try (RawHttp busy = new RawHttp(port)) {
      busy.send("GET /?delay=5s HTTP/1.1\r\nHost: x\r\n\r\n");
      await().atMost(Duration.ofSeconds(5)).until(() -> v1.openConnections() == 1);
      Thread.sleep(100);
      DrainReport report = proxy.drain(new DrainSettings(Duration.ZERO, Duration.ofMillis(300)));
      assertThat(report.atListenerClose().inFlight()).isEqualTo(1);
      assertThat(report.cut()).isEqualTo(1);
      assertThat(report.elapsed()).isLessThan(Duration.ofSeconds(4));
      assertThat(busy.tryReadStatus()).isEqualTo(-1);
    }
  }

  /** What a GOAWAY frame said (the frame itself is released after the handler). */
  private record GoAway(int lastStreamId, long errorCode) {}

  private static Duration ofSeconds(long s) {
    return Duration.ofSeconds(s);
  }

  private static long elapsedMs(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  private static H2Streams.Response get(Channel h2, String path) {
    try {
      return H2Streams.get(h2, path, "x");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** An h2c (prior knowledge) connection that records the GOAWAY frames it receives. */
  private Channel h2cConnection(EventLoopGroup group, List<GoAway> goAways)
      throws InterruptedException {
    return new Bootstrap()
        .group(group)
        .channel(NioSocketChannel.class)
        .handler(
            new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel ch) {
                ch.pipeline()
                    .addLast(
                        Http2FrameCodecBuilder.forClient().build(),
                        new Http2MultiplexHandler(
                            new SimpleChannelInboundHandler<Object>() {
                              @Override
                              protected void channelRead0(ChannelHandlerContext ctx, Object msg) {}
                            }),
                        new SimpleChannelInboundHandler<Http2GoAwayFrame>() {
                          @Override
                          protected void channelRead0(
                              ChannelHandlerContext ctx, Http2GoAwayFrame frame) {
                            goAways.add(new GoAway(frame.lastStreamId(), frame.errorCode()));
                          }
                        });
              }
            })
        .connect("127.0.0.1", port)
        .sync()
        .channel();
  }
}
