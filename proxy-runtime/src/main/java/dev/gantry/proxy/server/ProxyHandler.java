package dev.gantry.proxy.server;

import dev.gantry.proxy.route.CompiledConfig;
import dev.gantry.proxy.route.CompiledPort;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Serves one HTTP/1.1 connection or one HTTP/2 stream. HTTP/1.1 requests are handled one at a time:
 * pipelined requests wait in a queue (and reading pauses) until the response before them is
 * complete, so responses always leave in request order.
 */
public final class ProxyHandler extends ChannelInboundHandlerAdapter {
  static final int SUSPEND_PIPELINE = 1;
  static final int SUSPEND_BACKPRESSURE = 2;

  /** A request waits for a Global rate-limit decision; its body is queued meanwhile. */
  static final int SUSPEND_RATE_LIMIT = 4;

  private final ProxyRuntime rt;
  private final int configuredPort;
  private final boolean http2Stream;
  private final ArrayDeque<HttpObject> pipelined = new ArrayDeque<>(2);
  private ChannelHandlerContext ctx;
  private String clientAddress;
  private CompiledConfig portConfig;
  private CompiledPort port;
  private HttpExchange current;
  private int suspended;
  private boolean closeAfterResponse;

  public ProxyHandler(ProxyRuntime rt, int configuredPort, boolean http2Stream) {
    this.rt = rt;
    this.configuredPort = configuredPort;
    this.http2Stream = http2Stream;
  }

  boolean isHttp2Stream() {
    return http2Stream;
  }

  /** True when no request is in progress (a graceful close may close the connection now). */
  public boolean idle() {
    return current == null && pipelined.isEmpty();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof HttpObject obj)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (closeAfterResponse && current == null) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (current != null) {
      if (!current.isDone()
          && pipelined.isEmpty()
          && obj instanceof HttpContent c
          && !(obj instanceof HttpRequest)) {
        current.onRequestContent(c);
        return;
      }
      pipelined.add(obj);
      suspendRead(SUSPEND_PIPELINE);
      return;
    }
    process(obj);
  }

  private void process(HttpObject obj) {
    if (!(obj instanceof HttpRequest req)) {
      // Content of a request that was already answered and closed; drop it.
      ReferenceCountUtil.release(obj);
      return;
    }
    if (req.decoderResult().isFailure()) {
      ReferenceCountUtil.release(obj);
      rejectMalformed(req.decoderResult().cause());
      return;
    }
    HttpExchange ex = new HttpExchange(this, ctx, rt, req);
    current = ex;
    ex.start(rt.config(), configuredPort);
    if (req instanceof FullHttpRequest full) {
      // The body travels as content; the exchange now owns the buffer.
      ex.onRequestContent(new DefaultLastHttpContent(full.content(), full.trailingHeaders()));
    }
  }

  /** 414 for a too-long request line, 431 for too-large headers, else 400; then close. */
  private void rejectMalformed(Throwable cause) {
    HttpResponseStatus status = HttpResponseStatus.BAD_REQUEST;
    if (cause instanceof dev.gantry.proxy.hardening.RejectedRequestException r) {
      status = HttpResponseStatus.valueOf(r.status());
    } else if (cause instanceof TooLongHttpLineException) {
      status = HttpResponseStatus.REQUEST_URI_TOO_LONG;
    } else if (cause instanceof TooLongHttpHeaderException
        || cause instanceof TooLongFrameException) {
      status = HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
    }
    rt.metrics().unmatched().record(status.code(), System.nanoTime());
    closeAfterResponse = true;
    DefaultFullHttpResponse r =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
  }

  void closeAfterResponse() {
    closeAfterResponse = true;
  }

  /** Called by the exchange once its response is written and its request fully read. */
  void exchangeDone(HttpExchange ex) {
    if (current != ex) {
      return;
    }
    current = null;
    if (http2Stream) {
      if (rt.draining()) {
        // An HTTP/2 connection opened during the drain period: tell it to go elsewhere too.
        DownstreamDrain.announce(ctx.channel().parent());
      }
      return;
    }
    if (closeAfterResponse || !ex.keepAlive() || port(rt.config()) == null) {
      // (A removed listener's connections close once their request is done.)
      closeAfterResponse = true;
      releasePipelined();
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    while (current == null && !pipelined.isEmpty()) {
      HttpObject next = pipelined.poll();
      if (current == null) {
        process(next);
      }
      // Content that belongs to the request just started goes to it, in order.
      while (current != null
          && !current.isDone()
          && !pipelined.isEmpty()
          && pipelined.peek() instanceof HttpContent
          && !(pipelined.peek() instanceof HttpRequest)) {
        current.onRequestContent((HttpContent) pipelined.poll());
      }
      if (current != null) {
        break;
      }
    }
    if (pipelined.isEmpty()) {
      resumeRead(SUSPEND_PIPELINE);
    }
  }

  /**
   * This connection's listener port in {@code config}: looked up once per config rather than per
   * request (a boxed key and a map lookup that showed in the CPU profile).
   */
  CompiledPort port(CompiledConfig config) {
    if (config != portConfig) {
      portConfig = config;
      port = config == null ? null : config.port(configuredPort);
    }
    return port;
  }

  /**
   * The client's IP address as text for X-Forwarded-For, made once per connection rather than per
   * request; null when the peer is not an IP socket.
   */
  String clientAddress() {
    if (clientAddress == null
        && ctx.channel().remoteAddress() instanceof java.net.InetSocketAddress isa
        && isa.getAddress() != null) {
      clientAddress = isa.getAddress().getHostAddress();
    }
    return clientAddress;
  }

  void suspendRead(int reason) {
    if (suspended == 0) {
      ctx.channel().config().setAutoRead(false);
    }
    suspended |= reason;
  }

  void resumeRead(int reason) {
    if ((suspended & reason) == 0) {
      return;
    }
    suspended &= ~reason;
    if (suspended == 0) {
      ctx.channel().config().setAutoRead(true);
      ctx.read();
      if (http2Stream) {
        // Resumed from a LoopFlusher task (the upstream drained), not from the parent's read: the
        // WINDOW_UPDATE this read writes is only flushed by the parent's read completion, which
        // may never come because the client waits for that window (a stalled 1 MiB upload).
        ctx.channel().parent().flush();
      }
    }
  }

  /** After a 101 from a WebSocket upstream: drop HTTP on both sides and copy bytes both ways. */
  void spliceTo(Channel upstream) {
    Channel client = ctx.channel();
    ChannelPipeline cp = client.pipeline();
    ChannelPipeline up = upstream.pipeline();
    cp.addLast(new RelayHandler(upstream));
    up.addLast(new RelayHandler(client));
    removeIfPresent(cp, HttpServerExpectContinueHandler.class);
    removeIfPresent(cp, HttpServerUpgradeHandler.class);
    removeIfPresent(cp, dev.gantry.proxy.hardening.RequestHeaderTimeout.class);
    removeIfPresent(cp, dev.gantry.proxy.hardening.RequestGuard.class);
    removeIfPresent(cp, IdleTimeout.class);
    cp.remove(this);
    removeIfPresent(up, UpstreamHandler.class);
    removeIfPresent(up, IdleTimeout.class);
    // Removing the codecs last hands any bytes they still buffer to the relays.
    removeIfPresent(cp, HttpServerCodec.class);
    removeIfPresent(up, HttpClientCodec.class);
    client.config().setAutoRead(true);
    upstream.config().setAutoRead(true);
    client.read();
    upstream.read();
  }

  private static void removeIfPresent(ChannelPipeline p, Class<? extends ChannelHandler> type) {
    if (p.get(type) != null) {
      p.remove(type);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (current != null) {
      current.onClientWritabilityChanged();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (current != null) {
      current.abort();
      current = null;
    }
    releasePipelined();
    ctx.fireChannelInactive();
  }

  private void releasePipelined() {
    HttpObject o;
    while ((o = pipelined.poll()) != null) {
      ReferenceCountUtil.release(o);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof HttpServerUpgradeHandler.UpgradeEvent
        || evt instanceof CleartextHttp2ServerUpgradeHandler.PriorKnowledgeUpgradeEvent) {
      // The connection now speaks HTTP/2; each stream gets its own handler.
      removeIfPresent(ctx.pipeline(), HttpServerExpectContinueHandler.class);
      ctx.pipeline().remove(this);
      ctx.fireUserEventTriggered(evt);
      return;
    }
    if (evt instanceof IdleStateEvent) {
      if (idle()) {
        ctx.close();
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // I/O errors (reset by peer) end the connection; an exchange in progress is aborted by
    // channelInactive. Nothing is logged per request.
    ctx.close();
  }
}
