package dev.gantry.proxy.server;

import dev.gantry.proxy.hardening.HttpLimits;
import dev.gantry.proxy.hardening.RequestGuard;
import dev.gantry.proxy.hardening.RequestHeaderTimeout;
import dev.gantry.proxy.route.CompiledConfig;
import dev.gantry.proxy.route.CompiledPort;
import dev.gantry.proxy.tls.SniListenerHandler;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.AsciiString;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline of a downstream connection: HTTP/1.1 with h2c upgrade and h2c prior-knowledge
 * detection. HTTP/2 streams each get a child channel that speaks HTTP/1 objects, so one {@link
 * ProxyHandler} serves both protocols.
 */
public final class ProxyChannelInitializer extends ChannelInitializer<SocketChannel> {
  /** Request line limit; longer → 414. */
  public static final int MAX_INITIAL_LINE = 8192;

  /** Header block limit; larger → 431. */
  public static final int MAX_HEADER_SIZE = 16384;

  /** The body an h2c upgrade request may carry (it must be buffered for the upgrade). */
  static final int MAX_UPGRADE_BODY = 64 * 1024;

  /**
   * Seconds without any read or write after which a downstream connection with no request in flight
   * is closed; system property {@code gantry.proxy.idleSeconds} overrides the default.
   */
  static final int DEFAULT_IDLE_SECONDS = 120;

  /** The configured listener port a downstream connection was accepted on. */
  public static final io.netty.util.AttributeKey<Integer> CONFIGURED_PORT =
      io.netty.util.AttributeKey.valueOf("gantry.configuredPort");

  static final long H2_GRACEFUL_SHUTDOWN_MS = 10_000;

  private final ProxyRuntime rt;
  private final int configuredPort;
  private final CompiledConfig binding;
  private final int idleSeconds;

  public ProxyChannelInitializer(ProxyRuntime rt, int configuredPort) {
    this(rt, configuredPort, null);
  }

  /**
   * @param binding the config that asked for this port: a port is bound before its config is
   *     swapped in, and a connection accepted in between must already know whether it speaks TLS
   */
  public ProxyChannelInitializer(ProxyRuntime rt, int configuredPort, CompiledConfig binding) {
    this.rt = rt;
    this.configuredPort = configuredPort;
    this.idleSeconds = Integer.getInteger("gantry.proxy.idleSeconds", DEFAULT_IDLE_SECONDS);
    this.binding = binding;
  }

  /** The port as the current config defines it (falling back to the binding config), or null. */
  private CompiledPort currentPort() {
    CompiledConfig c = rt.config();
    CompiledPort p = c == null ? null : c.port(configuredPort);
    return p != null || binding == null ? p : binding.port(configuredPort);
  }

  static HttpDecoderConfig decoderConfig() {
    return new HttpDecoderConfig()
        .setMaxInitialLineLength(MAX_INITIAL_LINE)
        .setMaxHeaderSize(MAX_HEADER_SIZE)
        .setValidateHeaders(true)
        .setStrictLineParsing(true)
        // CL together with TE is a smuggling vector: reject it (RFC 9112 §6.1) instead of
        // silently dropping Content-Length.
        .setUseRfc9112TransferEncoding(true)
        .setAllowDuplicateContentLengths(false);
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    HttpLimits limits = rt.limits();
    ch.attr(CONFIGURED_PORT).set(configuredPort);
    ch.pipeline().addLast(new ConnectionTracker(rt, limits.maxConnections()));
    CompiledPort port = currentPort();
    if (port != null && port.tls() != null) {
      // HTTPS: SNI picks the certificate, then ALPN picks HTTP/2 or HTTP/1.1 (AlpnPipeline).
      ch.pipeline()
          .addLast(
              new IdleTimeout(idleSeconds, TimeUnit.SECONDS),
              new SniListenerHandler(this::currentPort),
              new AlpnPipeline(this));
      return;
    }
    HttpServerCodec codec = new HttpServerCodec(decoderConfig());
    HttpServerUpgradeHandler upgrade =
        new HttpServerUpgradeHandler(
            codec,
            protocol ->
                AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)
                    ? new Http2ServerUpgradeCodec(frameCodec(), multiplex(), new Http2IdleCloser())
                    : null,
            MAX_UPGRADE_BODY);
    ch.pipeline()
        .addLast(
            new IdleTimeout(idleSeconds, TimeUnit.SECONDS),
            new CleartextHttp2ServerUpgradeHandler(
                codec,
                upgrade,
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel c) {
                    c.pipeline().addLast(frameCodec(), multiplex(), new Http2IdleCloser());
                  }
                }),
            new RequestHeaderTimeout(limits.headerTimeoutMillis()),
            new RequestGuard(limits),
            new HttpServerExpectContinueHandler(),
            new ProxyHandler(rt, configuredPort, false));
  }

  /** The HTTP/1.1 handlers after TLS (no h2c: over TLS, HTTP/2 is chosen by ALPN). */
  void addHttp1(ChannelPipeline p) {
    HttpLimits limits = rt.limits();
    p.addLast(
        new HttpServerCodec(decoderConfig()),
        new RequestHeaderTimeout(limits.headerTimeoutMillis()),
        new RequestGuard(limits),
        new HttpServerExpectContinueHandler(),
        new ProxyHandler(rt, configuredPort, false));
  }

  /** The HTTP/2 handlers after TLS: each stream becomes a child channel with its ProxyHandler. */
  void addHttp2(ChannelPipeline p) {
    p.addLast(frameCodec(), multiplex());
  }

  private Http2FrameCodec frameCodec() {
    HttpLimits limits = rt.limits();
    return Http2FrameCodecBuilder.forServer()
        .initialSettings(
            Http2Settings.defaultSettings().maxConcurrentStreams(limits.maxConcurrentStreams()))
        // Rapid reset (CVE-2023-44487): too many RST_STREAM per window → GOAWAY ENHANCE_YOUR_CALM.
        .decoderEnforceMaxRstFramesPerWindow(
            limits.maxResetsPerWindow(), limits.resetWindowSeconds())
        .gracefulShutdownTimeoutMillis(H2_GRACEFUL_SHUTDOWN_MS)
        .validateHeaders(true)
        .build();
  }

  private Http2MultiplexHandler multiplex() {
    HttpLimits limits = rt.limits();
    return new Http2MultiplexHandler(
        new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel stream) {
            stream
                .pipeline()
                .addLast(
                    new Http2StreamFrameToHttpObjectCodec(true),
                    new RequestGuard(limits),
                    new ProxyHandler(rt, configuredPort, true));
          }
        });
  }

  /** Closes (GOAWAY first) an HTTP/2 connection that idled out with no stream open. */
  static final class Http2IdleCloser extends ChannelInboundHandlerAdapter {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof io.netty.handler.timeout.IdleStateEvent) {
        Http2FrameCodec codec = ctx.pipeline().get(Http2FrameCodec.class);
        if (codec == null || codec.connection().numActiveStreams() == 0) {
          ctx.close();
        }
        return;
      }
      ctx.fireUserEventTriggered(evt);
    }
  }

  /** Counts and registers downstream connections (for metrics and graceful shutdown). */
  static final class ConnectionTracker extends ChannelInboundHandlerAdapter {
    private final ProxyRuntime rt;
    private final int maxConnections;
    private boolean counted;

    ConnectionTracker(ProxyRuntime rt, int maxConnections) {
      this.rt = rt;
      this.maxConnections = maxConnections;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      if (rt.metrics().activeConnections().get() >= maxConnections) {
        // Over the cap: refuse at accept, before any byte is read or any buffer allocated.
        ctx.close();
        return;
      }
      counted = true;
      rt.connectionOpened(ctx.channel());
      ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (counted) {
        rt.connectionClosed();
      }
      ctx.fireChannelInactive();
    }
  }
}
