package dev.gantry.proxy.route;

import dev.gantry.model.endpoints.Endpoint;
import dev.gantry.model.routing.AppProtocol;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A cluster with its ready endpoints, balanced round-robin. No ready endpoint → 503. */
public final class CompiledCluster {
  private final String name;
  private final AppProtocol protocol;
  private final UpstreamEndpoint[] endpoints;
  private final AtomicInteger next = new AtomicInteger();

  public CompiledCluster(String name, AppProtocol protocol, List<Endpoint> endpoints) {
    this.name = name;
    this.protocol = protocol;
    this.endpoints =
        endpoints.stream()
            .filter(Endpoint::ready)
            // Resolved here, off the event loop; addresses are IPs in a cluster.
            .map(e -> new UpstreamEndpoint(new InetSocketAddress(e.address(), e.port()), protocol))
            .toArray(UpstreamEndpoint[]::new);
  }

  public String name() {
    return name;
  }

  public AppProtocol protocol() {
    return protocol;
  }

  /** The endpoints requests may be sent to (a removed or terminating one is not among them). */
  public List<UpstreamEndpoint> endpoints() {
    return List.of(endpoints);
  }

  public boolean hasEndpoints() {
    return endpoints.length > 0;
  }

  /** The next endpoint round-robin, or null when none is ready. */
  public UpstreamEndpoint pick() {
    if (endpoints.length == 0) {
      return null;
    }
    return endpoints[Math.floorMod(next.getAndIncrement(), endpoints.length)];
  }
}
