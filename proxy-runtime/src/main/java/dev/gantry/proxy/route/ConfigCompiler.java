package dev.gantry.proxy.route;

import com.google.re2j.PatternSyntaxException;
import dev.gantry.model.ConfigValidationException;
import dev.gantry.model.GatewaySnapshot;
import dev.gantry.model.endpoints.ClusterEndpoints;
import dev.gantry.model.routing.Backend;
import dev.gantry.model.routing.Cluster;
import dev.gantry.model.routing.Listener;
import dev.gantry.model.routing.ListenerProtocol;
import dev.gantry.model.routing.RouteEntry;
import dev.gantry.model.routing.Rule;
import dev.gantry.model.routing.VirtualHost;
import dev.gantry.model.routing.filter.Cors;
import dev.gantry.model.routing.filter.Filter;
import dev.gantry.model.routing.filter.RequestMirror;
import dev.gantry.model.secrets.CaBundle;
import dev.gantry.model.secrets.TlsCertificate;
import dev.gantry.proxy.filter.FilterStep;
import dev.gantry.proxy.metrics.ClusterMetrics;
import dev.gantry.proxy.metrics.RouteMetrics;
import dev.gantry.proxy.ratelimit.RateLimitEngine;
import dev.gantry.proxy.ratelimit.RateLimitStep;
import dev.gantry.proxy.server.Transport;
import dev.gantry.proxy.tls.ClientTrust;
import dev.gantry.proxy.tls.ListenerCertificates;
import dev.gantry.proxy.tls.PortTls;
import dev.gantry.proxy.tls.TlsContextFactory;
import dev.gantry.proxy.tls.UpstreamTls;
import dev.gantry.proxy.upstream.UpstreamRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a validated {@link GatewaySnapshot} into a {@link CompiledConfig}. Runs off the event loop;
 * everything a request needs (host tables, matchers, regexes, filter steps, weighted sequences,
 * meters) is built here once.
 */
public final class ConfigCompiler {
  private static final boolean[] NO_RETRY_CODES = new boolean[0];

  private final MeterRegistry registry;
  private final String gateway;
  private final RateLimitEngine rateLimits;
  private final TlsContextFactory tlsContexts;
  private final UpstreamRegistry upstreams;

  public ConfigCompiler(MeterRegistry registry, String gateway) {
    this(registry, gateway, null);
  }

  /** A compiler that also compiles rate limits, keeping their buckets across reloads. */
  public ConfigCompiler(MeterRegistry registry, String gateway, RateLimitEngine rateLimits) {
    this(registry, gateway, rateLimits, new TlsContextFactory());
  }

  /** ... and builds TLS contexts with {@code tlsContexts}, which caches them across reloads. */
  public ConfigCompiler(
      MeterRegistry registry,
      String gateway,
      RateLimitEngine rateLimits,
      TlsContextFactory tlsContexts) {
    this(
        registry,
        gateway,
        rateLimits,
        tlsContexts,
        new UpstreamRegistry(registry, gateway, Transport.best()));
  }

  /** ... and keeps endpoint state (health, ejections, load) in {@code upstreams} across reloads. */
  public ConfigCompiler(
      MeterRegistry registry,
      String gateway,
      RateLimitEngine rateLimits,
      TlsContextFactory tlsContexts,
      UpstreamRegistry upstreams) {
    this.registry = registry;
    this.gateway = gateway;
    this.rateLimits = rateLimits;
    this.tlsContexts = tlsContexts;
    this.upstreams = upstreams;
  }

  public UpstreamRegistry upstreams() {
    return upstreams;
  }

  /** Validates and compiles; throws {@link ConfigValidationException} naming every problem. */
  public CompiledConfig compile(GatewaySnapshot snapshot) {
    snapshot.validate();
    List<String> errors = new ArrayList<>();
    Map<String, List<dev.gantry.model.endpoints.Endpoint>> endpoints = new HashMap<>();
    for (ClusterEndpoints ce : snapshot.endpoints().clusters()) {
      endpoints.put(ce.cluster(), ce.endpoints());
    }
    Map<String, CaBundle> caBundles = new HashMap<>();
    for (CaBundle b : snapshot.secrets().caBundles()) {
      caBundles.put(b.name(), b);
    }
    Set<String> usedUpstreamTls = new HashSet<>();
    Map<String, CompiledCluster> clusters = new LinkedHashMap<>();
    List<Cluster> clusterList = snapshot.routing().clusters();
    for (int i = 0; i < clusterList.size(); i++) {
      Cluster c = clusterList.get(i);
      UpstreamTls tls = null;
      if (c.tls() != null) {
        try {
          tls = tlsContexts.upstreams().upstream(c.tls(), c.protocol(), caBundles, usedUpstreamTls);
        } catch (IllegalArgumentException e) {
          errors.add("routing.clusters[" + i + "].tls: " + e.getMessage());
        }
      }
      clusters.put(
          c.name(),
          new CompiledCluster(
              c,
              endpoints.getOrDefault(c.name(), List.of()),
              tls,
              upstreams,
              new ClusterMetrics(registry, gateway, c.name())));
    }
    Map<String, CompiledRule> rules = new HashMap<>();
    List<Rule> ruleList = snapshot.routing().rules();
    for (int i = 0; i < ruleList.size(); i++) {
      Rule rule = ruleList.get(i);
      rules.put(rule.name(), compileRule(rule, clusters, "routing.rules[" + i + "]", errors));
    }
    RateLimitEngine.Compiled limits = rateLimits == null ? null : rateLimits.compile(snapshot);
    Map<String, Rule> ruleModels = new HashMap<>();
    ruleList.forEach(r -> ruleModels.put(r.name(), r));
    Map<Integer, HostTable.Builder<CompiledListener>> byPort = new HashMap<>();
    Map<Integer, HostTable.Builder<ListenerCertificates>> tlsByPort = new HashMap<>();
    Map<Integer, ListenerProtocol> protocolByPort = new HashMap<>();
    Map<String, TlsCertificate> certificates = new HashMap<>();
    for (TlsCertificate c : snapshot.secrets().certificates()) {
      certificates.put(c.name(), c);
    }
    Set<String> usedContexts = new HashSet<>();
    List<Listener> listeners = snapshot.routing().listeners();
    for (int l = 0; l < listeners.size(); l++) {
      Listener listener = listeners.get(l);
      HostTable.Builder<CompiledVirtualHost> hosts = HostTable.builder();
      for (int h = 0; h < listener.virtualHosts().size(); h++) {
        VirtualHost vh = listener.virtualHosts().get(h);
        List<CompiledRoute> routes = new ArrayList<>(vh.routes().size());
        for (int r = 0; r < vh.routes().size(); r++) {
          RouteEntry e = vh.routes().get(r);
          String field =
              "routing.listeners[" + l + "].virtualHosts[" + h + "].routes[" + r + "].match";
          try {
            routes.add(
                new CompiledRoute(
                    e.name(),
                    new RouteMatcher(e.match()),
                    rules.get(e.rule()),
                    new RouteMetrics(registry, gateway, e.name()),
                    rateLimitStep(limits, listener, ruleModels.get(e.rule()))));
          } catch (PatternSyntaxException ex) {
            errors.add(field + ": " + ex.getPattern() + " (expected: an RE2 regular expression)");
          }
        }
        hosts.put(vh.hostname(), new CompiledVirtualHost(vh.hostname(), routes));
      }
      String scheme = listener.protocol() == ListenerProtocol.HTTPS ? "https" : "http";
      ListenerProtocol first = protocolByPort.putIfAbsent(listener.port(), listener.protocol());
      if (first != null && first != listener.protocol()) {
        // One socket cannot both require and refuse a TLS handshake.
        errors.add(
            "routing.listeners["
                + l
                + "].protocol: "
                + listener.protocol()
                + " (expected: "
                + first
                + " like the other listeners on port "
                + listener.port()
                + ")");
      }
      if (listener.protocol() == ListenerProtocol.HTTPS && listener.tls() != null) {
        compileTls(
            listener,
            "routing.listeners[" + l + "].tls",
            certificates,
            caBundles,
            tlsByPort,
            usedContexts,
            errors);
      }
      byPort
          .computeIfAbsent(listener.port(), p -> HostTable.builder())
          .put(
              listener.hostname(),
              new CompiledListener(listener.name(), listener.port(), scheme, hosts.build()));
    }
    if (!errors.isEmpty()) {
      throw new ConfigValidationException(errors);
    }
    Map<Integer, CompiledPort> ports = new HashMap<>();
    byPort.forEach(
        (port, b) -> {
          HostTable.Builder<ListenerCertificates> tls = tlsByPort.get(port);
          ports.put(
              port,
              new CompiledPort(port, b.build(), tls == null ? null : new PortTls(tls.build())));
        });
    tlsContexts.retainOnly(usedContexts);
    tlsContexts.retainUpstreamsOnly(usedUpstreamTls);
    return new CompiledConfig(snapshot, Map.copyOf(ports), Map.copyOf(clusters));
  }

  /**
   * The listener's certificates (all of its certificateRefs, chosen per handshake by SNI name and
   * key type) and client-certificate validation, keyed by its hostname in the port's SNI table.
   */
  private void compileTls(
      Listener listener,
      String field,
      Map<String, TlsCertificate> certificates,
      Map<String, CaBundle> caBundles,
      Map<Integer, HostTable.Builder<ListenerCertificates>> tlsByPort,
      Set<String> usedContexts,
      List<String> errors) {
    List<TlsCertificate> certs = new ArrayList<>();
    List<String> names = listener.tls().certificates();
    for (int i = 0; i < names.size(); i++) {
      TlsCertificate cert = certificates.get(names.get(i));
      if (cert == null) {
        errors.add(
            field
                + ".certificates["
                + i
                + "]: "
                + names.get(i)
                + " (expected: a certificate in secrets)");
        return;
      }
      certs.add(cert);
    }
    ClientTrust trust = null;
    if (listener.tls().clientValidation() != null) {
      try {
        trust = ClientTrust.of(listener.tls().clientValidation(), caBundles);
      } catch (IllegalArgumentException e) {
        errors.add(field + ".clientValidation.caBundles: " + e.getMessage());
        return;
      }
    }
    try {
      ListenerCertificates lc =
          ListenerCertificates.compile(
              certs, listener.tls().minVersion(), trust, tlsContexts, usedContexts);
      tlsByPort
          .computeIfAbsent(listener.port(), p -> HostTable.builder())
          .put(listener.hostname(), lc);
    } catch (IllegalArgumentException e) {
      errors.add(field + ".certificates: " + e.getMessage());
    }
  }

  private static RateLimitStep rateLimitStep(
      RateLimitEngine.Compiled limits, Listener listener, Rule rule) {
    if (limits == null || rule == null) {
      return null;
    }
    boolean cors = rule.filters().stream().anyMatch(f -> f instanceof Cors);
    return limits.step(listener.policies(), rule.policies(), cors);
  }

  private static CompiledRule compileRule(
      Rule rule, Map<String, CompiledCluster> clusters, String field, List<String> errors) {
    List<CompiledBackend> backends = new ArrayList<>();
    List<Integer> weights = new ArrayList<>();
    boolean needsBody = rule.retry() != null || hasMirror(rule.filters());
    for (Backend b : rule.backends()) {
      CompiledCluster cluster = b.cluster() == null ? null : clusters.get(b.cluster());
      int error = b.errorStatus() == null ? 500 : b.errorStatus();
      backends.add(new CompiledBackend(cluster, error, FilterStep.of(b.filters())));
      weights.add(b.weight());
      needsBody |= hasMirror(b.filters());
    }
    for (Filter f : rule.filters()) {
      if (f instanceof RequestMirror m && !clusters.containsKey(m.cluster())) {
        errors.add(field + ".filters: " + m.cluster() + " (expected: the name of a cluster)");
      }
    }
    BackendPicker picker = new BackendPicker(backends, weights);
    int direct = rule.directResponseStatus() == null ? 0 : rule.directResponseStatus();
    if (direct == 0 && picker.isEmpty() && !rule.isRedirect()) {
      // Every weight is zero and the translator set no direct response: nothing may receive
      // traffic, which the spec answers with 500.
      direct = 500;
    }
    // A table only as long as the highest retried status, and one shared empty table for the
    // rules without retries: a 600-entry table per rule was 6 MiB of the live heap at 10,000
    // routes.
    boolean[] codes = NO_RETRY_CODES;
    if (rule.retry() != null && !rule.retry().codes().isEmpty()) {
      int max = 0;
      for (int c : rule.retry().codes()) {
        max = Math.max(max, c);
      }
      codes = new boolean[max + 1];
      for (int c : rule.retry().codes()) {
        codes[c] = true;
      }
    }
    long requestMs = 0;
    long backendMs = 0;
    if (rule.timeouts() != null) {
      requestMs = rule.timeouts().requestMs() == null ? 0 : rule.timeouts().requestMs();
      backendMs =
          rule.timeouts().backendRequestMs() == null ? 0 : rule.timeouts().backendRequestMs();
    }
    return new CompiledRule(
        rule.name(),
        FilterStep.of(rule.filters()),
        direct,
        picker,
        requestMs,
        backendMs,
        rule.retry(),
        codes,
        needsBody,
        rule.sessionPersistence());
  }

  private static boolean hasMirror(List<Filter> filters) {
    return filters.stream().anyMatch(f -> f instanceof RequestMirror);
  }
}
