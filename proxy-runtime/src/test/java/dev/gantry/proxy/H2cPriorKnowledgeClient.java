package dev.gantry.proxy;

import dev.gantry.proxy.testing.H2Streams;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import java.util.concurrent.TimeUnit;

/** A Netty HTTP/2 client speaking h2c with prior knowledge (java.net.http only does upgrade). */
final class H2cPriorKnowledgeClient implements AutoCloseable {
  record Result(int status, String body) {}

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel channel;

  H2cPriorKnowledgeClient(int port) throws InterruptedException {
    channel =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(
                            Http2FrameCodecBuilder.forClient().build(),
                            new Http2MultiplexHandler(
                                new SimpleChannelInboundHandler<Object>() {
                                  @Override
                                  protected void channelRead0(
                                      ChannelHandlerContext ctx, Object msg) {}
                                }));
                  }
                })
            .connect("127.0.0.1", port)
            .sync()
            .channel();
  }

  /** One request on a new stream of the shared connection. */
  Result get(String path, String authority) throws Exception {
    H2Streams.Response r = H2Streams.get(channel, path, authority);
    return new Result(r.status(), r.body());
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
