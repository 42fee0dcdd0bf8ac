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
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The socket transport every event loop, listener and upstream connection of the process uses:
 * io_uring when the kernel offers it, epoll otherwise, NIO where neither loads.
 *
 * <p>io_uring first because it is measured: on the small-request benchmark it costs 12–14.5 µs of
 * proxy CPU per request against epoll's 19–20.5 (nginx: ~16) and turns 0.85× nginx's throughput
 * into ~1.05× (docs/performance.md, "Third pass"; part of the saving is receive work charged to the
 * upstream instead, which that section accounts for). The loop hands the kernel every receive and
 * send of a wake-up in one {@code io_uring_enter} instead of one system call each plus {@code
 * epoll_wait}. Containers whose seccomp profile forbids io_uring (the defaults of Docker 25+ and
 * containerd 2.0+, so the operator's RuntimeDefault proxy pods there) and kernels with {@code
 * io_uring_disabled} fall back to epoll by themselves: {@link IoUring#isAvailable()} tries to
 * create a ring.
 */
public record Transport(
    IoHandlerFactory ioHandlerFactory,
    Class<? extends ServerChannel> serverChannel,
    Class<? extends SocketChannel> socketChannel,
    String name) {

  /**
   * The system property ({@code --transport} sets it) naming the transport; default {@code auto}.
   */
  public static final String PROPERTY = "gantry.transport";

  /** The accepted names, in the order {@code auto} tries them. */
  public static final String NAMES = "auto, io_uring, epoll, nio";

  /** The transport {@link #PROPERTY} names (default: the best available). */
  public static Transport best() {
    return named(System.getProperty(PROPERTY, "auto"));
  }

  /**
   * The named transport.
   *
   * @throws IllegalArgumentException for an unknown name, or a native transport this machine cannot
   *     load (with the reason), so that asking for one explicitly never silently gets another
   */
  public static Transport named(String name) {
    return switch (name) {
      case "auto" -> IoUring.isAvailable() ? ioUring() : Epoll.isAvailable() ? epoll() : nio();
      case "io_uring" -> {
        if (!IoUring.isAvailable()) {
          throw unavailable(name, IoUring.unavailabilityCause());
        }
        yield ioUring();
      }
      case "epoll" -> {
        if (!Epoll.isAvailable()) {
          throw unavailable(name, Epoll.unavailabilityCause());
        }
        yield epoll();
      }
      case "nio" -> nio();
      default ->
          throw new IllegalArgumentException(
              "transport: " + name + " (expected: one of " + NAMES + ")");
    };
  }

  private static IllegalArgumentException unavailable(String name, Throwable cause) {
    return new IllegalArgumentException(
        "transport: "
            + name
            + " (expected: a transport this machine can load; "
            + name
            + " is unavailable: "
            + (cause == null ? "unknown reason" : cause.getMessage())
            + "; use auto to fall back)",
        cause);
  }

  private static Transport ioUring() {
    return new Transport(
        IoUringIoHandler.newFactory(),
        IoUringServerSocketChannel.class,
        IoUringSocketChannel.class,
        "io_uring");
  }

  private static Transport epoll() {
    return new Transport(
        EpollIoHandler.newFactory(),
        EpollServerSocketChannel.class,
        EpollSocketChannel.class,
        "epoll");
  }

  private static Transport nio() {
    return new Transport(
        NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class, "nio");
  }

  public EventLoopGroup newGroup(int threads, String poolName) {
    return new MultiThreadIoEventLoopGroup(
        threads, new DefaultThreadFactory(poolName, true), ioHandlerFactory);
  }
}
