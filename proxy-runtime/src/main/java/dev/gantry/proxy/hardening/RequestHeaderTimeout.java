package dev.gantry.proxy.hardening;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2FrameCodec;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the time an HTTP/1.1 client takes to deliver a complete request head: armed when the
 * connection opens and again when a response has been written, disarmed when a request head is
 * decoded. A client trickling its headers (slowloris) or idling on a keep-alive connection past the
 * deadline gets 408 and the connection closes. An idle-time reader timeout alone would not catch a
 * client that sends one byte every few seconds.
 */
public final class RequestHeaderTimeout extends ChannelDuplexHandler {
  private final long timeoutNanos;
  private ChannelHandlerContext ctx;
  private ScheduledFuture<?> timer;
  // While armed, the System.nanoTime() by which the next
  // request head must have arrived. Moving a field per request instead of cancelling and
  // scheduling a timer: a timer task per request (an allocation, a priority-queue insert and
  // remove on the event loop) showed in the proxy's CPU profile; the one timer per connection
  // now only wakes up once per timeout period and re-arms itself for the deadline it finds.
  private long deadline;
  // False while a request is being served or after close (no deadline). A flag rather than a
  // sentinel deadline: System.nanoTime() may be any value, including 0 or negative.
  private boolean armed;
  private boolean waitingForResponse;

  public RequestHeaderTimeout(long timeoutMillis) {
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    if (ctx.channel().isActive()) {
      arm();
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    arm();
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest) {
      armed = false;
      waitingForResponse = true;
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof LastHttpContent && waitingForResponse) {
      waitingForResponse = false;
      arm();
    }
    ctx.write(msg, promise);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    stop();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    stop();
  }

  private void arm() {
    deadline = System.nanoTime() + timeoutNanos;
    armed = true;
    if (timer == null) {
      timer = ctx.executor().schedule(this::check, timeoutNanos, TimeUnit.NANOSECONDS);
    }
  }

  private void stop() {
    armed = false;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void check() {
    timer = null;
    if (!ctx.channel().isActive() || waitingForResponse || !armed) {
      // Serving a request: the write of its response re-arms.
      return;
    }
    long left = deadline - System.nanoTime();
    if (left > 0) {
      timer = ctx.executor().schedule(this::check, left, TimeUnit.NANOSECONDS);
      return;
    }
    expire();
  }

  private void expire() {
    if (ctx.pipeline().get(Http2FrameCodec.class) != null) {
      // The connection became HTTP/2 (h2c); its streams have no head deadline of this kind.
      ctx.pipeline().remove(this);
      return;
    }
    DefaultFullHttpResponse r =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_TIMEOUT, Unpooled.EMPTY_BUFFER);
    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    // Written from this handler's position: it passes the codec's encoder only.
    ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
  }
}
