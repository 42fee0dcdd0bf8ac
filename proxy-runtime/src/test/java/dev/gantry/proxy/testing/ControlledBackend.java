package dev.gantry.proxy.testing;

import dev.gantry.proxy.server.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback HTTP/1.1 upstream whose behaviour a test switches at run time: the status of its
 * health path, a delay before every answer, a status for every answer. The body is its name. Counts
 * traffic requests and health probes separately.
 */
public final class ControlledBackend implements AutoCloseable {
  public static final String HEALTH_PATH = "/healthz";

  private final String name;
  private final EventLoopGroup group;
  private final Channel server;
  public volatile int healthStatus = 200;
  public volatile int status = 200;
  public volatile long delayMs;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong probes = new AtomicLong();
  private final AtomicLong connections = new AtomicLong();
  private final io.netty.channel.group.ChannelGroup open =
      new io.netty.channel.group.DefaultChannelGroup(
          io.netty.util.concurrent.GlobalEventExecutor.INSTANCE);
  private volatile boolean closed;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();

  public ControlledBackend(String name) {
    this.name = name;
    Transport t = Transport.best();
    group = t.newGroup(1, "controlled-" + name);
    server =
        new ServerBootstrap()
            .group(group)
            .channel(t.serverChannel())
            .childOption(io.netty.channel.ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    connections.incrementAndGet();
                    open.add(ch);
                    if (closed) {
                      ch.close(); // accepted while being killed
                    }
                    ch.pipeline()
                        .addLast(
                            new HttpServerCodec(),
                            new HttpObjectAggregator(1 << 16),
                            new Handler());
                  }
                })
            .bind(new InetSocketAddress("127.0.0.1", 0))
            .syncUninterruptibly()
            .channel();
  }

  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  public String name() {
    return name;
  }

  /** Traffic requests received (health probes excluded). */
  public long requests() {
    return requests.get();
  }

  /** Connections accepted so far (probes included). */
  public long connections() {
    return connections.get();
  }

  public long probes() {
    return probes.get();
  }

  /** The most traffic requests this backend had open at once. */
  public int maxInFlight() {
    return maxInFlight.get();
  }

  private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      boolean keepAlive = HttpUtil.isKeepAlive(req);
      if (req.uri().equals(HEALTH_PATH)) {
        probes.incrementAndGet();
        send(ctx, healthStatus, keepAlive, false);
        return;
      }
      requests.incrementAndGet();
      int now = inFlight.incrementAndGet();
      maxInFlight.accumulateAndGet(now, Math::max);
      int code = status;
      long delay = delayMs;
      if (delay > 0) {
        ctx.executor()
            .schedule(() -> send(ctx, code, keepAlive, true), delay, TimeUnit.MILLISECONDS);
      } else {
        send(ctx, code, keepAlive, true);
      }
    }

    private void send(ChannelHandlerContext ctx, int code, boolean keepAlive, boolean traffic) {
      if (traffic) {
        inFlight.decrementAndGet();
      }
      FullHttpResponse r =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              HttpResponseStatus.valueOf(code),
              Unpooled.copiedBuffer(name, StandardCharsets.UTF_8));
      r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
      HttpUtil.setKeepAlive(r, keepAlive);
      var written = ctx.writeAndFlush(r);
      if (!keepAlive) {
        written.addListener(io.netty.channel.ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /**
   * Dies like a killed process: the listener and every open connection close now (an event loop
   * shutdown alone can leave a connection accepted during the shutdown open and silent).
   */
  public synchronized void kill() {
    if (closed) {
      return;
    }
    closed = true;
    server.close().syncUninterruptibly();
    open.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Override
  public void close() {
    kill();
  }
}
