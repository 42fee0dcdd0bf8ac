package dev.gantry.proxy.route;

import dev.gantry.model.endpoints.Endpoint;
import dev.gantry.model.routing.AppProtocol;
import dev.gantry.model.routing.Cluster;
import dev.gantry.model.routing.backend.ActiveHealthCheck;
import dev.gantry.model.routing.backend.BackendPolicy;
import dev.gantry.model.routing.backend.CircuitBreaker;
import dev.gantry.model.routing.backend.ConnectionSettings;
import dev.gantry.model.routing.backend.HashOn;
import dev.gantry.model.routing.backend.LoadBalancing;
import dev.gantry.model.routing.backend.OutlierDetection;
import dev.gantry.model.routing.backend.RetryBudget;
import dev.gantry.proxy.balance.EndpointSet;
import dev.gantry.proxy.balance.LoadBalancer;
import dev.gantry.proxy.balance.LoadBalancers;
import dev.gantry.proxy.metrics.ClusterMetrics;
import dev.gantry.proxy.tls.UpstreamTls;
import dev.gantry.proxy.upstream.ClusterLoad;
import dev.gantry.proxy.upstream.ClusterMember;
import dev.gantry.proxy.upstream.MemberSet;
import dev.gantry.proxy.upstream.UpstreamRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A cluster of one compiled config: its endpoints over live, reload-surviving state, a load
 * balancer per endpoint kind and the cluster's backend policy. Ready endpoints get the traffic;
 * endpoints that are serving while terminating (not ready) are used only when no ready endpoint is
 * available, as Gateway API and EndpointSlice semantics ask. No available endpoint → 503.
 */
public final class CompiledCluster {
  private final String name;
  private final AppProtocol protocol;
  private final BackendPolicy policy;
  private final OutlierDetection outlier;
  private final CircuitBreaker limits;
  private final RetryBudget retryBudget;
  private final ConnectionSettings connection;
  private final ClusterLoad load;
  private final MemberSet ready;
  private final MemberSet fallback;
  private final LoadBalancer readyBalancer;
  private final LoadBalancer fallbackBalancer;
  private final List<ClusterMember> members;
  private final Map<String, ClusterMember> byKey;
  private final HashOn hashOn;
  private final List<UpstreamEndpoint> readyEndpoints;
  private final ClusterMetrics metrics;

  /** A plaintext cluster whose meters go nowhere (tests of balancing and state). */
  public CompiledCluster(Cluster cluster, List<Endpoint> endpoints, UpstreamRegistry registry) {
    this(
        cluster,
        endpoints,
        null,
        registry,
        new ClusterMetrics(new SimpleMeterRegistry(), "", cluster.name()));
  }

  /**
   * @param tls when not null, the endpoints are reached over TLS with these settings
   * @param metrics the cluster's meters, resolved at compile time
   */
  public CompiledCluster(
      Cluster cluster,
      List<Endpoint> endpoints,
      UpstreamTls tls,
      UpstreamRegistry registry,
      ClusterMetrics metrics) {
    this.name = cluster.name();
    this.metrics = metrics;
    this.protocol = cluster.protocol();
    this.policy = cluster.effectivePolicy();
    this.outlier = policy.effectiveOutlierDetection();
    this.limits = policy.effectiveCircuitBreaker();
    this.retryBudget = policy.effectiveRetryBudget();
    this.connection = policy.effectiveConnection();
    this.load = registry.load(name);
    List<ClusterMember> readyMembers = new ArrayList<>();
    List<ClusterMember> servingMembers = new ArrayList<>();
    Map<String, ClusterMember> keys = new HashMap<>();
    for (Endpoint e : endpoints) {
      if (!e.ready() && !(e.serving() && e.terminating())) {
        continue;
      }
      // Resolved here, off the event loop; addresses are IPs in a cluster.
      UpstreamEndpoint ep =
          new UpstreamEndpoint(new InetSocketAddress(e.address(), e.port()), protocol, tls);
      ClusterMember m = registry.member(name, ep);
      if (keys.putIfAbsent(m.key(), m) != null) {
        continue; // one address listed twice gets one share, not two
      }
      (e.ready() ? readyMembers : servingMembers).add(m);
    }
    this.ready = new MemberSet(readyMembers);
    this.fallback = new MemberSet(servingMembers);
    this.byKey = Map.copyOf(keys);
    List<ClusterMember> all = new ArrayList<>(readyMembers);
    all.addAll(servingMembers);
    this.members = List.copyOf(all);
    this.readyEndpoints = readyMembers.stream().map(ClusterMember::endpoint).toList();
    LoadBalancing lb = policy.effectiveLoadBalancing();
    this.readyBalancer = LoadBalancers.create(lb, keysOf(readyMembers));
    this.fallbackBalancer = LoadBalancers.create(lb, keysOf(servingMembers));
    this.hashOn = lb.type() == LoadBalancing.Type.CONSISTENT_HASH ? lb.hashOn() : null;
  }

  private static List<String> keysOf(List<ClusterMember> ms) {
    return ms.stream().map(ClusterMember::key).toList();
  }

  public String name() {
    return name;
  }

  /** The cluster's pre-resolved meters. */
  public ClusterMetrics metrics() {
    return metrics;
  }

  public AppProtocol protocol() {
    return protocol;
  }

  /**
   * The endpoints new requests are balanced over: the ready ones. Endpoints that are only serving
   * while terminating stand in when no ready one is available, but their connections are not pooled
   * (they drain, see RoutedEndpoints).
   */
  public List<UpstreamEndpoint> endpoints() {
    return readyEndpoints;
  }

  public BackendPolicy policy() {
    return policy;
  }

  public LoadBalancing loadBalancing() {
    return policy.effectiveLoadBalancing();
  }

  /** What a CONSISTENT_HASH cluster hashes, or null for the other algorithms. */
  public HashOn hashOn() {
    return hashOn;
  }

  public ActiveHealthCheck activeHealthCheck() {
    return policy.effectiveActiveHealthCheck();
  }

  public CircuitBreaker limits() {
    return limits;
  }

  public RetryBudget retryBudget() {
    return retryBudget;
  }

  public ConnectionSettings connection() {
    return connection;
  }

  public ClusterLoad load() {
    return load;
  }

  /** Every endpoint of the cluster (ready first, then serving-while-terminating). */
  public List<ClusterMember> members() {
    return members;
  }

  public boolean hasEndpoints() {
    return !members.isEmpty();
  }

  /**
   * An available endpoint for a request whose key hashes to {@code hash} ({@link
   * dev.gantry.proxy.balance.RequestHash#NO_HASH} when there is none), or null.
   */
  public ClusterMember pick(long hash) {
    int i = readyBalancer.pick(ready, hash);
    if (i != LoadBalancer.NONE) {
      return ready.member(i);
    }
    if (fallback.size() > 0) {
      i = fallbackBalancer.pick(fallback, hash);
      if (i != LoadBalancer.NONE) {
        return fallback.member(i);
      }
    }
    return null;
  }

  /**
   * An available endpoint other than {@code failed} for a retry; {@code failed} itself when it is
   * the only one left; null when none is available.
   */
  public ClusterMember pickOther(long hash, ClusterMember failed) {
    int r = ready.indexOf(failed);
    EndpointSet readyView = r < 0 ? ready : ready.excluding(r);
    int i = readyBalancer.pick(readyView, hash);
    if (i != LoadBalancer.NONE) {
      return ready.member(i);
    }
    if (fallback.size() > 0) {
      int s = fallback.indexOf(failed);
      i = fallbackBalancer.pick(s < 0 ? fallback : fallback.excluding(s), hash);
      if (i != LoadBalancer.NONE) {
        return fallback.member(i);
      }
    }
    return pick(hash);
  }

  /** The endpoint named {@code key} (a session's), when it belongs here and is available. */
  public ClusterMember available(String key) {
    ClusterMember m = byKey.get(key);
    if (m == null || !m.available(System.nanoTime())) {
      return null;
    }
    if (fallback.indexOf(m) >= 0 && isAnyReady()) {
      return null; // a terminating endpoint keeps sessions only while no ready one is left
    }
    return m;
  }

  private boolean isAnyReady() {
    long now = System.nanoTime();
    for (int i = 0; i < ready.size(); i++) {
      if (ready.member(i).available(now)) {
        return true;
      }
    }
    return false;
  }

  /** Open upstream connections to the cluster's endpoints (from every cluster sharing them). */
  public int openConnections() {
    int n = 0;
    for (ClusterMember m : members) {
      n += m.state().openConnections();
    }
    return n;
  }

  // ---------------------------------------------------------------- passive health

  /** A response below 500 from {@code m}. */
  public void reportSuccess(ClusterMember m) {
    m.state().onSuccess();
  }

  /** A 5xx response from {@code m}. */
  public void report5xx(ClusterMember m) {
    if (outlier.enabled() && m.state().on5xx(outlier)) {
      maybeEject(m);
    }
  }

  /** A connect failure, reset or timeout of an attempt on {@code m}. */
  public void reportFailure(ClusterMember m) {
    if (outlier.enabled() && m.state().onGatewayFailure(outlier)) {
      maybeEject(m);
    }
  }

  private void maybeEject(ClusterMember m) {
    long now = System.nanoTime();
    int ejected = 0;
    for (ClusterMember x : members) {
      if (x.state().ejected(now)) {
        ejected++;
      }
    }
    if (mayEject(ejected, members.size(), outlier.maxEjectedPercent())
        && m.state().eject(outlier, now)) {
      load.ejected();
    }
  }

  /**
   * Whether one more of {@code size} endpoints may be ejected while {@code ejected} are: within
   * {@code percent} %, and always the first one of two or more (a 50 % cap must not make a
   * two-endpoint cluster immune). A cap of 0 turns ejection off.
   */
  static boolean mayEject(int ejected, int size, int percent) {
    if (percent <= 0 || ejected >= size) {
      return false;
    }
    return (ejected + 1) * 100 <= percent * size || (ejected == 0 && size >= 2);
  }
}
