package dev.gantry.proxy.server;

import dev.gantry.model.routing.AppProtocol;
import dev.gantry.proxy.route.UpstreamEndpoint;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
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
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Upstream connections of one event loop: idle HTTP/1.1 connections per endpoint, and one
 * multiplexed HTTP/2 (h2c prior knowledge) connection per endpoint. Only ever touched from its own
 * event loop, so it needs no locks, and a request never hops threads to reach its upstream. Keyed
 * by endpoint, not by config, so connections survive reloads.
 */
final class UpstreamPool {
  static final int MAX_IDLE_PER_ENDPOINT = 256;
  static final int IDLE_SECONDS = 60;
  static final int CONNECT_TIMEOUT_MS = 5_000;

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
  private final Map<UpstreamEndpoint, Future<Channel>> h2Connections = new HashMap<>();
  private final Predicate<UpstreamEndpoint> routed;

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
        e.getValue().forEach(Channel::close);
        it.remove();
      }
    }
    for (UpstreamEndpoint e : List.copyOf(h2Connections.keySet())) {
      if (!routed.test(e)) {
        retireH2(e);
      }
    }
  }

  /**
   * Forgets the HTTP/2 connection to {@code endpoint} and closes it gracefully: {@link
   * Http2ConnectionHandler#close} sends GOAWAY and closes once no stream is open, or after {@link
   * #RETIRE_GRACE_MS}. (A client codec's own default is 0: close at once, cutting open streams.)
   */
  private void retireH2(UpstreamEndpoint endpoint) {
    Future<Channel> f = h2Connections.remove(endpoint);
    if (f != null) {
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
  Future<Channel> acquire(UpstreamEndpoint endpoint) {
    if (endpoint.protocol() == AppProtocol.H2C) {
      return openStream(endpoint);
    }
    ArrayDeque<Channel> q = idle.get(endpoint);
    while (q != null && !q.isEmpty()) {
      Channel ch = q.pollLast();
      if (ch.isActive()) {
        return loop.newSucceededFuture(ch);
      }
    }
    return connectHttp1(endpoint);
  }

  /** A fresh HTTP/1.1 connection that is never pooled (WebSocket upgrades keep it for good). */
  Future<Channel> connectDedicated(UpstreamEndpoint endpoint) {
    return connectHttp1(endpoint);
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
        || !all.contains(ch)
        || !routed.test(endpoint)) {
      // An h2 stream is one exchange; closing a finished stream is a no-op on the wire.
      ch.close();
      return;
    }
    ch.config().setAutoRead(true);
    ArrayDeque<Channel> q = idle.computeIfAbsent(endpoint, e -> new ArrayDeque<>());
    if (q.size() >= MAX_IDLE_PER_ENDPOINT) {
      ch.close();
    } else {
      q.addLast(ch);
    }
  }

  private Bootstrap bootstrap() {
    return new Bootstrap()
        .group(loop)
        .channel(transport.socketChannel())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.SO_KEEPALIVE, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS);
  }

  private Future<Channel> connectHttp1(UpstreamEndpoint endpoint) {
    ChannelFuture cf =
        bootstrap()
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(
                            new HttpClientCodec(),
                            new IdleStateHandler(0, 0, IDLE_SECONDS),
                            new UpstreamHandler());
                  }
                })
            .connect(endpoint.address());
    return track(cf);
  }

  private Future<Channel> track(ChannelFuture cf) {
    Promise<Channel> p = loop.newPromise();
    cf.addListener(
        f -> {
          if (f.isSuccess()) {
            all.add(cf.channel());
            p.setSuccess(cf.channel());
          } else {
            p.setFailure(f.cause());
          }
        });
    return p;
  }

  private Future<Channel> h2Connection(UpstreamEndpoint endpoint) {
    Future<Channel> existing = h2Connections.get(endpoint);
    if (existing != null
        && (!existing.isDone() || (existing.isSuccess() && existing.getNow().isActive()))) {
      return existing;
    }
    ChannelFuture cf =
        bootstrap()
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(
                            Http2FrameCodecBuilder.forClient().build(),
                            new Http2MultiplexHandler(new UpstreamHandler()));
                  }
                })
            .connect(endpoint.address());
    Future<Channel> f = track(cf);
    h2Connections.put(endpoint, f);
    return f;
  }

  private Future<Channel> openStream(UpstreamEndpoint endpoint) {
    Promise<Channel> p = loop.newPromise();
    h2Connection(endpoint)
        .addListener(
            (Future<Channel> cf) -> {
              if (!cf.isSuccess()) {
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
                                  new Http2StreamFrameToHttpObjectCodec(false),
                                  new UpstreamHandler());
                        }
                      })
                  .open()
                  .addListener(
                      (Future<Http2StreamChannel> sf) -> {
                        if (sf.isSuccess()) {
                          p.setSuccess(sf.getNow());
                        } else {
                          p.setFailure(sf.cause());
                        }
                      });
            });
    return p;
  }
}
