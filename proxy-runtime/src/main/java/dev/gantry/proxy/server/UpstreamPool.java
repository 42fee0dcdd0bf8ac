package dev.gantry.proxy.server;

import dev.gantry.model.routing.AppProtocol;
import dev.gantry.model.routing.backend.ConnectionSettings;
import dev.gantry.proxy.route.UpstreamEndpoint;
import dev.gantry.proxy.upstream.ClusterMember;
import dev.gantry.proxy.upstream.EndpointState;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Upstream connections of one event loop: idle HTTP/1.1 connections per endpoint, and multiplexed
 * HTTP/2 (h2c prior knowledge, or h2 over TLS) connections per endpoint, a new one opened whenever
 * every existing one carries the cluster's {@code maxConcurrentStreams}. Only ever touched from its
 * own event loop, so it needs no locks, and a request never hops threads to reach its upstream.
 * Keyed by endpoint, not by config, so connections survive reloads. Every connection is counted on
 * its endpoint's state while open (the circuit breaker's connection limit reads it).
 */
final class UpstreamPool {
  static final int MAX_IDLE_PER_ENDPOINT = 256;

  /** An h2c connection and the streams it carries now. */
  private static final class H2Connection {
    Future<Channel> channel;
    int streams;

    boolean usable() {
      return !channel.isDone() || (channel.isSuccess() && channel.getNow().isActive());
    }
  }

  /**
   * How long streams in flight on an HTTP/2 connection to a removed endpoint may still run: long
   * enough for any ordinary request (they have their own timeouts), bounded so a stream that never
   * ends cannot keep the connection forever.
   */
  static final long RETIRE_GRACE_MS = 300_000;

  private final EventLoop loop;
  private final Transport transport;
  private final ChannelGroup all;
  private final Map<UpstreamEndpoint, ArrayDeque<Channel>> idle = new HashMap<>();
  private final Map<UpstreamEndpoint, List<H2Connection>> h2Connections = new HashMap<>();
  private final Predicate<UpstreamEndpoint> routed;

  /**
   * Connections in the idle queues. Written only on this loop; volatile because the metrics scrape
   * reads it from the admin thread.
   */
  private volatile int idleCount;

  /**
   * @param routed true for endpoints the current config still sends requests to; connections to any
   *     other endpoint are closed once their exchange is done instead of being pooled
   */
  UpstreamPool(
      EventLoop loop, Transport transport, ChannelGroup all, Predicate<UpstreamEndpoint> routed) {
    this.loop = loop;
    this.transport = transport;
    this.all = all;
    this.routed = routed;
  }

  EventLoop loop() {
    return loop;
  }

  /**
   * After a config removed endpoints (or marked them terminating): closes the idle connections to
   * them and sends GOAWAY on their HTTP/2 connections, which then close when their open streams
   * end. Connections busy with a request keep serving it and are closed on release. Runs on this
   * pool's loop.
   */
  void retireUnrouted() {
    for (var it = idle.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (!routed.test(e.getKey())) {
        // Out of the map first, so the close listeners' dropIdle finds nothing to count twice.
        it.remove();
        idleCount -= e.getValue().size();
        e.getValue().forEach(Channel::close);
      }
    }
    for (UpstreamEndpoint e : List.copyOf(h2Connections.keySet())) {
      if (!routed.test(e)) {
        retireH2(e);
      }
    }
  }

  /**
   * Forgets the HTTP/2 connections to {@code endpoint} and closes them gracefully: {@link
   * Http2ConnectionHandler#close} sends GOAWAY and closes once no stream is open, or after {@link
   * #RETIRE_GRACE_MS}. (A client codec's own default is 0: close at once, cutting open streams.)
   */
  private void retireH2(UpstreamEndpoint endpoint) {
    List<H2Connection> list = h2Connections.remove(endpoint);
    if (list == null) {
      return;
    }
    for (H2Connection c : list) {
      Future<Channel> f = c.channel;
      f.addListener(
          x -> {
            if (f.isSuccess()) {
              Channel ch = f.getNow();
              Http2ConnectionHandler codec = ch.pipeline().get(Http2ConnectionHandler.class);
              if (codec != null) {
                codec.gracefulShutdownTimeoutMillis(RETIRE_GRACE_MS);
              }
              ch.close();
            }
          });
    }
  }

  /** A connection (HTTP/1.1) or a new stream (h2c) ready for one request/response. */
  Future<Channel> acquire(ClusterMember member, ConnectionSettings settings) {
    UpstreamEndpoint endpoint = member.endpoint();
    if (endpoint.protocol() == AppProtocol.H2C) {
      return openStream(member, settings);
    }
    ArrayDeque<Channel> q = idle.get(endpoint);
    while (q != null && !q.isEmpty()) {
      Channel ch = q.pollLast();
      idleCount--;
      if (ch.isActive()) {
        return loop.newSucceededFuture(ch);
      }
    }
    return connectHttp1(member, settings);
  }

  /**
   * True when {@link #acquire} would open a new connection (no idle HTTP/1.1 connection, or every
   * h2c connection is full): the request then waits for a connect and counts against the circuit
   * breaker's connection and pending limits.
   */
  boolean needsConnection(UpstreamEndpoint endpoint, ConnectionSettings settings) {
    if (endpoint.protocol() == AppProtocol.H2C) {
      return h2ConnectionWithRoom(endpoint, settings) == null;
    }
    ArrayDeque<Channel> q = idle.get(endpoint);
    if (q == null) {
      return true;
    }
    // acquire takes the last one: drop dead ones from that end (no iterator on the hot path).
    Channel last;
    while ((last = q.peekLast()) != null && !last.isActive()) {
      q.pollLast();
      idleCount--;
    }
    return last == null;
  }

  /** A fresh HTTP/1.1 connection that is never pooled (WebSocket upgrades keep it for good). */
  Future<Channel> connectDedicated(ClusterMember member, ConnectionSettings settings) {
    return connectHttp1(member, settings);
  }

  /** Returns a connection after a complete exchange, or closes it. */
  void release(UpstreamEndpoint endpoint, Channel ch, boolean reusable) {
    UpstreamHandler h = ch.pipeline().get(UpstreamHandler.class);
    if (h != null) {
      h.detach();
    }
    if (endpoint.protocol() == AppProtocol.H2C && !routed.test(endpoint)) {
      // A request that started on an older config opened a connection to a removed endpoint.
      ch.close();
      retireH2(endpoint);
      return;
    }
    if (endpoint.protocol() == AppProtocol.H2C
        || !reusable
        || !ch.isActive()
        // find (a map lookup), not contains (which scans every upstream connection's entry).
        || all.find(ch.id()) != ch
        || (h != null && h.usedUp())
        || !routed.test(endpoint)) {
      // An h2 stream is one exchange; closing a finished stream is a no-op on the wire. A
      // connection that served maxRequestsPerConnection requests, or to an endpoint the config
      // no longer routes to, is closed instead of pooled.
      ch.close();
      return;
    }
    ch.config().setAutoRead(true);
    ArrayDeque<Channel> q = idle.computeIfAbsent(endpoint, e -> new ArrayDeque<>());
    if (q.size() >= MAX_IDLE_PER_ENDPOINT) {
      ch.close();
    } else {
      q.addLast(ch);
      idleCount++;
    }
  }

  /** Pooled connections waiting for an exchange (read by the metrics scrape). */
  int idleCount() {
    return idleCount;
  }

  /** A closed connection (idle timeout, upstream close) leaves the idle queue at once. */
  private void dropIdle(UpstreamEndpoint endpoint, Channel ch) {
    ArrayDeque<Channel> q = idle.get(endpoint);
    if (q != null && q.remove(ch)) {
      idleCount--;
    }
  }

  private Bootstrap bootstrap(ConnectionSettings settings) {
    return new Bootstrap()
        .group(loop)
        .channel(transport.socketChannel())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.SO_KEEPALIVE, true)
        .option(
            ChannelOption.CONNECT_TIMEOUT_MILLIS,
            (int) Math.min(Integer.MAX_VALUE, settings.connectTimeoutMs()));
  }

  private Future<Channel> connectHttp1(ClusterMember member, ConnectionSettings settings) {
    ChannelFuture cf =
        bootstrap(settings)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    addTls(ch, member.endpoint());
                    ch.pipeline()
                        .addLast(
                            new HttpClientCodec(),
                            new IdleTimeout(settings.idleTimeoutMs(), TimeUnit.MILLISECONDS),
                            new UpstreamHandler(settings.maxRequestsPerConnection()));
                  }
                })
            .connect(member.endpoint().address());
    UpstreamEndpoint endpoint = member.endpoint();
    cf.channel().closeFuture().addListener(x -> dropIdle(endpoint, cf.channel()));
    return track(cf, member.state());
  }

  /** BackendTLSPolicy: TLS first in the pipeline, SNI = the policy's hostname. */
  private static void addTls(Channel ch, UpstreamEndpoint endpoint) {
    if (endpoint.tls() != null) {
      ch.pipeline().addLast(endpoint.tls().newHandler(ch.alloc(), endpoint.address().getPort()));
    }
  }

  /**
   * Succeeds once the connection is usable: connected and, over TLS, handshaken. Waiting for the
   * handshake means a backend whose certificate fails verification gets no request bytes at all
   * (not even queued ones) and the exchange sees a connect failure.
   */
  private Future<Channel> track(ChannelFuture cf, EndpointState state) {
    Promise<Channel> p = loop.newPromise();
    cf.addListener(
        f -> {
          if (!f.isSuccess()) {
            p.setFailure(f.cause());
            return;
          }
          SslHandler tls = cf.channel().pipeline().get(SslHandler.class);
          if (tls == null) {
            all.add(cf.channel());
            state.connectionOpened();
            cf.channel().closeFuture().addListener(x -> state.connectionClosed());
            p.setSuccess(cf.channel());
            return;
          }
          tls.handshakeFuture()
              .addListener(
                  h -> {
                    if (h.isSuccess()) {
                      all.add(cf.channel());
                      state.connectionOpened();
                      cf.channel().closeFuture().addListener(x -> state.connectionClosed());
                      p.setSuccess(cf.channel());
                    } else {
                      cf.channel().close();
                      p.setFailure(h.cause());
                    }
                  });
        });
    return p;
  }

  private H2Connection h2ConnectionWithRoom(UpstreamEndpoint endpoint, ConnectionSettings s) {
    List<H2Connection> list = h2Connections.get(endpoint);
    if (list == null) {
      return null;
    }
    list.removeIf(c -> !c.usable());
    for (H2Connection c : list) {
      if (c.streams < s.maxConcurrentStreams()) {
        return c;
      }
    }
    return null;
  }

  private H2Connection h2Connection(ClusterMember member, ConnectionSettings settings) {
    H2Connection existing = h2ConnectionWithRoom(member.endpoint(), settings);
    if (existing != null) {
      return existing;
    }
    H2Connection c = new H2Connection();
    ChannelFuture cf =
        bootstrap(settings)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    addTls(ch, member.endpoint());
                    ch.pipeline()
                        .addLast(
                            Http2FrameCodecBuilder.forClient().build(),
                            new IdleTimeout(settings.idleTimeoutMs(), TimeUnit.MILLISECONDS),
                            new ChannelInboundHandlerAdapter() {
                              @Override
                              public void userEventTriggered(ChannelHandlerContext ctx, Object e) {
                                // Idle with no open stream: nothing waits on it, close (GOAWAY).
                                if (e instanceof IdleStateEvent && c.streams == 0) {
                                  ctx.close();
                                } else {
                                  ctx.fireUserEventTriggered(e);
                                }
                              }
                            },
                            new Http2MultiplexHandler(new UpstreamHandler(0)));
                  }
                })
            .connect(member.endpoint().address());
    c.channel = track(cf, member.state());
    h2Connections.computeIfAbsent(member.endpoint(), e -> new ArrayList<>(1)).add(c);
    return c;
  }

  private Future<Channel> openStream(ClusterMember member, ConnectionSettings settings) {
    Promise<Channel> p = loop.newPromise();
    H2Connection conn = h2Connection(member, settings);
    conn.streams++;
    conn.channel.addListener(
        (Future<Channel> cf) -> {
          if (!cf.isSuccess()) {
            conn.streams--;
            p.setFailure(cf.cause());
            return;
          }
          new Http2StreamChannelBootstrap(cf.getNow())
              .handler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      ch.pipeline()
                          .addLast(
                              new Http2StreamFrameToHttpObjectCodec(false), new UpstreamHandler(0));
                    }
                  })
              .open()
              .addListener(
                  (Future<Http2StreamChannel> sf) -> {
                    if (sf.isSuccess()) {
                      sf.getNow().closeFuture().addListener(x -> conn.streams--);
                      p.setSuccess(sf.getNow());
                    } else {
                      conn.streams--;
                      p.setFailure(sf.cause());
                    }
                  });
        });
    return p;
  }
}
