package dev.gantry.proxy.upstream;

import dev.gantry.model.routing.backend.ActiveHealthCheck;
import dev.gantry.proxy.route.UpstreamEndpoint;
import dev.gantry.proxy.server.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Active HTTP/1.1 health checks of one endpoint for one cluster: every interval a GET of the
 * check's path on a new connection ({@code Connection: close}), on one event loop, never blocking.
 * A probe passes on an expected status within the timeout; anything else (refused, reset, timeout,
 * other status) fails. The verdict flips after the thresholds of passes or failures in a row and
 * starts healthy, so a new endpoint gets traffic before its first probe.
 */
public final class HealthProber {
  private final ClusterMember member;
  private final ActiveHealthCheck check;
  private final Transport transport;
  private final EventLoop loop;
  private volatile boolean healthy = true;

  // Touched only on loop.
  private int passes;
  private int failures;
  private boolean stopped;
  private ScheduledFuture<?> next;
  private Probe inFlight;

  HealthProber(ClusterMember member, ActiveHealthCheck check, Transport transport, EventLoop loop) {
    this.member = member;
    this.check = check;
    this.transport = transport;
    this.loop = loop;
  }

  public boolean healthy() {
    return healthy;
  }

  public ActiveHealthCheck check() {
    return check;
  }

  /** Schedules the first probe at a random point of the first interval, spreading probes out. */
  void start() {
    long delay = ThreadLocalRandom.current().nextLong(Math.max(1, check.intervalMs() / 4));
    loop.execute(() -> schedule(delay));
  }

  void stop() {
    loop.execute(
        () -> {
          stopped = true;
          if (next != null) {
            next.cancel(false);
          }
          if (inFlight != null) {
            inFlight.finish(false);
          }
        });
  }

  private void schedule(long delayMs) {
    if (!stopped) {
      next = loop.schedule(this::probe, delayMs, TimeUnit.MILLISECONDS);
    }
  }

  private void probe() {
    if (stopped) {
      return;
    }
    Probe p = new Probe();
    inFlight = p;
    p.start();
    schedule(check.intervalMs());
  }

  private void record(boolean pass) {
    if (stopped) {
      return;
    }
    if (pass) {
      failures = 0;
      if (++passes >= check.healthyThreshold() && !healthy) {
        healthy = true;
      }
    } else {
      passes = 0;
      if (++failures >= check.unhealthyThreshold() && healthy) {
        healthy = false;
      }
    }
  }

  /** One probe: connect, GET, first response head decides, close. */
  private final class Probe extends ChannelInboundHandlerAdapter {
    private Channel channel;
    private ScheduledFuture<?> timeout;
    private boolean finished;

    void start() {
      UpstreamEndpoint ep = member.endpoint();
      timeout = loop.schedule(() -> finish(false), check.timeoutMs(), TimeUnit.MILLISECONDS);
      ChannelFuture cf =
          new Bootstrap()
              .group(loop)
              .channel(transport.socketChannel())
              .option(ChannelOption.TCP_NODELAY, true)
              .option(
                  ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(check.timeoutMs(), 60_000))
              .handler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      ch.pipeline().addLast(new HttpClientCodec(), Probe.this);
                    }
                  })
              .connect(ep.address());
      channel = cf.channel();
      cf.addListener(
          f -> {
            if (!f.isSuccess()) {
              finish(false);
              return;
            }
            if (finished) {
              channel.close();
              return;
            }
            DefaultFullHttpRequest req =
                new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, check.path());
            req.headers()
                .set(
                    HttpHeaderNames.HOST,
                    check.hostname() != null ? check.hostname() : member.key())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                .set(HttpHeaderNames.USER_AGENT, "gantry-health-check")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
            channel.writeAndFlush(req);
          });
    }

    void finish(boolean pass) {
      if (finished) {
        return;
      }
      finished = true;
      if (timeout != null) {
        timeout.cancel(false);
      }
      if (channel != null) {
        channel.close();
      }
      if (inFlight == this) {
        inFlight = null;
      }
      record(pass);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof HttpResponse r && !finished) {
          int code = r.status().code();
          if (code >= 200) {
            finish(check.expects(code));
          }
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      finish(false);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      finish(false);
    }
  }
}
