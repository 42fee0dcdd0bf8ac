package dev.gantry.proxy.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Process-wide proxy meters: connections, upstream pool connections, config version, reload time
 * and reloads. Per-route and per-cluster meters are {@link RouteMetrics} and {@link
 * ClusterMetrics}.
 */
public final class ProxyMetrics {
  private final MeterRegistry registry;
  private final String gateway;
  private final AtomicLong activeConnections = new AtomicLong();
  private final Counter reloads;
  private final AtomicLong lastReloadMillis = new AtomicLong();
  private final RouteMetrics unmatched;
  private volatile Gauge versionGauge;

  public ProxyMetrics(MeterRegistry registry, String gateway) {
    this.registry = registry;
    this.gateway = gateway;
    Gauge.builder("gantry.connections.active", activeConnections, AtomicLong::get)
        .description("Open downstream connections")
        .tag("gateway", gateway)
        .register(registry);
    reloads =
        Counter.builder("gantry.config.reloads")
            .description("Configs applied")
            .tag("gateway", gateway)
            .register(registry);
    // Config age = time() - this; 0 until the first config is applied.
    Gauge.builder(
            "gantry.config.last.reload.timestamp.seconds",
            lastReloadMillis,
            ms -> ms.get() / 1000.0)
        .description("Unix time the running config was applied")
        .tag("gateway", gateway)
        .register(registry);
    unmatched = new RouteMetrics(registry, gateway, "none");
  }

  public MeterRegistry registry() {
    return registry;
  }

  public String gateway() {
    return gateway;
  }

  public AtomicLong activeConnections() {
    return activeConnections;
  }

  /** Requests that matched no listener or route (404). */
  public RouteMetrics unmatched() {
    return unmatched;
  }

  /**
   * Upstream pool connections of all event loops, as {@code gantry_upstream_connections{state}}:
   * {@code active} = open and serving (or reserved for) an exchange, {@code idle} = pooled.
   */
  public void poolConnections(
      java.util.function.LongSupplier open, java.util.function.LongSupplier idle) {
    Gauge.builder(
            "gantry.upstream.connections", () -> Math.max(0, open.getAsLong() - idle.getAsLong()))
        .description("Upstream connections by state (HTTP/1.1 connections and h2c sessions)")
        .tag("gateway", gateway)
        .tag("state", "active")
        .register(registry);
    Gauge.builder("gantry.upstream.connections", idle::getAsLong)
        .description("Upstream connections by state (HTTP/1.1 connections and h2c sessions)")
        .tag("gateway", gateway)
        .tag("state", "idle")
        .register(registry);
  }

  /** Drops the meters of clusters that no longer exist (see {@link #removeRoutes}). */
  public void removeClusters(java.util.Set<String> clusters) {
    for (String cluster : clusters) {
      for (String name :
          new String[] {ClusterMetrics.REQUESTS, ClusterMetrics.DURATION, ClusterMetrics.ERRORS}) {
        for (io.micrometer.core.instrument.Meter m :
            registry.find(name).tag("gateway", gateway).tag("cluster", cluster).meters()) {
          registry.remove(m);
        }
      }
    }
  }

  /**
   * Drops the meters of routes that no longer exist, so a long series of reloads with changing
   * route names does not grow the registry without bound.
   */
  public void removeRoutes(java.util.Set<String> routes) {
    for (String route : routes) {
      for (String name : new String[] {"gantry.requests", "gantry.request.duration"}) {
        for (io.micrometer.core.instrument.Meter m :
            registry.find(name).tag("gateway", gateway).tag("route", route).meters()) {
          registry.remove(m);
        }
      }
    }
  }

  /** Records a swap: bumps the reload counter and moves the version info gauge to the new one. */
  public synchronized void configApplied(String version) {
    reloads.increment();
    lastReloadMillis.set(System.currentTimeMillis());
    Gauge old = versionGauge;
    versionGauge =
        Gauge.builder("gantry.config.version.info", () -> 1)
            .description("The applied config version (label), value 1")
            .tag("gateway", gateway)
            .tag("version", version)
            .register(registry);
    if (old != null && !old.getId().equals(versionGauge.getId())) {
      registry.remove(old);
    }
  }
}
