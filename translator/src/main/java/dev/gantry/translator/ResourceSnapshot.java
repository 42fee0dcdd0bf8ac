package dev.gantry.translator;

import dev.gantry.api.v1alpha1.BackendPolicy;
import dev.gantry.api.v1alpha1.RateLimitPolicy;
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
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Every object the translator may look at, immutable and sorted by namespace/name so that the input
 * order never changes the output. The operator builds it from informer caches; standalone mode from
 * a folder of YAML.
 */
public record ResourceSnapshot(
    List<GatewayClass> gatewayClasses,
    List<Gateway> gateways,
    List<HTTPRoute> httpRoutes,
    List<ReferenceGrant> referenceGrants,
    List<Service> services,
    List<EndpointSlice> endpointSlices,
    List<Secret> secrets,
    List<Namespace> namespaces,
    List<RateLimitPolicy> rateLimitPolicies,
    List<BackendPolicy> backendPolicies) {

  /** A snapshot without BackendPolicies (the form before they existed). */
  public ResourceSnapshot(
      List<GatewayClass> gatewayClasses,
      List<Gateway> gateways,
      List<HTTPRoute> httpRoutes,
      List<ReferenceGrant> referenceGrants,
      List<Service> services,
      List<EndpointSlice> endpointSlices,
      List<Secret> secrets,
      List<Namespace> namespaces,
      List<RateLimitPolicy> rateLimitPolicies) {
    this(
        gatewayClasses,
        gateways,
        httpRoutes,
        referenceGrants,
        services,
        endpointSlices,
        secrets,
        namespaces,
        rateLimitPolicies,
        null);
  }

  /** A snapshot without RateLimitPolicies (the form before they existed). */
  public ResourceSnapshot(
      List<GatewayClass> gatewayClasses,
      List<Gateway> gateways,
      List<HTTPRoute> httpRoutes,
      List<ReferenceGrant> referenceGrants,
      List<Service> services,
      List<EndpointSlice> endpointSlices,
      List<Secret> secrets,
      List<Namespace> namespaces) {
    this(
        gatewayClasses,
        gateways,
        httpRoutes,
        referenceGrants,
        services,
        endpointSlices,
        secrets,
        namespaces,
        null);
  }

  private static final Comparator<HasMetadata> BY_NAMESPACE_AND_NAME =
      Comparator.comparing((HasMetadata o) -> nullToEmpty(o.getMetadata().getNamespace()))
          .thenComparing(o -> nullToEmpty(o.getMetadata().getName()));

  public ResourceSnapshot {
    gatewayClasses = sorted(gatewayClasses);
    gateways = sorted(gateways);
    httpRoutes = sorted(httpRoutes);
    referenceGrants = sorted(referenceGrants);
    services = sorted(services);
    endpointSlices = sorted(endpointSlices);
    secrets = sorted(secrets);
    namespaces = sorted(namespaces);
    rateLimitPolicies = sorted(rateLimitPolicies);
    backendPolicies = sorted(backendPolicies);
  }

  /**
   * A snapshot of whatever objects are given, each filed by its type; objects of other types are
   * ignored (standalone mode parses a folder with {@code ResourceYaml} and passes everything).
   */
  public static ResourceSnapshot of(Collection<? extends HasMetadata> objects) {
    List<GatewayClass> classes = new ArrayList<>();
    List<Gateway> gateways = new ArrayList<>();
    List<HTTPRoute> routes = new ArrayList<>();
    List<ReferenceGrant> grants = new ArrayList<>();
    List<Service> services = new ArrayList<>();
    List<EndpointSlice> slices = new ArrayList<>();
    List<Secret> secrets = new ArrayList<>();
    List<Namespace> namespaces = new ArrayList<>();
    List<RateLimitPolicy> policies = new ArrayList<>();
    List<BackendPolicy> backendPolicies = new ArrayList<>();
    for (HasMetadata o : objects) {
      switch (o) {
        case GatewayClass c -> classes.add(c);
        case Gateway g -> gateways.add(g);
        case HTTPRoute r -> routes.add(r);
        case ReferenceGrant g -> grants.add(g);
        case Service s -> services.add(s);
        case EndpointSlice e -> slices.add(e);
        case Secret s -> secrets.add(s);
        case Namespace n -> namespaces.add(n);
        case RateLimitPolicy p -> policies.add(p);
        case BackendPolicy p -> backendPolicies.add(p);
        default -> {}
      }
    }
    return new ResourceSnapshot(
        classes,
        gateways,
        routes,
        grants,
        services,
        slices,
        secrets,
        namespaces,
        policies,
        backendPolicies);
  }

  public static ResourceSnapshot empty() {
    return new ResourceSnapshot(null, null, null, null, null, null, null, null);
  }

  private static <T extends HasMetadata> List<T> sorted(List<T> in) {
    if (in == null) {
      return List.of();
    }
    // An object without a name cannot exist in a cluster (or come out of ResourceYaml); dropping it
    // here keeps every later lookup free of null checks.
    return in.stream()
        .filter(o -> o != null && o.getMetadata() != null && o.getMetadata().getName() != null)
        .sorted(BY_NAMESPACE_AND_NAME)
        .toList();
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
