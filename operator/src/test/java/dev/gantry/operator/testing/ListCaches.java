package dev.gantry.operator.testing;

import dev.gantry.api.v1alpha1.BackendPolicy;
import dev.gantry.api.v1alpha1.GantryProxyConfig;
import dev.gantry.api.v1alpha1.RateLimitPolicy;
import dev.gantry.operator.input.ResourceCaches;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** {@link ResourceCaches} over plain lists, for unit tests of input building and endpoints. */
public final class ListCaches implements ResourceCaches {

  public final List<HasMetadata> objects = new ArrayList<>();

  public ListCaches add(HasMetadata... o) {
    objects.addAll(List.of(o));
    return this;
  }

  private <T> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  private <T extends HasMetadata> Optional<T> one(Class<T> type, String ns, String name) {
    return all(type).stream()
        .filter(
            o ->
                Objects.equals(o.getMetadata().getNamespace(), ns)
                    && o.getMetadata().getName().equals(name))
        .findFirst();
  }

  @Override
  public Optional<GatewayClass> gatewayClass(String name) {
    return one(GatewayClass.class, null, name);
  }

  @Override
  public List<GatewayClass> gatewayClasses() {
    return all(GatewayClass.class);
  }

  @Override
  public List<Gateway> gateways() {
    return all(Gateway.class);
  }

  @Override
  public Optional<Gateway> gateway(String ns, String name) {
    return one(Gateway.class, ns, name);
  }

  @Override
  public List<HTTPRoute> httpRoutes() {
    return all(HTTPRoute.class);
  }

  @Override
  public Optional<HTTPRoute> httpRoute(String ns, String name) {
    return one(HTTPRoute.class, ns, name);
  }

  @Override
  public List<HTTPRoute> httpRoutesOf(String gatewayKey) {
    return httpRoutes().stream()
        .filter(
            r ->
                dev.gantry.operator.input.ObjectKeys.gatewaysOf(r, "gantry.dev/gateway-controller")
                    .contains(gatewayKey))
        .toList();
  }

  @Override
  public List<ReferenceGrant> referenceGrants() {
    return all(ReferenceGrant.class);
  }

  @Override
  public Optional<Service> service(String ns, String name) {
    return one(Service.class, ns, name);
  }

  @Override
  public List<EndpointSlice> endpointSlices(String ns, String service) {
    return all(EndpointSlice.class).stream()
        .filter(s -> ns.equals(s.getMetadata().getNamespace()))
        .filter(
            s ->
                s.getMetadata().getLabels() != null
                    && service.equals(
                        s.getMetadata().getLabels().get("kubernetes.io/service-name")))
        .toList();
  }

  @Override
  public Optional<Secret> secret(String ns, String name) {
    return one(Secret.class, ns, name);
  }

  @Override
  public List<Namespace> namespaces() {
    return all(Namespace.class);
  }

  @Override
  public Optional<GantryProxyConfig> proxyConfig(String ns, String name) {
    return one(GantryProxyConfig.class, ns, name);
  }

  @Override
  public List<RateLimitPolicy> rateLimitPolicies() {
    return all(RateLimitPolicy.class);
  }

  @Override
  public List<BackendPolicy> backendPolicies() {
    return all(BackendPolicy.class);
  }
}
