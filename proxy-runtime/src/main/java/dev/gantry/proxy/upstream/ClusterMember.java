package dev.gantry.proxy.upstream;

import dev.gantry.proxy.balance.LoadBalancers;
import dev.gantry.proxy.route.UpstreamEndpoint;

/**
 * One endpoint as a member of one cluster: the shared {@link EndpointState} plus what is specific
 * to the cluster (its active health prober). Process-wide like the state, so a reload that keeps
 * the pair keeps its prober and its health verdict.
 */
public final class ClusterMember {
  private final String cluster;
  private final UpstreamEndpoint endpoint;
  private final String key;
  private final EndpointState state;
  private volatile HealthProber prober;

  ClusterMember(String cluster, UpstreamEndpoint endpoint, EndpointState state) {
    this.cluster = cluster;
    this.endpoint = endpoint;
    this.key = keyOf(endpoint);
    this.state = state;
  }

  /** "ip:port": the endpoint's name in balancer keys, session tokens and meters. */
  public static String keyOf(UpstreamEndpoint endpoint) {
    return LoadBalancers.key(endpoint.address());
  }

  public String cluster() {
    return cluster;
  }

  public UpstreamEndpoint endpoint() {
    return endpoint;
  }

  public String key() {
    return key;
  }

  public EndpointState state() {
    return state;
  }

  /** Healthy by active checks (always, without them). */
  public boolean healthy() {
    HealthProber p = prober;
    return p == null || p.healthy();
  }

  /** May get traffic: healthy and not ejected. */
  public boolean available(long nowNanos) {
    return !state.ejected(nowNanos) && healthy();
  }

  HealthProber prober() {
    return prober;
  }

  void prober(HealthProber p) {
    this.prober = p;
  }

  @Override
  public String toString() {
    return cluster + "/" + key;
  }
}
