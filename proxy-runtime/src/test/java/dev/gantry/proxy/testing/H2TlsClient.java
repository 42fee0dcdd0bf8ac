package dev.gantry.proxy.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP/2 client over TLS (JDK provider, so it does not share the proxy's OpenSSL state): sends a
 * chosen SNI name, verifies the certificate against it, negotiates {@code h2} by ALPN, and sends
 * requests with any {@code :authority} on one connection, which is how a browser reuses a
 * connection for another host and how a misdirected request (421) arises.
 */
public final class H2TlsClient implements AutoCloseable {
  public record Result(int status, String body) {}

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel channel;
  private final SslHandler ssl;

  public H2TlsClient(TestPki pki, int port, String sni) throws Exception {
    this(pki, port, sni, true);
  }

  /**
   * @param verifyName check the certificate against {@code sni}; off for a name no listener serves,
   *     where the default listener's certificate is the expected answer
   */
  public H2TlsClient(TestPki pki, int port, String sni, boolean verifyName) throws Exception {
    SslContext ctx =
        SslContextBuilder.forClient()
            .sslProvider(SslProvider.JDK)
            .trustManager(pki.root.toTrustManagerFactory())
            .endpointIdentificationAlgorithm(verifyName ? "HTTPS" : null)
            .applicationProtocolConfig(
                new ApplicationProtocolConfig(
                    ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                    ApplicationProtocolNames.HTTP_2))
            .build();
    ssl = ctx.newHandler(io.netty.buffer.ByteBufAllocator.DEFAULT, sni, port);
    channel =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(
                            ssl,
                            Http2FrameCodecBuilder.forClient().build(),
                            new Http2MultiplexHandler(
                                new SimpleChannelInboundHandler<Object>() {
                                  @Override
                                  protected void channelRead0(
                                      ChannelHandlerContext ctx, Object msg) {}
                                }));
                  }
                })
            .connect("127.0.0.1", port)
            .sync()
            .channel();
    ssl.handshakeFuture().get(10, TimeUnit.SECONDS);
  }

  /** The protocol ALPN selected ({@code h2} expected). */
  public String applicationProtocol() {
    return ssl.applicationProtocol();
  }

  public X509Certificate peerCertificate() throws Exception {
    return (X509Certificate) ssl.engine().getSession().getPeerCertificates()[0];
  }

  public boolean isOpen() {
    return channel.isActive();
  }

  /** One GET on a new stream with the given {@code :authority}. */
  public Result get(String path, String authority) throws Exception {
    H2Streams.Response r = H2Streams.get(channel, path, authority);
    return new Result(r.status(), r.body());
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
