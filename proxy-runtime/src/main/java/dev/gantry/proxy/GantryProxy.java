package dev.gantry.proxy;

import dev.gantry.model.GatewaySnapshot;
import dev.gantry.proxy.metrics.ProxyMetrics;
import dev.gantry.proxy.ratelimit.RateLimitEngine;
import dev.gantry.proxy.route.CompiledConfig;
import dev.gantry.proxy.route.ConfigCompiler;
import dev.gantry.proxy.server.ProxyChannelInitializer;
import dev.gantry.proxy.server.ProxyHandler;
import dev.gantry.proxy.server.ProxyRuntime;
import dev.gantry.proxy.server.Transport;
import dev.gantry.proxy.tls.TlsContextFactory;
import dev.gantry.proxy.upstream.UpstreamRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http2.Http2FrameCodec;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The data plane: binds the listeners of the applied snapshot and proxies requests by it. {@link
 * #apply} compiles a new snapshot on the caller's thread, binds new ports, swaps one volatile
 * reference and unbinds removed ports; connections, pooled upstream connections and unchanged
 * listeners are never touched by a reload.
 */
public final class GantryProxy implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(GantryProxy.class.getName());

  /** How long {@link #close()} lets in-flight requests finish. */
  static final long DRAIN_MILLIS = 10_000;

  private final ProxySettings settings;
  private final Transport transport;
  private final EventLoopGroup bossGroup;
  private final EventLoopGroup workerGroup;
  private final ProxyRuntime runtime;
  private final ConfigCompiler compiler;
  private final RateLimitEngine rateLimits;
  private final UpstreamRegistry upstreams;
  private final Map<Integer, Channel> bound = new HashMap<>();
  private volatile GatewaySnapshot current;
  private volatile long reloads;
  private boolean closed;

  private GantryProxy(ProxySettings settings) {
    this.settings = settings;
    this.transport = Transport.best();
    this.bossGroup = transport.newGroup(1, "gantry-accept");
    this.workerGroup = transport.newGroup(settings.eventLoopThreads(), "gantry-io");
    ProxyMetrics metrics = new ProxyMetrics(settings.registry(), settings.gatewayLabel());
    this.runtime = new ProxyRuntime(metrics, transport);
    this.rateLimits =
        new RateLimitEngine(settings.rateLimits(), settings.registry(), settings.gatewayLabel());
    this.upstreams = new UpstreamRegistry(settings.registry(), settings.gatewayLabel(), transport);
    upstreams.probeLoops(workerGroup);
    this.compiler =
        new ConfigCompiler(
            settings.registry(),
            settings.gatewayLabel(),
            rateLimits,
            new TlsContextFactory(),
            upstreams);
  }

  public static GantryProxy start(ProxySettings settings) {
    GantryProxy p = new GantryProxy(settings);
    LOG.info(() -> "Gantry proxy started (transport " + p.transport.name() + ")");
    return p;
  }

  /**
   * Validates and compiles off the event loop, binds new listener ports, swaps atomically, unbinds
   * removed ports. Throws {@link dev.gantry.model.ConfigValidationException} or {@link
   * ApplyException} and changes nothing when the snapshot is invalid or a port cannot be bound.
   */
  public synchronized void apply(GatewaySnapshot snapshot) {
    if (closed) {
      throw new IllegalStateException("proxy: closed (expected: an open proxy to apply to)");
    }
    CompiledConfig compiled = compiler.compile(snapshot);
    Set<Integer> wanted = new HashSet<>(compiled.ports().keySet());
    Map<Integer, Channel> added = new HashMap<>();
    for (int port : wanted) {
      if (bound.containsKey(port)) {
        continue;
      }
      try {
        added.put(port, bind(port, compiled));
      } catch (RuntimeException e) {
        added.values().forEach(Channel::close);
        throw new ApplyException(
            "listeners.port: " + port + " (expected: a port this proxy can bind: " + e + ")", e);
      }
    }
    bound.putAll(added);
    CompiledConfig previous = runtime.config();
    runtime.swap(compiled);
    // Probers for the new clusters start, state of endpoints no cluster lists any more goes.
    upstreams.activate(compiled.clusters().values());
    current = snapshot;
    reloads++;
    runtime.metrics().configApplied(snapshot.version());
    Set<Integer> removed = new HashSet<>(bound.keySet());
    removed.removeAll(wanted);
    for (int port : removed) {
      // Stops accepting; connections already open finish their requests (a new request on them
      // finds no listener for the port and gets 404).
      bound.remove(port).close();
    }
    if (!removed.isEmpty()) {
      closeIdleConnectionsOf(removed);
    }
    if (previous != null) {
      Set<String> gone = routeNames(previous);
      gone.removeAll(routeNames(compiled));
      runtime.metrics().removeRoutes(gone);
    }
  }

  private static Set<String> routeNames(CompiledConfig config) {
    Set<String> names = new HashSet<>();
    for (var listener : config.snapshot().routing().listeners()) {
      for (var vhost : listener.virtualHosts()) {
        for (var entry : vhost.routes()) {
          names.add(entry.name());
        }
      }
    }
    return names;
  }

  /**
   * Connections of removed listeners drain: idle HTTP/1.1 connections close now, busy ones after
   * their response, HTTP/2 connections get GOAWAY and finish their open streams.
   */
  private void closeIdleConnectionsOf(Set<Integer> ports) {
    for (Channel ch : runtime.downstreamChannels()) {
      Integer port = ch.attr(ProxyChannelInitializer.CONFIGURED_PORT).get();
      if (port == null || !ports.contains(port)) {
        continue;
      }
      ch.eventLoop()
          .execute(
              () -> {
                ProxyHandler h = ch.pipeline().get(ProxyHandler.class);
                if (ch.pipeline().get(Http2FrameCodec.class) != null || (h != null && h.idle())) {
                  ch.close();
                }
              });
    }
  }

  private Channel bind(int configuredPort, CompiledConfig compiled) {
    int port = settings.portMapper().applyAsInt(configuredPort);
    ServerBootstrap b =
        new ServerBootstrap()
            .group(bossGroup, workerGroup)
            .channel(transport.serverChannel())
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
            .childHandler(new ProxyChannelInitializer(runtime, configuredPort, compiled));
    try {
      return b.bind(new InetSocketAddress(settings.listenAddress(), port))
          .syncUninterruptibly()
          .channel();
    } catch (Exception e) {
      throw new IllegalStateException(settings.listenAddress() + ":" + port + ": " + e, e);
    }
  }

  /** Sets the client limits for connections accepted from now on. */
  public void limits(dev.gantry.proxy.hardening.HttpLimits limits) {
    runtime.limits(limits);
  }

  /**
   * The number of ready proxies of this Gateway, which Gateway-wide Local rate limits divide by.
   * The operator sends it on the snapshot stream; a standalone proxy stays at 1.
   */
  public void readyReplicas(int replicas) {
    rateLimits.readyReplicas(replicas);
  }

  public Optional<GatewaySnapshot> current() {
    return Optional.ofNullable(current);
  }

  /** True once a complete snapshot is applied. */
  public boolean ready() {
    return current != null && !closed;
  }

  /** The actual port bound for a configured listener port, or -1 when it is not bound. */
  public synchronized int boundPort(int configuredPort) {
    Channel ch = bound.get(configuredPort);
    return ch == null ? -1 : ((InetSocketAddress) ch.localAddress()).getPort();
  }

  public long reloadCount() {
    return reloads;
  }

  /** The number of open downstream connections. */
  public long activeConnections() {
    return runtime.metrics().activeConnections().get();
  }

  /** Process-wide endpoint state: health, ejections, load (for tests and the admin view). */
  public UpstreamRegistry upstreams() {
    return upstreams;
  }

  public ProxySettings settings() {
    return settings;
  }

  /** Graceful: stop accepting, let in-flight requests finish (bounded), then close everything. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    runtime.startDraining();
    upstreams.close();
    bound.values().forEach(ch -> ch.close().syncUninterruptibly());
    bound.clear();
    for (Channel ch : runtime.downstreamChannels()) {
      ch.eventLoop()
          .execute(
              () -> {
                ProxyHandler h = ch.pipeline().get(ProxyHandler.class);
                if (ch.pipeline().get(Http2FrameCodec.class) != null) {
                  ch.close(); // HTTP/2: GOAWAY, then waits for open streams (bounded by codec)
                } else if (h != null && h.idle()) {
                  ch.close();
                }
                // A busy HTTP/1.1 connection closes after its response (draining flag).
              });
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MILLIS);
    while (!runtime.downstreamChannels().isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    runtime.downstreamChannels().close().awaitUninterruptibly(1, TimeUnit.SECONDS);
    runtime.upstreamChannels().close().awaitUninterruptibly(1, TimeUnit.SECONDS);
    try {
      bossGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      workerGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "event loops did not stop cleanly", e);
    }
    rateLimits.close();
  }
}
