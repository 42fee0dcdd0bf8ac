package dev.gantry.proxy.server;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/** The native epoll transport when the platform has it, NIO otherwise. */
public record Transport(
    IoHandlerFactory ioHandlerFactory,
    Class<? extends ServerChannel> serverChannel,
    Class<? extends SocketChannel> socketChannel,
    String name) {

  public static Transport best() {
    if (Epoll.isAvailable()) {
      return new Transport(
          EpollIoHandler.newFactory(),
          EpollServerSocketChannel.class,
          EpollSocketChannel.class,
          "epoll");
    }
    return new Transport(
        NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class, "nio");
  }

  public EventLoopGroup newGroup(int threads, String poolName) {
    return new MultiThreadIoEventLoopGroup(
        threads, new DefaultThreadFactory(poolName, true), ioHandlerFactory);
  }
}
