package dev.gantry.operator.input;

import dev.gantry.model.endpoints.ClusterEndpoints;
import dev.gantry.model.endpoints.Endpoint;
import dev.gantry.model.endpoints.EndpointsConfig;
import dev.gantry.model.routing.Cluster;
import dev.gantry.model.routing.RoutingConfig;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Computes a Gateway's endpoints part straight from the Service and EndpointSlice caches for the
 * clusters its routing uses: the EDS-like fast path that lets an EndpointSlice change reach proxies
 * without re-translating routes (DESIGN.md decision 4).
 *
 * <p>A cluster {@code service/<ns>/<name>/<port>} resolves to the addresses of the Service's
 * EndpointSlices, on the slice port whose name equals the Service port's name (the target port, as
 * kube-proxy maps it). Conditions follow the EndpointSlice API: an unset {@code ready} means ready,
 * an unset {@code serving} means the value of ready, an unset {@code terminating} means false.
 */
public final class EndpointsResolver {

  private static final Comparator<Endpoint> ORDER =
      Comparator.comparing(Endpoint::address).thenComparingInt(Endpoint::port);

  private final ResourceCaches caches;

  public EndpointsResolver(ResourceCaches caches) {
    this.caches = caches;
  }

  public EndpointsConfig endpointsFor(RoutingConfig routing) {
    List<ClusterEndpoints> out = new ArrayList<>();
    routing.clusters().stream()
        .map(Cluster::name)
        .sorted()
        .forEach(name -> out.add(new ClusterEndpoints(name, resolve(name))));
    return EndpointsConfig.of(out);
  }

  /** The endpoints of one cluster; empty when the name is not a Service cluster or has none. */
  public List<Endpoint> resolve(String clusterName) {
    Optional<ServiceCluster> parsed = ServiceCluster.parse(clusterName);
    if (parsed.isEmpty()) {
      return List.of();
    }
    ServiceCluster c = parsed.get();
    Optional<Service> service = caches.service(c.namespace(), c.name());
    if (service.isEmpty() || service.get().getSpec() == null) {
      return List.of();
    }
    ServicePort servicePort =
        service.get().getSpec().getPorts() == null
            ? null
            : service.get().getSpec().getPorts().stream()
                .filter(p -> p.getPort() != null && p.getPort() == c.port())
                .findFirst()
                .orElse(null);
    if (servicePort == null) {
      return List.of();
    }
    String portName = emptyToNull(servicePort.getName());
    Map<String, Endpoint> byAddress = new LinkedHashMap<>();
    for (EndpointSlice slice : caches.endpointSlices(c.namespace(), c.name())) {
      if (slice.getPorts() == null || slice.getEndpoints() == null) {
        continue;
      }
      Integer target =
          slice.getPorts().stream()
              .filter(p -> Objects.equals(emptyToNull(p.getName()), portName))
              .map(EndpointPort::getPort)
              .filter(Objects::nonNull)
              .findFirst()
              .orElse(null);
      if (target == null) {
        continue;
      }
      for (io.fabric8.kubernetes.api.model.discovery.v1.Endpoint e : slice.getEndpoints()) {
        EndpointConditions cond = e.getConditions();
        boolean ready = cond == null || cond.getReady() == null || cond.getReady();
        boolean serving = cond == null || cond.getServing() == null ? ready : cond.getServing();
        boolean terminating = cond != null && Boolean.TRUE.equals(cond.getTerminating());
        if (e.getAddresses() == null) {
          continue;
        }
        for (String address : e.getAddresses()) {
          // The same address may appear in two slices during a slice rebalance: keep one.
          byAddress.putIfAbsent(
              address + ":" + target,
              new Endpoint(address, target, ready, serving, terminating, e.getZone()));
        }
      }
    }
    return byAddress.values().stream().sorted(ORDER).toList();
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /** A parsed cluster name {@code service/<ns>/<name>/<port>}. */
  public record ServiceCluster(String namespace, String name, int port) {

    public static Optional<ServiceCluster> parse(String clusterName) {
      String[] p = clusterName == null ? new String[0] : clusterName.split("/");
      if (p.length != 4 || !"service".equals(p[0])) {
        return Optional.empty();
      }
      try {
        return Optional.of(new ServiceCluster(p[1], p[2], Integer.parseInt(p[3])));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }

    public String serviceKey() {
      return ObjectKeys.key(namespace, name);
    }
  }
}
