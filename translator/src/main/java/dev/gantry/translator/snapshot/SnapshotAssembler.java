package dev.gantry.translator.snapshot;

import dev.gantry.model.GatewaySnapshot;
import dev.gantry.model.endpoints.ClusterEndpoints;
import dev.gantry.model.endpoints.EndpointsConfig;
import dev.gantry.model.routing.Backend;
import dev.gantry.model.routing.Cluster;
import dev.gantry.model.routing.Listener;
import dev.gantry.model.routing.ListenerProtocol;
import dev.gantry.model.routing.RouteEntry;
import dev.gantry.model.routing.RoutingConfig;
import dev.gantry.model.routing.Rule;
import dev.gantry.model.routing.TlsSettings;
import dev.gantry.model.routing.VirtualHost;
import dev.gantry.model.routing.filter.Filter;
import dev.gantry.model.routing.filter.RequestMirror;
import dev.gantry.model.secrets.CaBundle;
import dev.gantry.model.secrets.SecretsConfig;
import dev.gantry.model.secrets.TlsCertificate;
import dev.gantry.translator.backend.EndpointsTranslator;
import dev.gantry.translator.backend.ResolvedCluster;
import dev.gantry.translator.gateway.GatewayContext;
import dev.gantry.translator.gateway.ListenerContext;
import dev.gantry.translator.route.Attachment;
import dev.gantry.translator.route.CompiledMatch;
import dev.gantry.translator.route.MatchPrecedence;
import dev.gantry.translator.support.HostnameIntersection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One Gateway's attachments → its {@link GatewaySnapshot}. Each programmed listener gets one
 * virtual host per effective hostname; a host's entries are its own in match-precedence order,
 * followed by those of every less specific hostname covering it (longest wildcard first, {@code *}
 * last), which is the spec's cross-route hostname precedence and lets the proxy stop at one virtual
 * host.
 */
public final class SnapshotAssembler {

  private final Map<String, ResolvedCluster> clusters;
  private final EndpointsTranslator endpoints;

  public SnapshotAssembler(Map<String, ResolvedCluster> clusters, EndpointsTranslator endpoints) {
    this.clusters = clusters;
    this.endpoints = endpoints;
  }

  public GatewaySnapshot assemble(GatewayContext gw, List<Attachment> attachments) {
    Map<ListenerContext, List<Attachment>> byListener = new HashMap<>();
    for (Attachment a : attachments) {
      byListener.computeIfAbsent(a.listener(), l -> new ArrayList<>()).add(a);
    }
    List<Listener> listeners = new ArrayList<>();
    Map<String, Rule> rules = new TreeMap<>();
    Map<String, TlsCertificate> certificates = new TreeMap<>();
    Map<String, CaBundle> caBundles = new TreeMap<>();
    for (ListenerContext l : gw.listeners()) {
      if (!l.programmed()) {
        continue;
      }
      List<VirtualHost> vhosts = virtualHosts(byListener.getOrDefault(l, List.of()), rules);
      TlsSettings tls = null;
      ListenerProtocol protocol = ListenerProtocol.valueOf(l.protocol());
      if (protocol == ListenerProtocol.HTTPS) {
        List<String> names = new ArrayList<>();
        for (TlsCertificate c : l.certificates()) {
          names.add(c.name());
          certificates.put(c.name(), c);
        }
        for (CaBundle b : l.caBundles()) {
          caBundles.put(b.name(), b);
        }
        tls = new TlsSettings(names, l.minTlsVersion(), l.clientValidation());
      }
      listeners.add(
          new Listener(
              l.name(),
              gw.source().withSection(l.name()),
              l.port(),
              protocol,
              l.hostname(),
              tls,
              vhosts));
    }
    Set<String> clusterNames = new HashSet<>();
    for (Rule r : rules.values()) {
      for (Backend b : r.backends()) {
        if (b.cluster() != null) {
          clusterNames.add(b.cluster());
        }
        collectMirrors(b.filters(), clusterNames);
      }
      collectMirrors(r.filters(), clusterNames);
    }
    List<Cluster> clusterList = new ArrayList<>();
    List<ClusterEndpoints> endpointList = new ArrayList<>();
    for (String name : new java.util.TreeSet<>(clusterNames)) {
      ResolvedCluster rc = clusters.get(name);
      clusterList.add(rc.cluster());
      endpointList.add(endpoints.endpoints(rc));
    }
    return GatewaySnapshot.of(
        gw.source(),
        RoutingConfig.of(listeners, new ArrayList<>(rules.values()), clusterList),
        EndpointsConfig.of(endpointList),
        SecretsConfig.of(
            new ArrayList<>(certificates.values()), new ArrayList<>(caBundles.values())));
  }

  private static List<VirtualHost> virtualHosts(
      List<Attachment> attachments, Map<String, Rule> rules) {
    Map<String, List<CompiledMatch>> own = new TreeMap<>();
    for (Attachment a : attachments) {
      for (Rule r : a.route().rules()) {
        rules.put(r.name(), r);
      }
      for (String host : a.hostnames()) {
        own.computeIfAbsent(host, h -> new ArrayList<>()).addAll(a.route().matches());
      }
    }
    for (List<CompiledMatch> list : own.values()) {
      list.sort(MatchPrecedence.ORDER);
    }
    // Wildcards (and "*") ordered most specific first: a longer suffix is a narrower wildcard.
    List<String> wildcards =
        own.keySet().stream()
            .filter(h -> h.equals(HostnameIntersection.ANY) || HostnameIntersection.isWildcard(h))
            .sorted(Comparator.comparingInt(String::length).reversed().thenComparing(h -> h))
            .toList();
    List<VirtualHost> out = new ArrayList<>();
    for (Map.Entry<String, List<CompiledMatch>> e : own.entrySet()) {
      String host = e.getKey();
      Map<String, RouteEntry> entries = new LinkedHashMap<>();
      add(entries, e.getValue());
      for (String w : wildcards) {
        if (!w.equals(host) && HostnameIntersection.covers(w, host)) {
          add(entries, own.get(w));
        }
      }
      out.add(new VirtualHost(host, new ArrayList<>(entries.values())));
    }
    return out;
  }

  private static void add(Map<String, RouteEntry> entries, List<CompiledMatch> matches) {
    for (CompiledMatch m : matches) {
      entries.putIfAbsent(m.entry().name(), m.entry());
    }
  }

  private static void collectMirrors(List<Filter> filters, Set<String> out) {
    for (Filter f : filters) {
      if (f instanceof RequestMirror m) {
        out.add(m.cluster());
      }
    }
  }
}
