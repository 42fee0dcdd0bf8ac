package dev.gantry.proxy.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The per-connection steps of a graceful shutdown. Every step runs on the connection's own event
 * loop (the handlers it touches are not thread-safe), so the methods here only schedule work.
 *
 * <p>HTTP/2 gets the two-step GOAWAY that RFC 9113 §6.8 recommends for a graceful shutdown: first a
 * GOAWAY whose last-stream-id is 2^31-1 ("stop opening streams here, the ones you already sent will
 * be served"), then, once the listeners close, a second GOAWAY with the real last stream id, after
 * which the connection closes as soon as its open streams have finished. Sending the final id at
 * once would refuse streams the client sent while the first GOAWAY was on the wire.
 */
public final class DownstreamDrain {

  private DownstreamDrain() {}

  /** Step 1, when the drain starts: every HTTP/2 connection learns to open no more streams. */
  public static void announce(Iterable<Channel> connections) {
    for (Channel ch : connections) {
      ch.eventLoop().execute(() -> announce(ch));
    }
  }

  /**
   * The first GOAWAY (last-stream-id 2^31-1) on one HTTP/2 connection, unless one was sent already.
   * Also used for HTTP/2 connections opened during the drain period, after their first stream.
   * Caller is on the connection's event loop.
   */
  static void announce(Channel connection) {
    ChannelHandlerContext ctx = connection.pipeline().context(Http2FrameCodec.class);
    if (ctx == null || !connection.isActive()) {
      return;
    }
    Http2FrameCodec codec = (Http2FrameCodec) ctx.handler();
    if (codec.connection().goAwaySent()) {
      return;
    }
    codec.goAway(
        ctx,
        Integer.MAX_VALUE,
        Http2Error.NO_ERROR.code(),
        Unpooled.EMPTY_BUFFER,
        ctx.newPromise());
    ctx.flush();
  }

  /**
   * Step 2, once the listeners are closed: idle HTTP/1.1 connections close now (a busy one closes
   * after its response, see {@link ProxyRuntime#draining()}); HTTP/2 connections get the final
   * GOAWAY and close when their last stream ends, or after {@code graceMillis}.
   */
  public static void closeGracefully(Iterable<Channel> connections, long graceMillis) {
    for (Channel ch : connections) {
      ch.eventLoop().execute(() -> closeGracefully(ch, graceMillis));
    }
  }

  private static void closeGracefully(Channel ch, long graceMillis) {
    ChannelHandlerContext h2 = ch.pipeline().context(Http2FrameCodec.class);
    if (h2 != null) {
      Http2FrameCodec codec = (Http2FrameCodec) h2.handler();
      codec.gracefulShutdownTimeoutMillis(graceMillis);
      if (ch.isActive() && codec.connection().goAwaySent()) {
        // Netty's close() sends no second GOAWAY once one was sent: send the final one here.
        int last = codec.connection().remote().lastStreamCreated();
        codec.goAway(h2, last, Http2Error.NO_ERROR.code(), Unpooled.EMPTY_BUFFER, h2.newPromise());
      }
      ch.close(); // graceful in Http2ConnectionHandler: waits for the open streams
      return;
    }
    ProxyHandler h = ch.pipeline().get(ProxyHandler.class);
    if (h != null && h.idle()) {
      ch.close();
    }
    // A busy HTTP/1.1 connection closes after its response; a WebSocket runs until the deadline.
  }

  /**
   * Counts connections and in-flight requests, each on its own loop; a loop that does not answer
   * within a second counts its connections without requests.
   */
  public static ConnectionCensus census(Iterable<Channel> connections) {
    List<CompletableFuture<ConnectionCensus>> parts = new ArrayList<>();
    for (Channel ch : connections) {
      CompletableFuture<ConnectionCensus> part = new CompletableFuture<>();
      try {
        ch.eventLoop().execute(() -> part.complete(new ConnectionCensus(1, inFlight(ch))));
      } catch (RuntimeException rejected) {
        part.complete(new ConnectionCensus(1, 0)); // loop shutting down
      }
      parts.add(part);
    }
    ConnectionCensus total = ConnectionCensus.NONE;
    for (CompletableFuture<ConnectionCensus> part : parts) {
      try {
        total = total.plus(part.get(1, TimeUnit.SECONDS));
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        total = total.plus(new ConnectionCensus(1, 0));
      }
    }
    return total;
  }

  private static long inFlight(Channel ch) {
    Http2FrameCodec codec = ch.pipeline().get(Http2FrameCodec.class);
    if (codec != null) {
      return codec.connection().numActiveStreams();
    }
    ProxyHandler h = ch.pipeline().get(ProxyHandler.class);
    if (h != null) {
      return h.idle() ? 0 : 1;
    }
    // No HTTP handler left: a spliced WebSocket (or a TLS handshake in progress).
    return ch.pipeline().get(RelayHandler.class) != null ? 1 : 0;
  }
}
