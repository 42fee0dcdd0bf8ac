package dev.gantry.proxy.testing;

import dev.gantry.proxy.server.Transport;
import io.netty.bootstrap.ServerBootstrap;
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
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.pkitesting.X509Bundle;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTPS upstream on 127.0.0.1 serving one certificate: answers every request 200 with a JSON
 * body naming itself and the SNI name it received, and counts the requests it decoded (a backend
 * whose certificate the proxy refuses must count none).
 */
public final class TlsUpstream implements AutoCloseable {
  private static final AttributeKey<String> SNI = AttributeKey.valueOf("test.sni");

  private final String name;
  private final EventLoopGroup group;
  private final Channel channel;
  private final AtomicInteger requests = new AtomicInteger();
  private final List<String> sniNames = new CopyOnWriteArrayList<>();

  public TlsUpstream(String name, X509Bundle cert) {
    this.name = name;
    SslContext ctx;
    try {
      ctx =
          SslContextBuilder.forServer(cert.getKeyPair().getPrivate(), cert.getCertificatePath())
              .sslProvider(SslProvider.JDK)
              .build();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    Transport transport = Transport.best();
    group = transport.newGroup(1, "tls-upstream");
    channel =
        new ServerBootstrap()
            .group(group)
            .channel(transport.serverChannel())
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(
                            new SniHandler((host, promise) -> promise.setSuccess(ctx)),
                            new HttpServerCodec(),
                            new HttpObjectAggregator(1 << 16),
                            new Responder());
                  }
                })
            .bind(new InetSocketAddress("127.0.0.1", 0))
            .syncUninterruptibly()
            .channel();
  }

  private final class Responder extends SimpleChannelInboundHandler<FullHttpRequest> {
    /** SniHandler fires its completion event to the handlers after it. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof SniCompletionEvent e) {
        String h = e.hostname() == null ? "" : e.hostname();
        ctx.channel().attr(SNI).set(h);
        sniNames.add(h);
      }
      super.userEventTriggered(ctx, evt);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      requests.incrementAndGet();
      String sni = ctx.channel().attr(SNI).get();
      byte[] body =
          ("{\"name\":\"" + name + "\",\"sni\":\"" + sni + "\",\"path\":\"" + req.uri() + "\"}")
              .getBytes(StandardCharsets.UTF_8);
      FullHttpResponse res =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(body));
      res.headers()
          .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
          .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
      ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /** Requests decoded so far (only after a completed handshake). */
  public int requests() {
    return requests.get();
  }

  /** The SNI names of the handshakes seen so far. */
  public List<String> sniNames() {
    return List.copyOf(sniNames);
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
