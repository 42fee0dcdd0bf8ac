package dev.gantry.operator.input;

import dev.gantry.api.v1alpha1.BackendPolicy;
import dev.gantry.api.v1alpha1.GantryProxyConfig;
import dev.gantry.api.v1alpha1.RateLimitPolicy;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant;
import java.util.List;
import java.util.Optional;

/**
 * Read access to the operator's informer caches. Implemented by the watch package (the only one
 * that knows JOSDK), so that input building and the endpoints fast path stay plain Java that tests
 * can feed from lists.
 */
public interface ResourceCaches {

  Optional<GatewayClass> gatewayClass(String name);

  List<GatewayClass> gatewayClasses();

  List<Gateway> gateways();

  Optional<Gateway> gateway(String namespace, String name);

  List<HTTPRoute> httpRoutes();

  Optional<HTTPRoute> httpRoute(String namespace, String name);

  /**
   * The routes that name the Gateway {@code namespace/name} in spec.parentRefs, or carry our status
   * entry for it (see {@link ObjectKeys#gatewaysOf}).
   */
  List<HTTPRoute> httpRoutesOf(String gatewayKey);

  List<ReferenceGrant> referenceGrants();

  Optional<Service> service(String namespace, String name);

  /** The EndpointSlices labelled {@code kubernetes.io/service-name=<service>} in the namespace. */
  List<EndpointSlice> endpointSlices(String namespace, String service);

  Optional<Secret> secret(String namespace, String name);

  List<Namespace> namespaces();

  Optional<GantryProxyConfig> proxyConfig(String namespace, String name);

  /** Every RateLimitPolicy (they are few; GatewayInputs picks those of one Gateway). */
  List<RateLimitPolicy> rateLimitPolicies();

  /** Every BackendPolicy (they are few; GatewayInputs picks those of one Gateway). */
  List<BackendPolicy> backendPolicies();

  /**
   * The routes that forward or mirror to the Service {@code namespace/name}. The informer caches
   * answer from an index; this default scans every route.
   */
  default List<HTTPRoute> httpRoutesToService(String serviceKey) {
    return httpRoutes().stream()
        .filter(r -> GatewayInputs.backendServices(r).contains(serviceKey))
        .toList();
  }
}
