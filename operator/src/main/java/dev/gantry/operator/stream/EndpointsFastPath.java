package dev.gantry.operator.stream;

import dev.gantry.model.GatewaySnapshot;
import dev.gantry.model.endpoints.ClusterEndpoints;
import dev.gantry.model.endpoints.EndpointsConfig;
import dev.gantry.operator.input.EndpointsResolver;
import java.util.ArrayList;
import java.util.List;

/**
 * EndpointSlice (or Service) change → new endpoints part for every Gateway whose routing uses that
 * Service → pushed to its proxies. No reconcile, no translation: only the affected clusters'
 * entries are recomputed from the caches, so the cost is independent of the number of routes.
 */
public final class EndpointsFastPath {

  private final SnapshotStore store;
  private final EndpointsResolver resolver;

  public EndpointsFastPath(SnapshotStore store, EndpointsResolver resolver) {
    this.store = store;
    this.resolver = resolver;
  }

  /**
   * Recomputes the endpoints of Service {@code namespace/name} in every Gateway using it.
   *
   * @return how many Gateways got a new endpoints version
   */
  public int serviceEndpointsChanged(String namespace, String name) {
    String prefix = "service/" + namespace + "/" + name + "/";
    int changed = 0;
    for (String gatewayKey : store.gatewaysWithClusterPrefix(prefix)) {
      GatewaySnapshot s = store.get(gatewayKey).orElse(null);
      if (s == null) {
        continue;
      }
      List<ClusterEndpoints> clusters = new ArrayList<>();
      for (ClusterEndpoints ce : s.endpoints().clusters()) {
        clusters.add(
            ce.cluster().startsWith(prefix)
                ? new ClusterEndpoints(ce.cluster(), resolver.resolve(ce.cluster()))
                : ce);
      }
      if (store.updateEndpoints(gatewayKey, EndpointsConfig.of(clusters))) {
        changed++;
      }
    }
    return changed;
  }
}
