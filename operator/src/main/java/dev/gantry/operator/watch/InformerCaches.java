package dev.gantry.operator.watch;

import dev.gantry.api.v1alpha1.BackendPolicy;
import dev.gantry.api.v1alpha1.GantryProxyConfig;
import dev.gantry.api.v1alpha1.RateLimitPolicy;
import dev.gantry.operator.input.ResourceCaches;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Optional;

/**
 * {@link ResourceCaches} over the JOSDK informer event sources of the Gateway controller. The
 * sources are created by {@link GatewayReconciler#prepareEventSources} and set here before the
 * operator starts.
 */
public final class InformerCaches implements ResourceCaches {

  static final String SLICES_BY_SERVICE = "by-service";
  static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  volatile IndexedResourceCache<Gateway> gateways;
  volatile InformerEventSource<GatewayClass, Gateway> gatewayClasses;
  volatile InformerEventSource<HTTPRoute, Gateway> routes;
  volatile InformerEventSource<ReferenceGrant, Gateway> grants;
  volatile InformerEventSource<Service, Gateway> services;
  volatile InformerEventSource<EndpointSlice, Gateway> slices;
  volatile InformerEventSource<Secret, Gateway> secrets;
  volatile InformerEventSource<Namespace, Gateway> namespaces;
  volatile InformerEventSource<GantryProxyConfig, Gateway> proxyConfigs;
  volatile InformerEventSource<RateLimitPolicy, Gateway> rateLimitPolicies;
  volatile InformerEventSource<BackendPolicy, Gateway> backendPolicies;

  @Override
  public Optional<GatewayClass> gatewayClass(String name) {
    return name == null ? Optional.empty() : gatewayClasses.get(new ResourceID(name));
  }

  @Override
  public List<GatewayClass> gatewayClasses() {
    return gatewayClasses.list().toList();
  }

  @Override
  public List<Gateway> gateways() {
    return gateways.list().toList();
  }

  @Override
  public Optional<Gateway> gateway(String namespace, String name) {
    return gateways.get(new ResourceID(name, namespace));
  }

  @Override
  public List<HTTPRoute> httpRoutes() {
    return routes.list().toList();
  }

  @Override
  public List<ReferenceGrant> referenceGrants() {
    return grants.list().toList();
  }

  @Override
  public Optional<Service> service(String namespace, String name) {
    return services.get(new ResourceID(name, namespace));
  }

  @Override
  public List<EndpointSlice> endpointSlices(String namespace, String service) {
    return slices.byIndex(SLICES_BY_SERVICE, namespace + "/" + service);
  }

  @Override
  public Optional<Secret> secret(String namespace, String name) {
    return secrets.get(new ResourceID(name, namespace));
  }

  @Override
  public List<Namespace> namespaces() {
    return namespaces.list().toList();
  }

  @Override
  public Optional<GantryProxyConfig> proxyConfig(String namespace, String name) {
    return proxyConfigs.get(new ResourceID(name, namespace));
  }

  @Override
  public Optional<HTTPRoute> httpRoute(String namespace, String name) {
    return routes.get(new ResourceID(name, namespace));
  }

  @Override
  public List<HTTPRoute> httpRoutesOf(String gatewayKey) {
    return routes.byIndex(GatewayReconciler.ROUTES_BY_GATEWAY, gatewayKey);
  }

  @Override
  public List<HTTPRoute> httpRoutesToService(String serviceKey) {
    return routes.byIndex(GatewayReconciler.ROUTES_BY_SERVICE, serviceKey);
  }

  @Override
  public List<RateLimitPolicy> rateLimitPolicies() {
    return rateLimitPolicies.list().toList();
  }

  @Override
  public List<BackendPolicy> backendPolicies() {
    return backendPolicies.list().toList();
  }
}
