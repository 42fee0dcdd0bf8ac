package dev.gantry.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * A constant-rate HTTP/1.1 load generator (what {@code wrk2} does, which Debian does not package).
 *
 * <p>Requests are due at fixed times {@code start + k / rate} and go out on whichever keep-alive
 * connection is idle (at most one request in flight per connection). A request that cannot be sent
 * on time (every connection is busy) waits in one queue, and its latency is measured from when it
 * was <em>due</em>, not from when it was sent — otherwise a stalled server would hide its own stall
 * (coordinated omission). One queue rather than one per connection: a fixed round-robin assignment
 * queued requests behind one slow response while other connections idled, which measured the
 * client's head-of-line blocking rather than the server. Everything runs on one event loop thread;
 * pin it with {@code taskset}.
 *
 * <p>Prints one JSON line: requests, errors, non-2xx, achieved rate and latency percentiles in
 * microseconds.
 */
public final class ConstantRateClient {

  record Options(
      String host,
      int port,
      String path,
      String hostHeader,
      double rate,
      double durationSeconds,
      double warmupSeconds,
      int connections,
      int bodyBytes) {

    static Options parse(String[] args) {
      String host = "127.0.0.1";
      int port = 8080;
      String path = "/";
      String hostHeader = null;
      double rate = 1000;
      double duration = 10;
      double warmup = 2;
      int connections = 16;
      int body = 0;
      for (int i = 0; i < args.length; i += 2) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(
              args[i] + ": missing value (expected: --option value)");
        }
        String v = args[i + 1];
        switch (args[i]) {
          case "--host" -> host = v;
          case "--port" -> port = Integer.parseInt(v);
          case "--path" -> path = v;
          case "--host-header" -> hostHeader = v;
          case "--rate" -> rate = Double.parseDouble(v);
          case "--duration" -> duration = Double.parseDouble(v);
          case "--warmup" -> warmup = Double.parseDouble(v);
          case "--connections" -> connections = Integer.parseInt(v);
          case "--body-bytes" -> body = Integer.parseInt(v);
          default ->
              throw new IllegalArgumentException(
                  args[i]
                      + ": unknown option (expected: --host --port --path --host-header --rate --duration"
                      + " --warmup --connections --body-bytes)");
        }
      }
      if (rate <= 0) {
        throw new IllegalArgumentException("--rate: " + rate + " (expected: > 0)");
      }
      if (connections < 1) {
        throw new IllegalArgumentException("--connections: " + connections + " (expected: >= 1)");
      }
      return new Options(
          host,
          port,
          path,
          hostHeader == null ? host + ":" + port : hostHeader,
          rate,
          duration,
          warmup,
          connections,
          body);
    }
  }

  private final Options options;
  private final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
  private final List<Conn> conns = new ArrayList<>();
  private final ArrayDeque<Long> pending = new ArrayDeque<>();
  private final ArrayDeque<Conn> idle = new ArrayDeque<>();
  private long start;
  private long measureFrom;
  private long stopAt;
  private long issued;
  private long completed;
  private long measured;
  private long errors;
  private long non2xx;

  private ConstantRateClient(Options options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    System.out.println(new ConstantRateClient(options).run());
  }

  String run() throws Exception {
    boolean epoll = Epoll.isAvailable();
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    try {
      Bootstrap b =
          new Bootstrap()
              .group(group)
              .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
              .option(ChannelOption.TCP_NODELAY, true)
              .handler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      Conn c = new Conn();
                      conns.add(c);
                      ch.pipeline().addLast(new HttpClientCodec(), c);
                    }
                  });
      for (int i = 0; i < options.connections(); i++) {
        b.connect(options.host(), options.port()).sync();
      }
      CountDownLatch done = new CountDownLatch(1);
      var loop = group.next();
      loop.execute(
          () -> {
            start = System.nanoTime();
            measureFrom = start + (long) (options.warmupSeconds() * 1e9);
            stopAt = measureFrom + (long) (options.durationSeconds() * 1e9);
          });
      var tick =
          loop.scheduleAtFixedRate(
              () -> {
                long now = System.nanoTime();
                long due = (long) ((Math.min(now, stopAt) - start) / 1e9 * options.rate());
                while (issued < due) {
                  pending.addLast(start + (long) (issued / options.rate() * 1e9));
                  issued++;
                }
                dispatch();
                if (now >= stopAt && completed + errors >= issued) {
                  done.countDown();
                }
              },
              0,
              200,
              TimeUnit.MICROSECONDS);
      long budget = (long) ((options.warmupSeconds() + options.durationSeconds() + 10) * 1000);
      boolean finished = done.await(budget, TimeUnit.MILLISECONDS);
      tick.cancel(false);
      return loop.submit(() -> report(finished)).get();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  private String report(boolean finished) {
    double seconds = options.durationSeconds();
    return String.format(
        Locale.ROOT,
        "{\"requests\":%d,\"measured\":%d,\"errors\":%d,\"non2xx\":%d,\"unfinished\":%d,\"target_rate\":%.1f,"
            + "\"achieved_rate\":%.1f,\"p50_us\":%.1f,\"p90_us\":%.1f,\"p99_us\":%.1f,\"p999_us\":%.1f,"
            + "\"max_us\":%.1f,\"complete\":%b}",
        completed,
        measured,
        errors,
        non2xx,
        issued - completed - errors,
        options.rate(),
        measured / seconds,
        us(50),
        us(90),
        us(99),
        us(99.9),
        histogram.getMaxValue() / 1000.0,
        finished);
  }

  private double us(double percentile) {
    return histogram.getValueAtPercentile(percentile) / 1000.0;
  }

  private FullHttpRequest newRequest() {
    boolean post = options.bodyBytes() > 0;
    ByteBuf body =
        post ? Unpooled.wrappedBuffer(new byte[options.bodyBytes()]) : Unpooled.EMPTY_BUFFER;
    FullHttpRequest r =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1, post ? HttpMethod.POST : HttpMethod.GET, options.path(), body);
    r.headers().set(HttpHeaderNames.HOST, options.hostHeader());
    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
    return r;
  }

  /** Sends waiting requests on idle connections, oldest first. */
  private void dispatch() {
    while (!pending.isEmpty() && !idle.isEmpty()) {
      idle.pollFirst().send(pending.pollFirst());
    }
  }

  /** One keep-alive connection with at most one request in flight. */
  private final class Conn extends SimpleChannelInboundHandler<HttpObject> {
    private Channel channel;
    private long intended = -1;
    private int status;

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      channel = ctx.channel();
      idle.addLast(this);
    }

    void send(long due) {
      intended = due;
      channel.writeAndFlush(newRequest());
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (msg instanceof HttpResponse r) {
        status = r.status().code();
      }
      if (msg instanceof LastHttpContent && intended >= 0) {
        long now = System.nanoTime();
        completed++;
        if (status < 200 || status > 299) {
          non2xx++;
        }
        if (intended >= measureFrom) {
          histogram.recordValue(Math.min(now - intended, histogram.getHighestTrackableValue()));
          measured++;
        }
        intended = -1;
        idle.addLast(this);
        dispatch();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      idle.remove(this);
      if (intended >= 0) {
        errors++;
        intended = -1;
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
