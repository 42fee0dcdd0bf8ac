package dev.gantry.proxy.server;

import dev.gantry.proxy.route.CompiledCluster;
import dev.gantry.proxy.route.CompiledConfig;
import dev.gantry.proxy.route.UpstreamEndpoint;
import java.util.HashSet;
import java.util.Set;

/**
 * The endpoints a compiled config may send new requests to: every endpoint of every cluster (mirror
 * targets included). An endpoint outside this set was removed by the config or is terminating; its
 * pooled connections are closed rather than reused.
 */
final class RoutedEndpoints {

  private RoutedEndpoints() {}

  static Set<UpstreamEndpoint> of(CompiledConfig config) {
    if (config == null) {
      return Set.of();
    }
    Set<UpstreamEndpoint> all = new HashSet<>();
    for (CompiledCluster c : config.clusters().values()) {
      all.addAll(c.endpoints());
    }
    return Set.copyOf(all);
  }
}
