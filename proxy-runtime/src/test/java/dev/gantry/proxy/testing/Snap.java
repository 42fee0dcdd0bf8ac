package dev.gantry.proxy.testing;

import dev.gantry.model.GatewaySnapshot;
import dev.gantry.model.SourceRef;
import dev.gantry.model.endpoints.ClusterEndpoints;
import dev.gantry.model.endpoints.Endpoint;
import dev.gantry.model.endpoints.EndpointsConfig;
import dev.gantry.model.routing.AppProtocol;
import dev.gantry.model.routing.Backend;
import dev.gantry.model.routing.Cluster;
import dev.gantry.model.routing.HeaderMatch;
import dev.gantry.model.routing.Listener;
import dev.gantry.model.routing.ListenerProtocol;
import dev.gantry.model.routing.PathMatch;
import dev.gantry.model.routing.PathMatchType;
import dev.gantry.model.routing.QueryParamMatch;
import dev.gantry.model.routing.RetryPolicy;
import dev.gantry.model.routing.RouteEntry;
import dev.gantry.model.routing.RouteMatch;
import dev.gantry.model.routing.RoutingConfig;
import dev.gantry.model.routing.Rule;
import dev.gantry.model.routing.Timeouts;
import dev.gantry.model.routing.TlsSettings;
import dev.gantry.model.routing.ValueMatchType;
import dev.gantry.model.routing.VirtualHost;
import dev.gantry.model.routing.filter.Filter;
import dev.gantry.model.secrets.SecretsConfig;
import dev.gantry.model.secrets.TlsCertificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds config-model snapshots for tests, the way the translator would lay them out. */
public final class Snap {
  public static final SourceRef GATEWAY = SourceRef.of("Gateway", "ns", "gw");
  private static final SourceRef ROUTE = SourceRef.of("HTTPRoute", "ns", "route");

  private final Map<String, Cluster> clusters = new LinkedHashMap<>();
  private final Map<String, List<Endpoint>> endpoints = new LinkedHashMap<>();
  private final Map<String, Rule> rules = new LinkedHashMap<>();
  private final Map<String, ListenerDraft> listeners = new LinkedHashMap<>();
  private final List<dev.gantry.model.routing.RateLimit> rateLimits = new ArrayList<>();
  private final Map<String, List<dev.gantry.model.routing.PolicyRef>> listenerPolicies =
      new LinkedHashMap<>();
  private int entryCounter;

  private final Map<String, TlsCertificate> certificates = new LinkedHashMap<>();
  private final Map<String, dev.gantry.model.secrets.CaBundle> caBundles = new LinkedHashMap<>();

  /** Adds a rate limit to the routing part. */
  public Snap rateLimit(dev.gantry.model.routing.RateLimit rl) {
    rateLimits.add(rl);
    return this;
  }

  /** Attaches a rate limit to a listener (as a Gateway-level policy does). */
  public Snap listenerRateLimit(String listener, String rateLimit) {
    listenerPolicies
        .computeIfAbsent(listener, l -> new ArrayList<>())
        .add(
            new dev.gantry.model.routing.PolicyRef(
                dev.gantry.model.routing.RateLimit.KIND, rateLimit));
    return this;
  }

  private record ListenerDraft(
      String name,
      int port,
      String hostname,
      TlsSettings tls,
      Map<String, List<RouteEntry>> hosts) {}

  /** A cluster named {@code name} whose ready endpoints are 127.0.0.1 on the given ports. */
  public Snap cluster(String name, AppProtocol protocol, int... ports) {
    clusters.put(name, new Cluster(name, SourceRef.of("Service", "ns", name), protocol));
    List<Endpoint> eps = new ArrayList<>();
    for (int p : ports) {
      eps.add(new Endpoint("127.0.0.1", p, true, true, false, null));
    }
    endpoints.put(name, eps);
    return this;
  }

  public Snap cluster(String name, int... ports) {
    return cluster(name, AppProtocol.HTTP1, ports);
  }

  /** Gives an already declared cluster a backend policy. */
  public Snap policy(String cluster, dev.gantry.model.routing.backend.BackendPolicy policy) {
    clusters.put(cluster, clusters.get(cluster).withPolicy(policy));
    return this;
  }

  /** Replaces the endpoints of an already declared cluster (ready/serving/terminating as given). */
  public Snap endpoints(String cluster, Endpoint... eps) {
    endpoints.put(cluster, new ArrayList<>(List.of(eps)));
    return this;
  }

  /**
   * Adds to cluster {@code name} an endpoint 127.0.0.1:{@code port} that is terminating (its pod is
   * shutting down): not ready, still serving, as an EndpointSlice reports it.
   */
  public Snap terminatingEndpoint(String name, int port) {
    endpoints.get(name).add(new Endpoint("127.0.0.1", port, false, true, true, null));
    return this;
  }

  public Snap listener(String name, int port, String hostname) {
    listeners.put(name, new ListenerDraft(name, port, hostname, null, new LinkedHashMap<>()));
    return this;
  }

  /** An HTTPS listener serving {@code cert} (added to the secrets part). */
  public Snap httpsListener(
      String name, int port, String hostname, TlsCertificate cert, String minVersion) {
    certificates.put(cert.name(), cert);
    listeners.put(
        name,
        new ListenerDraft(
            name,
            port,
            hostname,
            new TlsSettings(List.of(cert.name()), minVersion),
            new LinkedHashMap<>()));
    return this;
  }

  public Snap httpsListener(String name, int port, String hostname, TlsCertificate cert) {
    return httpsListener(name, port, hostname, cert, null);
  }

  /** An HTTPS listener with explicit TLS settings; {@code certs} are added to the secrets part. */
  public Snap httpsListener(
      String name, int port, String hostname, TlsSettings tls, TlsCertificate... certs) {
    for (TlsCertificate c : certs) {
      certificates.put(c.name(), c);
    }
    listeners.put(name, new ListenerDraft(name, port, hostname, tls, new LinkedHashMap<>()));
    return this;
  }

  /** Adds a CA bundle to the secrets part. */
  public Snap caBundle(dev.gantry.model.secrets.CaBundle bundle) {
    caBundles.put(bundle.name(), bundle);
    return this;
  }

  /** Reaches an already declared cluster's endpoints over TLS. */
  public Snap clusterTls(String cluster, dev.gantry.model.routing.BackendTls tls) {
    clusters.put(cluster, clusters.get(cluster).withTls(tls));
    return this;
  }

  /** Appends an entry (in precedence order) to a virtual host of a listener. */
  public Snap route(String listener, String host, RouteMatch match, Rule rule) {
    rules.putIfAbsent(rule.name(), rule);
    listeners
        .get(listener)
        .hosts()
        .computeIfAbsent(host, h -> new ArrayList<>())
        .add(new RouteEntry(rule.name() + "/match/" + entryCounter++, ROUTE, match, rule.name()));
    return this;
  }

  public GatewaySnapshot build() {
    List<Listener> ls = new ArrayList<>();
    for (ListenerDraft d : listeners.values()) {
      List<VirtualHost> vhs = new ArrayList<>();
      d.hosts().entrySet().stream()
          .sorted(Map.Entry.comparingByKey())
          .forEach(e -> vhs.add(new VirtualHost(e.getKey(), e.getValue())));
      ls.add(
          new Listener(
              d.name(),
              GATEWAY.withSection(d.name()),
              d.port(),
              d.tls() == null ? ListenerProtocol.HTTP : ListenerProtocol.HTTPS,
              d.hostname(),
              d.tls(),
              vhs,
              listenerPolicies.getOrDefault(d.name(), List.of())));
    }
    List<ClusterEndpoints> ces = new ArrayList<>();
    endpoints.forEach((c, eps) -> ces.add(new ClusterEndpoints(c, eps)));
    return GatewaySnapshot.of(
        GATEWAY,
        RoutingConfig.of(
            ls, new ArrayList<>(rules.values()), new ArrayList<>(clusters.values()), rateLimits),
        EndpointsConfig.of(ces),
        SecretsConfig.of(
            new ArrayList<>(certificates.values()), new ArrayList<>(caBundles.values())));
  }

  // ------------------------------------------------------------------ matches

  public static RouteMatch prefix(String p) {
    return new RouteMatch(new PathMatch(PathMatchType.PATH_PREFIX, p), null, null, null);
  }

  public static RouteMatch exact(String p) {
    return new RouteMatch(new PathMatch(PathMatchType.EXACT, p), null, null, null);
  }

  public static RouteMatch regex(String p) {
    return new RouteMatch(new PathMatch(PathMatchType.REGULAR_EXPRESSION, p), null, null, null);
  }

  public static RouteMatch match(
      PathMatch path, List<HeaderMatch> headers, List<QueryParamMatch> params, String method) {
    return new RouteMatch(path, headers, params, method);
  }

  public static HeaderMatch header(String name, String value) {
    return new HeaderMatch(name, ValueMatchType.EXACT, value);
  }

  public static QueryParamMatch query(String name, String value) {
    return new QueryParamMatch(name, ValueMatchType.EXACT, value);
  }

  // ------------------------------------------------------------------ rules

  public static Backend backend(String cluster, int weight, Filter... filters) {
    return new Backend(cluster, weight, null, List.of(filters), ROUTE);
  }

  public static Backend invalidBackend(int weight) {
    return new Backend(null, weight, 500, List.of(), ROUTE);
  }

  /** A rule forwarding to the clusters with weight 1 each. */
  public static Rule forward(String name, String... clusters) {
    List<Backend> bs = new ArrayList<>();
    for (String c : clusters) {
      bs.add(backend(c, 1));
    }
    return rule(name, List.of(), bs);
  }

  public static Rule rule(String name, List<Filter> filters, List<Backend> backends) {
    return new Rule(name, ROUTE, filters, backends, null, null, null, List.of());
  }

  public static Rule rule(
      String name,
      List<Filter> filters,
      List<Backend> backends,
      Integer direct,
      Timeouts timeouts,
      RetryPolicy retry) {
    return new Rule(name, ROUTE, filters, backends, direct, timeouts, retry, List.of());
  }
}
