package dev.gantry.operator.testing;

import dev.gantry.model.GatewaySnapshot;
import dev.gantry.model.SourceRef;
import dev.gantry.model.endpoints.ClusterEndpoints;
import dev.gantry.model.endpoints.Endpoint;
import dev.gantry.model.endpoints.EndpointsConfig;
import dev.gantry.model.routing.Backend;
import dev.gantry.model.routing.Cluster;
import dev.gantry.model.routing.Listener;
import dev.gantry.model.routing.ListenerProtocol;
import dev.gantry.model.routing.PathMatch;
import dev.gantry.model.routing.PathMatchType;
import dev.gantry.model.routing.RouteEntry;
import dev.gantry.model.routing.RouteMatch;
import dev.gantry.model.routing.RoutingConfig;
import dev.gantry.model.routing.Rule;
import dev.gantry.model.routing.VirtualHost;
import dev.gantry.model.secrets.SecretsConfig;
import java.util.List;

/** Hand-built snapshots: one listener, one route per path prefix, forwarding to one cluster. */
public final class TestSnapshots {

  private TestSnapshots() {}

  public static RoutingConfig routing(
      String namespace, String gateway, int port, String pathPrefix, String cluster) {
    SourceRef gw = SourceRef.of("Gateway", namespace, gateway);
    SourceRef route = SourceRef.of("HTTPRoute", namespace, "r");
    Rule rule =
        new Rule(
            "httproute/" + namespace + "/r/rule/0",
            route.withSection("0"),
            List.of(),
            List.of(new Backend(cluster, 1, null, List.of(), route.withSection("0"))),
            null,
            null,
            null,
            List.of());
    RouteEntry entry =
        new RouteEntry(
            "httproute/" + namespace + "/r/rule/0/match/0",
            route.withSection("0"),
            new RouteMatch(
                new PathMatch(PathMatchType.PATH_PREFIX, pathPrefix), List.of(), List.of(), null),
            rule.name());
    Listener listener =
        new Listener(
            "http",
            gw.withSection("http"),
            port,
            ListenerProtocol.HTTP,
            null,
            null,
            List.of(new VirtualHost("*", List.of(entry))));
    String[] c = cluster.split("/");
    return RoutingConfig.of(
        List.of(listener),
        List.of(rule),
        List.of(new Cluster(cluster, SourceRef.of("Service", c[1], c[2]).withSection(c[3]), null)));
  }

  public static EndpointsConfig endpoints(String cluster, String... addressPorts) {
    List<Endpoint> eps =
        java.util.Arrays.stream(addressPorts)
            .map(
                ap -> {
                  String[] p = ap.split(":");
                  return new Endpoint(p[0], Integer.parseInt(p[1]), true, true, false, null);
                })
            .toList();
    return EndpointsConfig.of(List.of(new ClusterEndpoints(cluster, eps)));
  }

  public static GatewaySnapshot snapshot(
      String namespace, String gateway, RoutingConfig routing, EndpointsConfig endpoints) {
    return GatewaySnapshot.of(
        SourceRef.of("Gateway", namespace, gateway),
        routing,
        endpoints,
        SecretsConfig.of(List.of()));
  }
}
