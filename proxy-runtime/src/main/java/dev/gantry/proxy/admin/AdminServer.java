package dev.gantry.proxy.admin;

import dev.gantry.proxy.server.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The admin endpoint: {@code /ready}, {@code /live}, {@code /config}, {@code /metrics}. Runs on its
 * own single event loop, separate from the data plane, so a slow scrape never delays traffic.
 */
public final class AdminServer implements AutoCloseable {
  private static final int MAX_REQUEST = 8192;

  private final EventLoopGroup group;
  private final Channel channel;

  private AdminServer(EventLoopGroup group, Channel channel) {
    this.group = group;
    this.channel = channel;
  }

  public static AdminServer start(String host, int port, AdminHandlers handlers) {
    Transport transport = Transport.best();
    EventLoopGroup group = transport.newGroup(1, "gantry-admin");
    try {
      Channel ch =
          new ServerBootstrap()
              .group(group)
              .channel(transport.serverChannel())
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                      c.pipeline()
                          .addLast(
                              new HttpServerCodec(),
                              new HttpObjectAggregator(MAX_REQUEST),
                              new Handler(handlers));
                    }
                  })
              .bind(new InetSocketAddress(host, port))
              .syncUninterruptibly()
              .channel();
      return new AdminServer(group, ch);
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw new IllegalStateException(
          "admin address: " + host + ":" + port + " (expected: a bindable address: " + e + ")", e);
    }
  }

  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final AdminHandlers handlers;

    Handler(AdminHandlers handlers) {
      this.handlers = handlers;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      boolean keepAlive = HttpUtil.isKeepAlive(req);
      FullHttpResponse res;
      if (!req.decoderResult().isSuccess()) {
        res = text(HttpResponseStatus.BAD_REQUEST, "bad request\n", "text/plain");
        keepAlive = false;
      } else if (!req.method().equals(HttpMethod.GET) && !req.method().equals(HttpMethod.HEAD)) {
        res = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "GET only\n", "text/plain");
      } else {
        res =
            switch (new QueryStringDecoder(req.uri()).path()) {
              case "/ready" ->
                  handlers.ready().getAsBoolean()
                      ? text(HttpResponseStatus.OK, "ready\n", "text/plain")
                      : text(HttpResponseStatus.SERVICE_UNAVAILABLE, "not ready\n", "text/plain");
              case "/live" -> text(HttpResponseStatus.OK, "live\n", "text/plain");
              case "/config" -> {
                String json = handlers.configJson().get();
                yield json == null
                    ? text(HttpResponseStatus.SERVICE_UNAVAILABLE, "{}\n", "application/json")
                    : text(HttpResponseStatus.OK, json, "application/json");
              }
              case "/metrics" ->
                  text(
                      HttpResponseStatus.OK,
                      handlers.registry().scrape(),
                      "text/plain; version=0.0.4; charset=utf-8");
              default -> text(HttpResponseStatus.NOT_FOUND, "not found\n", "text/plain");
            };
      }
      HttpUtil.setKeepAlive(res, keepAlive);
      if (keepAlive) {
        ctx.writeAndFlush(res);
      } else {
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
      }
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body, String type) {
      ByteBuf buf = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
      FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, buf);
      r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
      r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, buf.readableBytes());
      return r;
    }
  }
}
