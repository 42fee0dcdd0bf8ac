package dev.gantry.proxy.upstream;

import dev.gantry.model.routing.backend.ActiveHealthCheck;
import dev.gantry.proxy.route.CompiledCluster;
import dev.gantry.proxy.route.UpstreamEndpoint;
import dev.gantry.proxy.server.Transport;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoopGroup;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The process-wide upstream state that survives reloads: per endpoint ({@link EndpointState}), per
 * endpoint of a cluster ({@link ClusterMember}, with its active health prober and health gauge) and
 * per cluster ({@link ClusterLoad}). The compiler looks entries up (creating new ones); after each
 * swap {@link #activate} starts or restarts the probers the new config asks for and drops every
 * entry, prober and meter that no cluster of it references any more.
 */
public final class UpstreamRegistry implements AutoCloseable {
  private record MemberKey(String cluster, UpstreamEndpoint endpoint) {}

  private final MeterRegistry meters;
  private final String gateway;
  private final Transport transport;
  private final ConcurrentHashMap<UpstreamEndpoint, EndpointState> endpoints =
      new ConcurrentHashMap<>();
  private final ConcurrentHashMap<MemberKey, ClusterMember> members = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<MemberKey, Gauge> healthGauges = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, ClusterLoad> clusters = new ConcurrentHashMap<>();
  private volatile EventLoopGroup probeLoops;

  public UpstreamRegistry(MeterRegistry meters, String gateway, Transport transport) {
    this.meters = meters;
    this.gateway = gateway;
    this.transport = transport;
  }

  /**
   * The event loops active health probes run on. Without them (a compiler used offline) probers are
   * not started and endpoints count as healthy.
   */
  public void probeLoops(EventLoopGroup loops) {
    this.probeLoops = loops;
  }

  public EndpointState endpoint(UpstreamEndpoint ep) {
    return endpoints.computeIfAbsent(ep, e -> new EndpointState(e, System.nanoTime()));
  }

  public ClusterMember member(String cluster, UpstreamEndpoint ep) {
    MemberKey key = new MemberKey(cluster, ep);
    ClusterMember m = members.get(key);
    if (m != null) {
      return m;
    }
    return members.computeIfAbsent(
        key,
        k -> {
          ClusterMember created = new ClusterMember(cluster, ep, endpoint(ep));
          healthGauges.put(
              k,
              Gauge.builder(
                      "gantry.upstream.endpoint.healthy",
                      created,
                      c -> c.available(System.nanoTime()) ? 1 : 0)
                  .description(
                      "1 when the endpoint may get traffic (healthy by active checks, not ejected)")
                  .tag("gateway", gateway)
                  .tag("cluster", cluster)
                  .tag("endpoint", created.key())
                  .strongReference(true)
                  .register(meters));
          return created;
        });
  }

  public ClusterLoad load(String cluster) {
    return clusters.computeIfAbsent(cluster, c -> new ClusterLoad(c, meters, gateway));
  }

  /**
   * Runs after a config is swapped in: every member of {@code live} gets a prober for its cluster's
   * active check (kept when the check did not change, so the verdict carries over), and everything
   * not referenced by {@code live} is dropped, its probers stopped and its meters removed.
   */
  public synchronized void activate(Collection<CompiledCluster> live) {
    Set<MemberKey> keepMembers = new HashSet<>();
    Set<UpstreamEndpoint> keepEndpoints = new HashSet<>();
    Set<String> keepClusters = new HashSet<>();
    for (CompiledCluster c : live) {
      keepClusters.add(c.name());
      ActiveHealthCheck check = c.activeHealthCheck();
      for (ClusterMember m : c.members()) {
        keepMembers.add(new MemberKey(c.name(), m.endpoint()));
        keepEndpoints.add(m.endpoint());
        HealthProber p = m.prober();
        if (p != null && Objects.equals(p.check(), check)) {
          continue;
        }
        if (p != null) {
          p.stop();
          m.prober(null);
        }
        EventLoopGroup loops = probeLoops;
        if (check != null && loops != null) {
          HealthProber next = new HealthProber(m, check, transport, loops.next());
          m.prober(next);
          next.start();
        }
      }
    }
    for (Map.Entry<MemberKey, ClusterMember> e : members.entrySet()) {
      if (!keepMembers.contains(e.getKey())) {
        members.remove(e.getKey());
        HealthProber p = e.getValue().prober();
        if (p != null) {
          p.stop();
        }
        Gauge g = healthGauges.remove(e.getKey());
        if (g != null) {
          meters.remove(g);
        }
      }
    }
    endpoints.keySet().retainAll(keepEndpoints);
    for (Map.Entry<String, ClusterLoad> e : clusters.entrySet()) {
      if (!keepClusters.contains(e.getKey())) {
        clusters.remove(e.getKey());
        e.getValue().removeMeters(meters);
      }
    }
  }

  /** The number of endpoints with state (for tests and the admin view). */
  public int endpointCount() {
    return endpoints.size();
  }

  /** Stops every prober. */
  @Override
  public synchronized void close() {
    for (ClusterMember m : members.values()) {
      HealthProber p = m.prober();
      if (p != null) {
        p.stop();
        m.prober(null);
      }
    }
  }
}
