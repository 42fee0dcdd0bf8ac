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
import java.util.Map;

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

  private final EventLoop loop;
  private final Transport transport;
  private final ChannelGroup all;
  private final Map<UpstreamEndpoint, ArrayDeque<Channel>> idle = new HashMap<>();
  private final Map<UpstreamEndpoint, Future<Channel>> h2Connections = new HashMap<>();

  /**
   * Connections in the idle queues. Written only on this loop; volatile because the metrics scrape
   * reads it from the admin thread.
   */
  private volatile int idleCount;

  UpstreamPool(EventLoop loop, Transport transport, ChannelGroup all) {
    this.loop = loop;
    this.transport = transport;
    this.all = all;
  }

  /** A connection (HTTP/1.1) or a new stream (h2c) ready for one request/response. */
  Future<Channel> acquire(UpstreamEndpoint endpoint) {
    if (endpoint.protocol() == AppProtocol.H2C) {
      return openStream(endpoint);
    }
    ArrayDeque<Channel> q = idle.get(endpoint);
    while (q != null && !q.isEmpty()) {
      Channel ch = q.pollLast();
      idleCount--;
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
    if (endpoint.protocol() == AppProtocol.H2C
        || !reusable
        || !ch.isActive()
        || !all.contains(ch)) {
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
    cf.channel().closeFuture().addListener(x -> dropIdle(endpoint, cf.channel()));
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
