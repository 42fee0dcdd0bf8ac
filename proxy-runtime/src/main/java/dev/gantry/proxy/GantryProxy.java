package dev.gantry.proxy;

import dev.gantry.model.GatewaySnapshot;
import dev.gantry.proxy.metrics.ProxyMetrics;
import dev.gantry.proxy.observe.Observability;
import dev.gantry.proxy.ratelimit.RateLimitEngine;
import dev.gantry.proxy.route.CompiledConfig;
import dev.gantry.proxy.route.ConfigCompiler;
import dev.gantry.proxy.server.ConnectionCensus;
import dev.gantry.proxy.server.DownstreamDrain;
import dev.gantry.proxy.server.ProxyChannelInitializer;
import dev.gantry.proxy.server.ProxyHandler;
import dev.gantry.proxy.server.ProxyRuntime;
import dev.gantry.proxy.server.Transport;
import dev.gantry.proxy.tls.TlsContextFactory;
import dev.gantry.proxy.upstream.UpstreamRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http2.Http2FrameCodec;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
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
  private volatile boolean draining;
  private CompletableFuture<DrainReport> drained;

  private GantryProxy(ProxySettings settings, Observability observability) {
    this.settings = settings;
    this.transport = Transport.best();
    this.bossGroup = transport.newGroup(1, "gantry-accept");
    this.workerGroup = transport.newGroup(settings.resolvedEventLoops(), "gantry-io");
    ProxyMetrics metrics = new ProxyMetrics(settings.registry(), settings.gatewayLabel());
    this.runtime = new ProxyRuntime(metrics, transport, observability);
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
    return start(settings, Observability.disabled());
  }

  /**
   * A proxy that logs requests and exports spans through {@code observability}, which the caller
   * owns (one per process, shared by the proxies of a standalone folder) and closes after the
   * proxy.
   */
  public static GantryProxy start(ProxySettings settings, Observability observability) {
    GantryProxy p = new GantryProxy(settings, observability);
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
      if (bound.containsKey(port) || draining) {
        // (While draining, a config still swaps in, e.g. for endpoint changes, but binds nothing.)
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
    if (current == null) {
      HeapTrim.afterFirstConfig();
    }
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
      Set<String> goneClusters = new HashSet<>(previous.clusters().keySet());
      goneClusters.removeAll(compiled.clusters().keySet());
      runtime.metrics().removeClusters(goneClusters);
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

  /** True once a complete snapshot is applied, until a drain starts. */
  public boolean ready() {
    return current != null && !draining;
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

  /** The socket transport this proxy's loops and connections use. */
  public Transport transport() {
    return transport;
  }

  /** Process-wide endpoint state: health, ejections, load (for tests and the admin view). */
  public UpstreamRegistry upstreams() {
    return upstreams;
  }

  public ProxySettings settings() {
    return settings;
  }

  /**
   * Shuts down without failing a request: {@link #drain(DrainSettings)} with no drain period and
   * {@link DrainSettings#IMMEDIATE}'s timeout (nothing in front of an embedded proxy needs
   * telling). Returns at once when a drain already ran.
   */
  @Override
  public void close() {
    drain(DrainSettings.IMMEDIATE);
  }

  /** {@link #drain(DrainSettings)} with the cluster defaults (5 s period, 30 s timeout). */
  public DrainReport drain() {
    return drain(DrainSettings.CLUSTER);
  }

  /**
   * The graceful shutdown a SIGTERM starts, in four logged phases:
   *
   * <ol>
   *   <li>{@link #ready()} turns false at once (the admin {@code /ready} answers 503), while the
   *       listeners keep accepting and serving for {@code settings.period()}: HTTP/1.1 responses
   *       carry {@code Connection: close} and their connection closes after them, HTTP/2
   *       connections get a GOAWAY announcing the shutdown, so clients move to other replicas as
   *       the load balancer stops sending new connections here;
   *   <li>the listeners close; idle connections close; HTTP/2 connections get their final GOAWAY
   *       (the real last-stream-id) and close when their streams end;
   *   <li>requests still in flight get up to {@code settings.timeout()} to finish;
   *   <li>whatever is still open is cut and the event loops stop.
   * </ol>
   *
   * Blocks the caller (a shutdown hook, a test) for at most period + timeout + a few seconds. A
   * second call waits for the first drain and returns its report.
   */
  public DrainReport drain(DrainSettings settings) {
    synchronized (this) {
      if (drained != null) {
        return drained.join();
      }
      drained = new CompletableFuture<>();
      draining = true;
      runtime.startDraining();
    }
    long start = System.nanoTime();
    DrainReport report = null;
    try {
      report = runDrain(settings, start);
      return report;
    } finally {
      drained.complete(
          report != null
              ? report
              : new DrainReport(
                  ConnectionCensus.NONE,
                  ConnectionCensus.NONE,
                  0,
                  Duration.ofNanos(System.nanoTime() - start)));
    }
  }

  private DrainReport runDrain(DrainSettings settings, long start) {
    String gw = settings().gatewayLabel().isEmpty() ? "" : " " + settings().gatewayLabel();
    ConnectionCensus atStart = DownstreamDrain.census(runtime.downstreamChannels());
    LOG.info(
        () ->
            "drain"
                + gw
                + " 1/4: readiness failing; serving "
                + atStart
                + " for the drain period of "
                + settings.period().toMillis()
                + " ms (HTTP/1.1: Connection: close; HTTP/2: GOAWAY)");
    DownstreamDrain.announce(runtime.downstreamChannels());
    sleep(settings.period().toMillis());

    synchronized (this) {
      closed = true;
      bound.values().forEach(ch -> ch.close().syncUninterruptibly());
      bound.clear();
    }
    ConnectionCensus atClose = DownstreamDrain.census(runtime.downstreamChannels());
    LOG.info(
        () ->
            "drain"
                + gw
                + " 2/4: listeners closed; closing idle connections; waiting up to "
                + settings.timeout().toMillis()
                + " ms for "
                + atClose);
    DownstreamDrain.closeGracefully(runtime.downstreamChannels(), settings.timeout().toMillis());

    long deadline = System.nanoTime() + settings.timeout().toNanos();
    while (!runtime.downstreamChannels().isEmpty() && System.nanoTime() < deadline) {
      sleep(20);
    }
    ConnectionCensus left = DownstreamDrain.census(runtime.downstreamChannels());
    long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    if (left.connections() == 0) {
      LOG.info(() -> "drain" + gw + " 3/4: every connection finished after " + waitedMs + " ms");
    } else {
      LOG.warning(
          () ->
              "drain" + gw + " 3/4: drain timeout; cutting " + left + " after " + waitedMs + " ms");
    }
    upstreams.close(); // health probes stop before the event loops they run on
    runtime.downstreamChannels().close().awaitUninterruptibly(1, TimeUnit.SECONDS);
    runtime.upstreamChannels().close().awaitUninterruptibly(1, TimeUnit.SECONDS);
    try {
      bossGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      workerGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "event loops did not stop cleanly", e);
    }
    rateLimits.close();
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    LOG.info(() -> "drain" + gw + " 4/4: stopped after " + elapsed.toMillis() + " ms");
    return new DrainReport(atStart, atClose, left.connections(), elapsed);
  }

  private static void sleep(long millis) {
    if (millis <= 0) {
      return;
    }
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      // Shutting down anyway: keep going with the next phase, and keep the flag for the caller.
      Thread.currentThread().interrupt();
    }
  }

  /** True once a drain started (readiness is failing). */
  public boolean draining() {
    return draining;
  }
}
