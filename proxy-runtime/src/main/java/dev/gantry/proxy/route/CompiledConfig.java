package dev.gantry.proxy.route;

import dev.gantry.model.GatewaySnapshot;
import java.util.Map;

/**
 * An immutable, fully compiled snapshot. The proxy holds exactly one in a volatile field; a request
 * reads it once at its start and keeps using what it read, which is how in-flight requests finish
 * on the config they started with.
 */
public record CompiledConfig(
    GatewaySnapshot snapshot,
    Map<Integer, CompiledPort> ports,
    Map<String, CompiledCluster> clusters) {

  public CompiledPort port(int configuredPort) {
    return ports.get(configuredPort);
  }

  public CompiledCluster cluster(String name) {
    return clusters.get(name);
  }
}
