package dev.gantry.proxy.server;

import dev.gantry.proxy.hardening.HttpLimits;
import dev.gantry.proxy.metrics.ProxyMetrics;
import dev.gantry.proxy.observe.Observability;
import dev.gantry.proxy.route.CompiledConfig;
import dev.gantry.proxy.route.UpstreamEndpoint;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What every connection handler shares: the current compiled config (one volatile reference,
 * swapped atomically), the per-event-loop upstream pools, the meters and the open connections.
 */
public final class ProxyRuntime {
  private final ProxyMetrics metrics;
  private final Transport transport;
  private final Observability observability;
  private final ConcurrentHashMap<EventLoop, UpstreamPool> pools = new ConcurrentHashMap<>();
  private final ChannelGroup upstreamChannels =
      new DefaultChannelGroup("upstream", GlobalEventExecutor.INSTANCE);
  private final ChannelGroup downstreamChannels =
      new DefaultChannelGroup("downstream", GlobalEventExecutor.INSTANCE);
  private volatile CompiledConfig config;
  private volatile Set<UpstreamEndpoint> routed = Set.of();
  private volatile boolean draining;
  private volatile HttpLimits limits = HttpLimits.DEFAULTS;

  public ProxyRuntime(ProxyMetrics metrics, Transport transport) {
    this(metrics, transport, Observability.disabled());
  }

  public ProxyRuntime(ProxyMetrics metrics, Transport transport, Observability observability) {
    this.metrics = metrics;
    this.transport = transport;
    this.observability = observability;
    metrics.poolConnections(upstreamChannels::size, this::idleUpstreamConnections);
  }

  /**
   * Idle pooled connections over every event loop's pool (a scrape-time sum, no shared counter).
   */
  private long idleUpstreamConnections() {
    long n = 0;
    for (UpstreamPool p : pools.values()) {
      n += p.idleCount();
    }
    return n;
  }

  public CompiledConfig config() {
    return config;
  }

  /**
   * Makes {@code next} the config new requests use. Requests in flight keep theirs; upstream
   * connections to endpoints {@code next} no longer routes to drain (see {@link
   * UpstreamPool#retireUnrouted}).
   */
  public void swap(CompiledConfig next) {
    Set<UpstreamEndpoint> live = RoutedEndpoints.of(next);
    boolean shrank = !live.containsAll(routed);
    this.routed = live;
    this.config = next;
    if (shrank) {
      pools.values().forEach(p -> p.loop().execute(p::retireUnrouted));
    }
  }

  /** True when the current config may send new requests to {@code endpoint}. */
  boolean routed(UpstreamEndpoint endpoint) {
    return routed.contains(endpoint);
  }

  /** The limits new connections get (open connections keep theirs). */
  public HttpLimits limits() {
    return limits;
  }

  public void limits(HttpLimits next) {
    this.limits = next;
  }

  public ProxyMetrics metrics() {
    return metrics;
  }

  /** Access logs and tracing (process-wide; owned and closed by whoever created the proxy). */
  public Observability observability() {
    return observability;
  }

  public Transport transport() {
    return transport;
  }

  /** The pool of the given event loop; callers are on that loop. */
  UpstreamPool pool(EventLoop loop) {
    UpstreamPool p = pools.get(loop);
    if (p == null) {
      p =
          pools.computeIfAbsent(
              loop, l -> new UpstreamPool(l, transport, upstreamChannels, this::routed));
    }
    return p;
  }

  public boolean draining() {
    return draining;
  }

  public void startDraining() {
    draining = true;
  }

  public ChannelGroup downstreamChannels() {
    return downstreamChannels;
  }

  public ChannelGroup upstreamChannels() {
    return upstreamChannels;
  }

  void connectionOpened(Channel ch) {
    downstreamChannels.add(ch);
    metrics.activeConnections().incrementAndGet();
  }

  void connectionClosed() {
    metrics.activeConnections().decrementAndGet();
  }
}
