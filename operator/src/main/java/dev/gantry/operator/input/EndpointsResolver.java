package dev.gantry.operator.input;

import dev.gantry.model.endpoints.ClusterEndpoints;
import dev.gantry.model.endpoints.Endpoint;
import dev.gantry.model.endpoints.EndpointsConfig;
import dev.gantry.model.routing.Cluster;
import dev.gantry.model.routing.RoutingConfig;
import dev.gantry.translator.backend.EndpointsTranslator;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Computes a Gateway's endpoints part straight from the Service and EndpointSlice caches for the
 * clusters its routing uses: the EDS-like fast path that lets an EndpointSlice change reach proxies
 * without re-translating routes (DESIGN.md decision 4). It only looks the objects up; the mapping
 * itself is the translator's {@link EndpointsTranslator#endpointsFor}.
 */
public final class EndpointsResolver {

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
    // The translator's own function, so a translation and a slice event agree byte for byte.
    return EndpointsTranslator.endpointsFor(
            clusterName,
            caches.service(c.namespace(), c.name()).orElse(null),
            c.port(),
            caches.endpointSlices(c.namespace(), c.name()))
        .endpoints();
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
