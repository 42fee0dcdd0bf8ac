package dev.gantry.proxy.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of every upstream channel: hands events to the exchange that currently owns the
 * connection. An idle pooled connection that receives anything (or idles out) is closed.
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {
  private final int maxUses;
  private UpstreamListener listener;
  private int uses;

  /**
   * @param maxUses exchanges after which the connection is closed instead of pooled (0 = no limit)
   */
  UpstreamHandler(int maxUses) {
    this.maxUses = maxUses;
  }

  void attach(UpstreamListener l) {
    this.listener = l;
    uses++;
  }

  /** True when this connection served an exchange before (it came from the idle pool). */
  boolean reused() {
    return uses > 1;
  }

  /** True when the connection has served its maximum number of exchanges. */
  boolean usedUp() {
    return maxUses > 0 && uses >= maxUses;
  }

  void detach() {
    this.listener = null;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    UpstreamListener l = listener;
    if (l == null) {
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    l.onUpstreamRead(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    UpstreamListener l = listener;
    if (l != null) {
      l.onUpstreamReadComplete();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    UpstreamListener l = listener;
    listener = null;
    if (l != null) {
      l.onUpstreamInactive();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    UpstreamListener l = listener;
    listener = null;
    ctx.close();
    if (l != null) {
      l.onUpstreamException(cause);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    UpstreamListener l = listener;
    if (l != null) {
      l.onUpstreamWritabilityChanged();
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent && listener == null) {
      ctx.close();
      return;
    }
    ReferenceCountUtil.release(evt);
  }
}
