package dev.gantry.proxy.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Process-wide proxy meters: connections, upstream errors, config version and reloads. */
public final class ProxyMetrics {
  private final MeterRegistry registry;
  private final String gateway;
  private final AtomicLong activeConnections = new AtomicLong();
  private final Counter reloads;
  private final ConcurrentHashMap<String, Counter> upstreamErrors = new ConcurrentHashMap<>();
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

  /** Counts one failed upstream attempt (connect failure, reset, timeout) for a cluster. */
  public void upstreamError(String cluster, String kind) {
    upstreamErrors
        .computeIfAbsent(
            cluster + '\0' + kind,
            k ->
                Counter.builder("gantry.upstream.errors")
                    .description("Failed upstream attempts by cluster and kind")
                    .tag("gateway", gateway)
                    .tag("cluster", cluster)
                    .tag("kind", kind)
                    .register(registry))
        .increment();
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
