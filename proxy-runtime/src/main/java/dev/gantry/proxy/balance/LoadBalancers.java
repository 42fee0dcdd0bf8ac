package dev.gantry.proxy.balance;

import dev.gantry.model.routing.backend.LoadBalancing;
import java.util.List;

/** Builds the balancer a cluster's {@link LoadBalancing} settings ask for. */
public final class LoadBalancers {
  private LoadBalancers() {}

  /**
   * A balancer over endpoints identified by {@code endpointKeys} (e.g. "10.0.0.7:8080", in the
   * order the {@link EndpointSet} will present them). Consistent-hash tables depend only on these
   * keys, never on their order or on the config version.
   */
  public static LoadBalancer create(LoadBalancing config, List<String> endpointKeys) {
    LoadBalancing lb = config == null ? LoadBalancing.DEFAULT : config;
    SlowStart slowStart = new SlowStart(lb.slowStartMs());
    return switch (lb.type()) {
      case ROUND_ROBIN -> new RoundRobinBalancer(endpointKeys.size(), slowStart);
      case LEAST_REQUEST -> new LeastRequestBalancer(slowStart);
      case CONSISTENT_HASH ->
          lb.hashTable() == LoadBalancing.HashTable.RING
              ? new RingHashBalancer(endpointKeys)
              : new MaglevBalancer(endpointKeys);
    };
  }

  /** The key of an endpoint, as {@link #create} and session tokens expect it. */
  public static String key(java.net.InetSocketAddress address) {
    return address.getHostString() + ':' + address.getPort();
  }
}
