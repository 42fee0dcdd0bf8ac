package dev.gantry.proxy.echo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.proxy.server.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.AsciiString;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code gantry echo} backend and the tests' upstream. Answers every request with JSON naming
 * itself and the request it saw: {@code name}, {@code method}, {@code path} (with the query,
 * verbatim), {@code host}, {@code headers} (lower-case name → values joined by ","), {@code
 * protocol}. Speaks HTTP/1.1, h2c (prior knowledge and upgrade) and echoes WebSocket messages.
 *
 * <p>Controls, as in the Gateway API conformance echo server:
 *
 * <ul>
 *   <li>{@code X-Echo-Set-Header: name:value,...} sets response headers;
 *   <li>{@code ?delay=1s} (GEP-2257 duration) delays the answer, without blocking;
 *   <li>{@code ?bodySize=N} answers with N bytes (at most 16 MiB) instead of the JSON, for
 *       streaming tests;
 *   <li>{@code ?uuid=U&succeedAfter=N&responseCode=C} makes the first N requests carrying uuid U
 *       fail with status C ({@code responseCode=reset} resets the connection instead), optionally
 *       after {@code failDelay=D}; later ones succeed.
 * </ul>
 */
public final class EchoServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern DURATION = Pattern.compile("([0-9]{1,5})(h|ms|m|s)");
  private static final AsciiString ECHO_SET_HEADER = AsciiString.cached("x-echo-set-header");
  private static final int MAX_BODY = 16 << 20;
  private static final int MAX_RECORDED = 10_000;
  private static final int MAX_TRACKED_UUIDS = 100_000;

  private final String name;
  private final EventLoopGroup group;
  private final Channel channel;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicInteger openConnections = new AtomicInteger();
  private final ConcurrentLinkedDeque<String> recent = new ConcurrentLinkedDeque<>();
  private final AtomicInteger recentCount = new AtomicInteger();
  private final ConcurrentHashMap<String, AtomicInteger> tries = new ConcurrentHashMap<>();

  private EchoServer(String host, int port, String name) {
    this.name = name;
    Transport transport = Transport.best();
    this.group = transport.newGroup(2, "gantry-echo");
    try {
      this.channel =
          new ServerBootstrap()
              .group(group)
              .channel(transport.serverChannel())
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      initConnection(ch);
                    }
                  })
              .bind(new InetSocketAddress(host, port))
              .syncUninterruptibly()
              .channel();
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw new IllegalStateException(
          "echo address: " + host + ":" + port + " (expected: a bindable address: " + e + ")", e);
    }
  }

  public static EchoServer start(String host, int port, String name) {
    return new EchoServer(host, port, name);
  }

  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  public String name() {
    return name;
  }

  /** Requests answered (or failed on purpose) so far. */
  public long requestCount() {
    return requests.get();
  }

  /** TCP connections open to this server now (tests watch pooled connections drain). */
  public int openConnections() {
    return openConnections.get();
  }

  /** The JSON this server echoed for its most recent requests (at most 10,000), oldest first. */
  public List<String> recentRequests() {
    return new ArrayList<>(recent);
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private void initConnection(SocketChannel ch) {
    openConnections.incrementAndGet();
    ch.closeFuture().addListener(f -> openConnections.decrementAndGet());
    HttpServerCodec codec = new HttpServerCodec();
    HttpServerUpgradeHandler upgrade =
        new HttpServerUpgradeHandler(
            codec,
            protocol ->
                AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)
                    ? new Http2ServerUpgradeCodec(
                        Http2FrameCodecBuilder.forServer().build(), multiplex())
                    : null,
            MAX_BODY);
    ch.pipeline()
        .addLast(
            new CleartextHttp2ServerUpgradeHandler(
                codec,
                upgrade,
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel c) {
                    c.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(), multiplex());
                  }
                }),
            new HttpObjectAggregator(MAX_BODY),
            new Handler(false));
  }

  private Http2MultiplexHandler multiplex() {
    return new Http2MultiplexHandler(
        new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel stream) {
            stream
                .pipeline()
                .addLast(
                    new Http2StreamFrameToHttpObjectCodec(true),
                    new HttpObjectAggregator(MAX_BODY),
                    new Handler(true));
          }
        });
  }

  /** Parses a GEP-2257 duration such as {@code 1s}, {@code 300ms}, {@code 1m30s}; -1 if invalid. */
  static long parseDurationMillis(String s) {
    if (s == null || s.isEmpty()) {
      return -1;
    }
    Matcher m = DURATION.matcher(s);
    long total = 0;
    int pos = 0;
    while (m.find() && m.start() == pos) {
      long n = Long.parseLong(m.group(1));
      total +=
          switch (m.group(2)) {
            case "h" -> TimeUnit.HOURS.toMillis(n);
            case "m" -> TimeUnit.MINUTES.toMillis(n);
            case "s" -> TimeUnit.SECONDS.toMillis(n);
            default -> n;
          };
      pos = m.end();
    }
    return pos == s.length() ? total : -1;
  }

  private final class Handler extends SimpleChannelInboundHandler<Object> {
    private final boolean http2;
    private WebSocketServerHandshaker handshaker;

    Handler(boolean http2) {
      this.http2 = http2;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof FullHttpRequest req) {
        onRequest(ctx, req);
      } else if (msg instanceof WebSocketFrame frame) {
        onFrame(ctx, frame);
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof HttpServerUpgradeHandler.UpgradeEvent
          || evt instanceof CleartextHttp2ServerUpgradeHandler.PriorKnowledgeUpgradeEvent) {
        if (ctx.pipeline().get(HttpObjectAggregator.class) != null) {
          ctx.pipeline().remove(HttpObjectAggregator.class);
        }
        ctx.pipeline().remove(this);
      }
      ctx.fireUserEventTriggered(evt);
    }

    private void onRequest(ChannelHandlerContext ctx, FullHttpRequest req) {
      if (!req.decoderResult().isSuccess()) {
        respond(ctx, req, HttpResponseStatus.BAD_REQUEST, null, false);
        return;
      }
      if (!http2
          && req.headers()
              .containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
        String url = "ws://" + req.headers().get(HttpHeaderNames.HOST) + req.uri();
        handshaker = new WebSocketServerHandshakerFactory(url, null, true).newHandshaker(req);
        requests.incrementAndGet();
        if (handshaker == null) {
          WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
        } else {
          handshaker.handshake(ctx.channel(), req);
        }
        return;
      }
      Map<String, List<String>> params;
      try {
        params = new QueryStringDecoder(req.uri()).parameters();
      } catch (IllegalArgumentException e) {
        // A query that is not valid percent-encoding is still echoed verbatim; it just has no
        // controls.
        params = Map.of();
      }
      String uuid = first(params, "uuid");
      if (uuid != null && params.containsKey("succeedAfter")) {
        if (tries.size() > MAX_TRACKED_UUIDS) {
          tries.clear();
        }
        int n = tries.computeIfAbsent(uuid, u -> new AtomicInteger()).incrementAndGet();
        int succeedAfter = Integer.parseInt(first(params, "succeedAfter"));
        if (n <= succeedAfter) {
          requests.incrementAndGet();
          String code = first(params, "responseCode");
          long failDelay = parseDurationMillis(first(params, "failDelay"));
          // A delayed answer keeps only the head (see the delayed echo below).
          FullHttpRequest answered = failDelay > 0 ? req.replace(Unpooled.EMPTY_BUFFER) : req;
          Runnable fail =
              () -> {
                if ("reset".equals(code)) {
                  // SO_LINGER 0 turns the close into a TCP reset, like a crashing backend.
                  Channel c = http2 ? ctx.channel().parent() : ctx.channel();
                  c.config().setOption(ChannelOption.SO_LINGER, 0);
                  c.close();
                } else {
                  int status = code == null ? 500 : Integer.parseInt(code);
                  respond(ctx, answered, HttpResponseStatus.valueOf(status), null, true);
                }
              };
          if (failDelay > 0) {
            ctx.executor().schedule(fail, failDelay, TimeUnit.MILLISECONDS);
          } else {
            fail.run();
          }
          return;
        }
      }
      long delay = parseDurationMillis(first(params, "delay"));
      String size = first(params, "bodySize");
      if (size != null) {
        requests.incrementAndGet();
        int n = Math.min(Integer.parseInt(size), MAX_BODY);
        ByteBuf big = ctx.alloc().buffer(n);
        for (int i = 0; i < n; i++) {
          big.writeByte('a' + i % 26);
        }
        FullHttpResponse res =
            new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, big);
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, n);
        ctx.writeAndFlush(res);
        return;
      }
      String body = describe(req);
      requests.incrementAndGet();
      recent.addLast(body);
      // ConcurrentLinkedDeque.size() walks the whole deque: a counter keeps the bound O(1) per
      // request (the echo server is the upstream of load tests too).
      if (recentCount.incrementAndGet() > MAX_RECORDED && recent.pollFirst() != null) {
        recentCount.decrementAndGet();
      }
      if (delay > 0) {
        // The answer needs only the request head: a retained body would leak when the server is
        // closed (its scheduled tasks dropped) before the delay is over.
        FullHttpRequest head = req.replace(Unpooled.EMPTY_BUFFER);
        ctx.executor()
            .schedule(
                () -> respond(ctx, head, HttpResponseStatus.OK, body, false),
                delay,
                TimeUnit.MILLISECONDS);
      } else {
        respond(ctx, req, HttpResponseStatus.OK, body, false);
      }
    }

    private String describe(FullHttpRequest req) {
      ObjectNode o = JSON.createObjectNode();
      o.put("name", name);
      o.put("method", req.method().name());
      o.put("path", req.uri());
      o.put("host", req.headers().get(HttpHeaderNames.HOST));
      Map<String, String> headers = new TreeMap<>();
      for (Map.Entry<String, String> e : req.headers()) {
        String n = e.getKey().toLowerCase(Locale.ROOT);
        if (n.startsWith("x-http2-")) {
          continue;
        }
        headers.merge(n, e.getValue(), (a, b) -> a + "," + b);
      }
      ObjectNode h = o.putObject("headers");
      headers.forEach(h::put);
      o.put("protocol", http2 ? "HTTP/2.0" : "HTTP/1.1");
      o.put("bodyLength", req.content().readableBytes());
      return o.toString();
    }

    private void respond(
        ChannelHandlerContext ctx,
        FullHttpRequest req,
        HttpResponseStatus status,
        String body,
        boolean failure) {
      ByteBuf buf =
          body == null
              ? Unpooled.EMPTY_BUFFER
              : Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
      FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, buf);
      res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
      res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, buf.readableBytes());
      String set = req.headers().get(ECHO_SET_HEADER);
      if (set != null && !failure) {
        for (String pair : set.split(",")) {
          int colon = pair.indexOf(':');
          if (colon > 0) {
            res.headers().add(pair.substring(0, colon).trim(), pair.substring(colon + 1).trim());
          }
        }
      }
      boolean keepAlive = http2 || HttpUtil.isKeepAlive(req);
      if (!http2) {
        HttpUtil.setKeepAlive(res, keepAlive);
      }
      if (keepAlive) {
        ctx.writeAndFlush(res);
      } else {
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
      }
    }

    private void onFrame(ChannelHandlerContext ctx, WebSocketFrame frame) {
      if (frame instanceof CloseWebSocketFrame close) {
        handshaker.close(ctx.channel(), close.retain());
      } else if (frame instanceof PingWebSocketFrame) {
        ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
      } else if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
        ctx.writeAndFlush(frame.retain());
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  private static String first(Map<String, List<String>> params, String key) {
    List<String> v = params.get(key);
    return v == null || v.isEmpty() ? null : v.get(0);
  }
}
