package dev.gantry.proxy.server;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Fires {@link IdleStateEvent#ALL_IDLE_STATE_EVENT} (the first time {@link
 * IdleStateEvent#FIRST_ALL_IDLE_STATE_EVENT}) when a connection has neither read nor flushed
 * anything for the timeout; the handlers after it decide what idle means (close when no request is
 * in flight).
 *
 * <p>Netty's {@link IdleStateHandler} in all-idle mode turns every write's void promise into a real
 * one and adds a listener to it, to learn when the write completed: on the proxy's path, two writes
 * per request and connection side, and a promise plus a listener call each, which showed in the CPU
 * profile. Here a flush counts as activity when it is issued. A write that never completes (the
 * peer stopped reading) therefore looks active from the flush on and still ends up idle one timeout
 * later, as with Netty's handler.
 */
final class IdleTimeout extends ChannelDuplexHandler {
  private final long timeoutNanos;
  private ChannelHandlerContext ctx;
  private ScheduledFuture<?> timer;
  private long lastActivity;
  private boolean reading;
  private boolean first = true;

  IdleTimeout(long timeout, TimeUnit unit) {
    this.timeoutNanos = Math.max(unit.toNanos(timeout), TimeUnit.MILLISECONDS.toNanos(1));
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    if (ctx.channel().isActive() && ctx.channel().isRegistered()) {
      start();
    }
  }

  @Override
  public void channelRegistered(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      start();
    }
    ctx.fireChannelRegistered();
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    start();
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    reading = true;
    first = true;
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (reading) {
      reading = false;
      lastActivity = System.nanoTime();
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    lastActivity = System.nanoTime();
    first = true;
    ctx.flush();
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

  private void start() {
    if (timer != null) {
      return;
    }
    lastActivity = System.nanoTime();
    timer = ctx.executor().schedule(this::check, timeoutNanos, TimeUnit.NANOSECONDS);
  }

  private void stop() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void check() {
    if (!ctx.channel().isOpen()) {
      timer = null;
      return;
    }
    long idle = System.nanoTime() - lastActivity;
    if (reading || idle < timeoutNanos) {
      long next = reading ? timeoutNanos : timeoutNanos - idle;
      timer = ctx.executor().schedule(this::check, next, TimeUnit.NANOSECONDS);
      return;
    }
    timer = ctx.executor().schedule(this::check, timeoutNanos, TimeUnit.NANOSECONDS);
    IdleStateEvent event =
        first ? IdleStateEvent.FIRST_ALL_IDLE_STATE_EVENT : IdleStateEvent.ALL_IDLE_STATE_EVENT;
    first = false;
    ctx.fireUserEventTriggered(event);
  }
}
